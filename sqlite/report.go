package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode"

	"github.com/intelcell/intelcell"
)

// CreateReport stores one report durably with its extraction job.
func (db *DB) CreateReport(ctx context.Context, v intelcell.Viewer, r *intelcell.Report) (bool, error) {
	created, err := db.CreateReports(ctx, v, []*intelcell.Report{r})
	if err != nil {
		return false, err
	}
	return created[0], nil
}

// CreateReports stores reports of v's org in one transaction, each with a
// queued job; content already held by the org only records the new source.
func (db *DB) CreateReports(ctx context.Context, v intelcell.Viewer, rs []*intelcell.Report) ([]bool, error) {
	if v.Anonymous() || !v.Role.CanSubmit() {
		return nil, intelcell.Errorf(intelcell.EFORBIDDEN, "role %q may not submit reports", v.Role)
	}
	if err := db.applyDefaults(ctx, v, rs); err != nil {
		return nil, err
	}
	for _, r := range rs {
		if err := r.Validate(); err != nil {
			return nil, err
		}
		for _, g := range r.Release.Groups {
			if !v.InGroup(g) {
				// The same answer for a group that does not exist: names of
				// groups one is not in are not revealed.
				return nil, intelcell.Errorf(intelcell.EINVALID, "org %s is not a member of a group %q", v.OrgName, g)
			}
		}
	}
	out := make([]bool, len(rs))
	now := db.now()
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		for i, r := range rs {
			r.Org, r.OrgName = v.Org, v.OrgName
			r.ContentHash = intelcell.ContentHash(r.Title, r.Text)
			var seq int64
			err := tx.QueryRowContext(ctx, `SELECT seq, id, status, created FROM reports WHERE org_id = ? AND content_hash = ?`,
				int64(v.Org), r.ContentHash).Scan(&seq, &r.ID, &r.Status, new(int64))
			switch {
			case err == nil:
				// Same content from the same org: one report, one more source.
			case errors.Is(err, sql.ErrNoRows):
				r.ID, r.Status, r.Created = newID(), intelcell.StatusQueued, fromMillis(now)
				err = tx.QueryRowContext(ctx, `INSERT INTO reports (id, org_id, title, text, date, source, url, audience, tlp, attribution, status, content_hash, created)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
					r.ID, int64(v.Org), r.Title, r.Text, r.Date, r.Source, r.URL, string(r.Release.Audience), string(r.Release.TLP),
					r.Release.Attribution, r.Status, r.ContentHash, now).Scan(&seq)
				if err != nil {
					return err
				}
				for _, g := range r.Release.Groups {
					if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO report_groups (report_seq, grp) VALUES (?, ?)`, seq, g); err != nil {
						return err
					}
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO jobs (report_seq, state, run_after, created) VALUES (?, 'queued', ?, ?)`, seq, now, now); err != nil {
					return err
				}
				out[i] = true
			default:
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO report_sources (report_seq, source, url, created) VALUES (?, ?, ?, ?)`,
				seq, r.Source, r.URL, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

const reportCols = `r.seq, r.id, r.org_id, o.name, r.title, r.text, r.date, r.source, r.url, r.audience, r.tlp, r.attribution, r.status, r.error, r.content_hash, r.created`

func scanReport(sc interface{ Scan(...any) error }, extra ...any) (int64, *intelcell.Report, error) {
	var r intelcell.Report
	var seq, created int64
	var org int64
	dest := []any{&seq, &r.ID, &org, &r.OrgName, &r.Title, &r.Text, &r.Date, &r.Source, &r.URL,
		&r.Release.Audience, &r.Release.TLP, &r.Release.Attribution, &r.Status, &r.Error, &r.ContentHash, &created}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return 0, nil, err
	}
	r.Org = intelcell.OrgID(org)
	r.Created = fromMillis(created)
	return seq, &r, nil
}

// redact hides from v what v may not learn about a visible report: which org
// sent it (attribution false) and the names of groups v is not a member of.
func redact(v intelcell.Viewer, r *intelcell.Report) {
	if v.Org == r.Org && !v.Anonymous() {
		return
	}
	if !r.Release.Attribution {
		r.OrgName = ""
	}
	var keep []string
	for _, g := range r.Release.Groups {
		if v.InGroup(g) {
			keep = append(keep, g)
		}
	}
	r.Release.Groups = keep
}

func (db *DB) reportGroups(ctx context.Context, seq int64) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT grp FROM report_groups WHERE report_seq = ? ORDER BY grp`, seq)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// FindReport returns a visible report and its Document.
func (db *DB) FindReport(ctx context.Context, v intelcell.Viewer, id string) (*intelcell.Report, *intelcell.Document, error) {
	vis, args := visWhere(v)
	row := db.r.QueryRowContext(ctx, `SELECT `+reportCols+`, d.body FROM reports r JOIN orgs o ON o.id = r.org_id
		LEFT JOIN documents d ON d.report_seq = r.seq WHERE r.id = ? AND `+vis, append([]any{id}, args...)...)
	var body sql.NullString
	seq, r, err := scanReport(row, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, intelcell.Errorf(intelcell.ENOTFOUND, "report not found")
	} else if err != nil {
		return nil, nil, err
	}
	if r.Release.Groups, err = db.reportGroups(ctx, seq); err != nil {
		return nil, nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT source, url FROM report_sources WHERE report_seq = ? ORDER BY created, source, url`, seq)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s intelcell.Source
		if err := rows.Scan(&s.Source, &s.URL); err != nil {
			return nil, nil, err
		}
		r.Sources = append(r.Sources, s)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	redact(v, r)
	var doc *intelcell.Document
	if body.Valid {
		doc = new(intelcell.Document)
		if err := json.Unmarshal([]byte(body.String), doc); err != nil {
			return nil, nil, err
		}
		doc.ID = r.ID
	}
	return r, doc, nil
}

// ftsQuery turns free words into an FTS5 query that requires every word.
// Words are quoted, so no input is FTS5 syntax.
func ftsQuery(q string) string {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 16 {
		words = words[:16]
	}
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	return strings.Join(words, " ")
}

func clampLimit(n, def, max int) int {
	if n <= 0 {
		return def
	}
	return min(n, max)
}

// SearchReports returns visible reports matching every word: the most
// relevant of the newest intelcell.SearchWindow visible matches, or every
// visible match newest first (f.Sort). The cursor is an offset into that
// order. The full-text index yields matches newest first without ranking
// them all; visibility is checked as they come; only the page's reports
// are then read with their snippets.
func (db *DB) SearchReports(ctx context.Context, v intelcell.Viewer, f intelcell.ReportFilter) ([]*intelcell.Report, string, error) {
	q := ftsQuery(f.Query)
	if q == "" {
		return nil, "", intelcell.Errorf(intelcell.EINVALID, "q needs at least one word")
	}
	limit := clampLimit(f.Limit, 20, 100)
	offset := 0
	if f.Cursor != "" {
		var err error
		if offset, err = intelcell.DecodeSearchCursor(f.Cursor); err != nil {
			return nil, "", err
		}
	}
	vis, vargs := visJoined(v)
	matches := `SELECT r.seq AS seq, reports_fts.rank AS rank FROM reports_fts JOIN reports r ON r.seq = reports_fts.rowid
		WHERE reports_fts MATCH ? AND ` + vis + ` ORDER BY reports_fts.rowid DESC`
	var pageSQL string
	args := append([]any{q}, vargs...)
	switch f.Sort {
	case "", intelcell.SortRelevance:
		if offset >= intelcell.SearchWindow {
			return nil, "", nil
		}
		pageSQL = `SELECT seq FROM (` + matches + ` LIMIT ` + strconv.Itoa(intelcell.SearchWindow) + `) ORDER BY rank, seq DESC LIMIT ? OFFSET ?`
	case intelcell.SortNewest:
		pageSQL = `SELECT seq FROM (` + matches + ` LIMIT ? OFFSET ?)`
	default:
		return nil, "", intelcell.Errorf(intelcell.EINVALID, "sort must be relevance or newest")
	}
	rows, err := db.r.QueryContext(ctx, pageSQL, append(args, limit+1, offset)...)
	if err != nil {
		return nil, "", err
	}
	var seqs []int64
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			rows.Close()
			return nil, "", err
		}
		seqs = append(seqs, seq)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(seqs) > limit {
		seqs = seqs[:limit]
		next = intelcell.EncodeSearchCursor(offset + limit)
	}
	if len(seqs) == 0 {
		return nil, "", nil
	}
	// The page's reports and snippets; visibility is checked again in the
	// same query that reads them.
	ids := make([]any, len(seqs))
	for i, s := range seqs {
		ids[i] = s
	}
	rows, err = db.r.QueryContext(ctx, `SELECT `+reportCols+`, snippet(reports_fts, 1, '', '', '…', 16)
		FROM reports_fts JOIN reports r ON r.seq = reports_fts.rowid JOIN orgs o ON o.id = r.org_id
		WHERE reports_fts MATCH ? AND reports_fts.rowid IN (`+placeholders(len(ids))+`) AND `+vis,
		append(append([]any{q}, ids...), vargs...)...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	bySeq := make(map[int64]*intelcell.Report, len(seqs))
	for rows.Next() {
		var snip string
		seq, r, err := scanReport(rows, &snip)
		if err != nil {
			return nil, "", err
		}
		r.Text, r.Snippet = "", snip
		bySeq[seq] = r
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	rows.Close()
	out := make([]*intelcell.Report, 0, len(seqs))
	for _, seq := range seqs {
		r := bySeq[seq]
		if r == nil {
			continue // changed between the two reads
		}
		if r.Release.Audience == intelcell.AudienceGroups {
			if r.Release.Groups, err = db.reportGroups(ctx, seq); err != nil {
				return nil, "", err
			}
		}
		redact(v, r)
		out = append(out, r)
	}
	return out, next, nil
}

// CountReports counts visible reports, matching the words when given.
func (db *DB) CountReports(ctx context.Context, v intelcell.Viewer, query string) (int, error) {
	vis, args := visWhere(v)
	var n int
	var err error
	if strings.TrimSpace(query) == "" {
		err = db.r.QueryRowContext(ctx, `SELECT count(*) FROM reports r WHERE `+vis, args...).Scan(&n)
	} else {
		q := ftsQuery(query)
		if q == "" {
			return 0, intelcell.Errorf(intelcell.EINVALID, "q needs at least one word")
		}
		// The matching rowids come from the full-text index as one set (no
		// per-row FTS cursor or rank), then visibility is checked per report.
		err = db.r.QueryRowContext(ctx, `SELECT count(*) FROM reports r
			WHERE r.seq IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?) AND `+vis, append([]any{q}, args...)...).Scan(&n)
	}
	return n, err
}

// SetRelease changes the release of a report of v's org. Narrowing takes
// effect for every later read, because every read joins the report's
// current release.
func (db *DB) SetRelease(ctx context.Context, v intelcell.Viewer, id string, rel intelcell.Release) error {
	if err := rel.Validate(); err != nil {
		return err
	}
	vis, args := visWhere(v)
	return db.withTx(ctx, func(tx *sql.Tx) error {
		var seq, org int64
		err := tx.QueryRowContext(ctx, `SELECT r.seq, r.org_id FROM reports r WHERE r.id = ? AND `+vis, append([]any{id}, args...)...).Scan(&seq, &org)
		if errors.Is(err, sql.ErrNoRows) {
			return intelcell.Errorf(intelcell.ENOTFOUND, "report not found")
		} else if err != nil {
			return err
		}
		if intelcell.OrgID(org) != v.Org || !v.Role.CanAdminOrg() {
			return intelcell.Errorf(intelcell.EFORBIDDEN, "only an admin of the submitting org may change a release")
		}
		for _, g := range rel.Groups {
			if !v.InGroup(g) {
				return intelcell.Errorf(intelcell.EINVALID, "org %s is not a member of a group %q", v.OrgName, g)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET audience = ?, tlp = ?, attribution = ? WHERE seq = ?`,
			string(rel.Audience), string(rel.TLP), rel.Attribution, seq); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_groups WHERE report_seq = ?`, seq); err != nil {
			return err
		}
		for _, g := range rel.Groups {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO report_groups (report_seq, grp) VALUES (?, ?)`, seq, g); err != nil {
				return err
			}
		}
		return nil
	})
}
