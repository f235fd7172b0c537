package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/intelcell/intelcell"
	"github.com/jackc/pgx/v5"
)

// auditMigration adds the audit log and org default releases. The audit
// table refuses UPDATE, DELETE and TRUNCATE (triggers); the hash chain
// detects what is done behind the store's back (or after dropping the
// triggers).
const auditMigration = `
CREATE TABLE audit (
	seq       BIGINT PRIMARY KEY,
	time      BIGINT NOT NULL,
	org_id    BIGINT NOT NULL,
	org_name  TEXT COLLATE "C" NOT NULL,
	token_id  TEXT NOT NULL,
	role      TEXT NOT NULL,
	via       TEXT NOT NULL,
	action    TEXT COLLATE "C" NOT NULL,
	target    TEXT NOT NULL,
	object    TEXT NOT NULL,
	report_id TEXT COLLATE "C" NOT NULL,
	detail    TEXT NOT NULL,
	status    INTEGER NOT NULL,
	prev      TEXT NOT NULL,
	hash      TEXT NOT NULL
);
CREATE INDEX audit_org ON audit(org_id, seq);
CREATE INDEX audit_report ON audit(report_id, seq);
CREATE INDEX audit_time ON audit(time, seq);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the audit log is append-only';
END $$;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TABLE org_defaults (
	org_id      BIGINT PRIMARY KEY REFERENCES orgs(id),
	audience    TEXT NOT NULL,
	tlp         TEXT NOT NULL,
	attribution BOOLEAN NOT NULL,
	groups      TEXT[] NOT NULL
);
`

// AppendAudit appends entries to the chain in one transaction. The table
// lock (SHARE ROW EXCLUSIVE, which conflicts with itself and with inserts
// but not with reads) orders appenders of every process on the database.
func (db *DB) AppendAudit(ctx context.Context, entries ...*intelcell.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	now := db.Now()
	return db.withTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE audit IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		var seq int64
		var prev string
		err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		b := &pgx.Batch{}
		for _, e := range entries {
			e.OrgName, e.TokenID, e.Via, e.Action, e.Target, e.Object, e.ReportID, e.Detail =
				clean(e.OrgName), clean(e.TokenID), clean(e.Via), clean(e.Action), clean(e.Target), clean(e.Object), clean(e.ReportID), clean(e.Detail)
			e.Role = intelcell.Role(clean(string(e.Role)))
			seq++
			e.Seq = seq
			if e.Time.IsZero() {
				e.Time = now
			}
			e.Time = fromMillis(e.Time.UnixMilli())
			e.Prev = prev
			e.Hash = e.ChainHash(prev)
			b.Queue(`INSERT INTO audit (seq, time, org_id, org_name, token_id, role, via, action, target, object, report_id, detail, status, prev, hash)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
				e.Seq, e.Time.UnixMilli(), int64(e.Org), e.OrgName, e.TokenID, string(e.Role), e.Via,
				e.Action, e.Target, e.Object, e.ReportID, e.Detail, int32(e.Status), e.Prev, e.Hash)
			prev = e.Hash
		}
		return tx.SendBatch(ctx, b).Close()
	})
}

const auditCols = `a.seq, a.time, a.org_id, a.org_name, a.token_id, a.role, a.via, a.action, a.target, a.object, a.report_id, a.detail, a.status, a.prev, a.hash`

func scanAudit(sc interface{ Scan(...any) error }, extra ...any) (*intelcell.AuditEntry, error) {
	var e intelcell.AuditEntry
	var t, org int64
	var status int32
	dest := []any{&e.Seq, &t, &org, &e.OrgName, &e.TokenID, &e.Role, &e.Via, &e.Action, &e.Target, &e.Object, &e.ReportID, &e.Detail, &status, &e.Prev, &e.Hash}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	e.Time, e.Org, e.Status = fromMillis(t), intelcell.OrgID(org), int(status)
	return &e, nil
}

// ScanAudit calls fn with every entry as stored, in seq order.
func (db *DB) ScanAudit(ctx context.Context, fn func(*intelcell.AuditEntry) error) error {
	rows, err := db.pool.Query(ctx, `SELECT `+auditCols+` FROM audit a ORDER BY a.seq`)
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
	var a args
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
		conds = append(conds, "a.time <= "+a.add(before))
	}
	if !admin {
		org := a.add(int64(v.Org))
		vis := visWhere(v, &a)
		conds = append(conds, `((a.org_id = `+org+` AND (a.report_id = '' OR (r.seq IS NOT NULL AND `+vis+`)))
			OR (a.org_id <> `+org+` AND a.via = 'api' AND a.action IN ('create','change') AND a.status BETWEEN 200 AND 299
				AND r.seq IS NOT NULL AND a.org_id = r.org_id AND `+vis+`))`)
	}
	if f.Report != "" {
		conds = append(conds, "a.report_id = "+a.add(clean(f.Report)))
	}
	if f.Action != "" {
		conds = append(conds, "a.action = "+a.add(clean(f.Action)))
	}
	if f.Org != "" {
		conds = append(conds, "a.org_name = "+a.add(clean(f.Org)))
	}
	q := `SELECT ` + auditCols + `, coalesce(r.attribution, false) FROM audit a LEFT JOIN reports r ON r.id = a.report_id AND a.report_id <> ''`
	if len(conds) > 0 {
		q += ` WHERE ` + strings.Join(conds, " AND ")
	}
	q += ` ORDER BY a.time DESC, a.seq DESC LIMIT ` + a.add(limit+1) + ` OFFSET ` + a.add(skip)
	rows, err := db.pool.Query(ctx, q, a...)
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
	id, err := orgID(ctx, db.pool, org)
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
	_, err = db.pool.Exec(ctx, `INSERT INTO org_defaults (org_id, audience, tlp, attribution, groups) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (org_id) DO UPDATE SET audience = excluded.audience, tlp = excluded.tlp, attribution = excluded.attribution, groups = excluded.groups`,
		id, string(rel.Audience), string(rel.TLP), rel.Attribution, append([]string{}, rel.Groups...))
	return err
}

// OrgDefaultRelease returns the org's default release.
func (db *DB) OrgDefaultRelease(ctx context.Context, org string) (intelcell.Release, error) {
	id, err := orgID(ctx, db.pool, org)
	if err != nil {
		return intelcell.Release{}, err
	}
	return db.orgDefault(ctx, id)
}

func (db *DB) orgDefault(ctx context.Context, org int64) (intelcell.Release, error) {
	var rel intelcell.Release
	err := db.pool.QueryRow(ctx, `SELECT audience, tlp, attribution, groups FROM org_defaults WHERE org_id = $1`, org).
		Scan(&rel.Audience, &rel.TLP, &rel.Attribution, &rel.Groups)
	if errors.Is(err, pgx.ErrNoRows) {
		return intelcell.DefaultRelease, nil
	} else if err != nil {
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
