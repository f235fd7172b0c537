package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/intelcell/intelcell"
)

// auditMigration adds the audit log and org default releases. The audit
// table refuses UPDATE and DELETE (triggers); the hash chain detects what
// is done to the file behind SQLite's back (or after dropping the triggers).
const auditMigration = `
CREATE TABLE audit (
	seq       INTEGER PRIMARY KEY,
	time      INTEGER NOT NULL,
	org_id    INTEGER NOT NULL,
	org_name  TEXT NOT NULL,
	token_id  TEXT NOT NULL,
	role      TEXT NOT NULL,
	via       TEXT NOT NULL,
	action    TEXT NOT NULL,
	target    TEXT NOT NULL,
	object    TEXT NOT NULL,
	report_id TEXT NOT NULL,
	detail    TEXT NOT NULL,
	status    INTEGER NOT NULL,
	prev      TEXT NOT NULL,
	hash      TEXT NOT NULL
);
CREATE INDEX audit_org ON audit(org_id, seq);
CREATE INDEX audit_report ON audit(report_id, seq);
CREATE INDEX audit_time ON audit(time, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE org_defaults (
	org_id      INTEGER PRIMARY KEY REFERENCES orgs(id),
	audience    TEXT NOT NULL,
	tlp         TEXT NOT NULL,
	attribution INTEGER NOT NULL,
	groups      TEXT NOT NULL -- JSON array of group names
);
`

// AppendAudit appends entries to the chain in one write transaction; the
// writer lock orders appenders of every process on the file.
func (db *DB) AppendAudit(ctx context.Context, entries ...*intelcell.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	now := db.Now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		var seq int64
		var prev string
		err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO audit (seq, time, org_id, org_name, token_id, role, via, action, target, object, report_id, detail, status, prev, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, e := range entries {
			seq++
			e.Seq = seq
			if e.Time.IsZero() {
				e.Time = now
			}
			e.Time = fromMillis(e.Time.UnixMilli())
			e.Prev = prev
			e.Hash = e.ChainHash(prev)
			if _, err := stmt.ExecContext(ctx, e.Seq, e.Time.UnixMilli(), int64(e.Org), e.OrgName, e.TokenID, string(e.Role), e.Via,
				e.Action, e.Target, e.Object, e.ReportID, e.Detail, e.Status, e.Prev, e.Hash); err != nil {
				return err
			}
			prev = e.Hash
		}
		return nil
	})
}

const auditCols = `a.seq, a.time, a.org_id, a.org_name, a.token_id, a.role, a.via, a.action, a.target, a.object, a.report_id, a.detail, a.status, a.prev, a.hash`

func scanAudit(sc interface{ Scan(...any) error }, extra ...any) (*intelcell.AuditEntry, error) {
	var e intelcell.AuditEntry
	var t, org int64
	dest := []any{&e.Seq, &t, &org, &e.OrgName, &e.TokenID, &e.Role, &e.Via, &e.Action, &e.Target, &e.Object, &e.ReportID, &e.Detail, &e.Status, &e.Prev, &e.Hash}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	e.Time, e.Org = fromMillis(t), intelcell.OrgID(org)
	return &e, nil
}

// ScanAudit calls fn with every entry as stored, in seq order.
func (db *DB) ScanAudit(ctx context.Context, fn func(*intelcell.AuditEntry) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT `+auditCols+` FROM audit a ORDER BY a.seq`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// FindAudit returns the entries v may read, newest (by time, then seq) first. For anyone but a
// cell admin the rule of intelcell.AuditEntry is compiled into the query:
// the org's own entries about no report or a report it sees, and the owning
// org's successful creations and release changes of reports it sees.
func (db *DB) FindAudit(ctx context.Context, v intelcell.Viewer, f intelcell.AuditFilter) ([]*intelcell.AuditEntry, string, error) {
	if v.Anonymous() {
		return []*intelcell.AuditEntry{}, "", nil
	}
	limit := clampLimit(f.Limit, 100, 1000)
	admin := v.Role == intelcell.RoleCellAdmin
	var conds []string
	var args []any
	// The cursor names the time of the last entry of the page and how many
	// entries of that very time were on it: it says nothing of entries the
	// viewer may not read, and later appends do not shift the pages.
	var before int64
	skip := 0
	if f.Cursor != "" {
		var err error
		if before, skip, err = intelcell.DecodeAuditCursor(f.Cursor); err != nil {
			return nil, "", err
		}
		conds, args = append(conds, "a.time <= ?"), append(args, before)
	}
	if !admin {
		vis, vargs := visWhere(v)
		conds = append(conds, `((a.org_id = ? AND (a.report_id = '' OR (r.seq IS NOT NULL AND `+vis+`)))
			OR (a.org_id <> ? AND a.via = 'api' AND a.action IN ('create','change') AND a.status BETWEEN 200 AND 299
				AND r.seq IS NOT NULL AND a.org_id = r.org_id AND `+vis+`))`)
		args = append(args, int64(v.Org))
		args = append(args, vargs...)
		args = append(args, int64(v.Org))
		args = append(args, vargs...)
	}
	if f.Report != "" {
		conds, args = append(conds, "a.report_id = ?"), append(args, f.Report)
	}
	if f.Action != "" {
		conds, args = append(conds, "a.action = ?"), append(args, f.Action)
	}
	if f.Org != "" {
		conds, args = append(conds, "a.org_name = ?"), append(args, f.Org)
	}
	q := `SELECT ` + auditCols + `, coalesce(r.attribution, 0) FROM audit a LEFT JOIN reports r ON r.id = a.report_id AND a.report_id <> ''`
	if len(conds) > 0 {
		q += ` WHERE ` + strings.Join(conds, " AND ")
	}
	q += ` ORDER BY a.time DESC, a.seq DESC LIMIT ? OFFSET ?`
	rows, err := db.r.QueryContext(ctx, q, append(args, limit+1, skip)...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := []*intelcell.AuditEntry{}
	for rows.Next() {
		var attributed bool
		e, err := scanAudit(rows, &attributed)
		if err != nil {
			return nil, "", err
		}
		if !admin {
			e.Redact(v, attributed)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	out, next := intelcell.NextAuditPage(out, limit, before, skip)
	return out, next, nil
}

// SetOrgDefaultRelease sets the release of reports the org submits without one.
func (db *DB) SetOrgDefaultRelease(ctx context.Context, org string, rel intelcell.Release) error {
	if err := rel.Validate(); err != nil {
		return err
	}
	id, err := orgID(ctx, db.r, org)
	if err != nil {
		return err
	}
	groups, err := db.orgGroups(ctx, id)
	if err != nil {
		return err
	}
	v := intelcell.Viewer{Org: intelcell.OrgID(id), Groups: groups}
	for _, g := range rel.Groups {
		if !v.InGroup(g) {
			return intelcell.Errorf(intelcell.EINVALID, "org %s is not a member of a group %q", org, g)
		}
	}
	gs, _ := json.Marshal(append([]string{}, rel.Groups...))
	return db.withTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO org_defaults (org_id, audience, tlp, attribution, groups) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (org_id) DO UPDATE SET audience = excluded.audience, tlp = excluded.tlp, attribution = excluded.attribution, groups = excluded.groups`,
			id, string(rel.Audience), string(rel.TLP), rel.Attribution, string(gs))
		return err
	})
}

// OrgDefaultRelease returns the org's default release.
func (db *DB) OrgDefaultRelease(ctx context.Context, org string) (intelcell.Release, error) {
	id, err := orgID(ctx, db.r, org)
	if err != nil {
		return intelcell.Release{}, err
	}
	return db.orgDefault(ctx, id)
}

func (db *DB) orgDefault(ctx context.Context, org int64) (intelcell.Release, error) {
	var rel intelcell.Release
	var gs string
	err := db.r.QueryRowContext(ctx, `SELECT audience, tlp, attribution, groups FROM org_defaults WHERE org_id = ?`, org).
		Scan(&rel.Audience, &rel.TLP, &rel.Attribution, &gs)
	if errors.Is(err, sql.ErrNoRows) {
		return intelcell.DefaultRelease, nil
	} else if err != nil {
		return rel, err
	}
	if err := json.Unmarshal([]byte(gs), &rel.Groups); err != nil {
		return rel, err
	}
	if len(rel.Groups) == 0 {
		rel.Groups = nil
	}
	return rel, nil
}

// applyDefaults gives every report submitted without a release its org's
// default release.
func (db *DB) applyDefaults(ctx context.Context, v intelcell.Viewer, rs []*intelcell.Report) error {
	var def *intelcell.Release
	for _, r := range rs {
		if !r.Release.IsZero() {
			continue
		}
		if def == nil {
			d, err := db.orgDefault(ctx, int64(v.Org))
			if err != nil {
				return err
			}
			def = &d
		}
		r.Release = *def
		r.Release.Groups = append([]string(nil), def.Groups...)
	}
	return nil
}
