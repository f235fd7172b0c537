package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/intelcell/intelcell"
	"github.com/jackc/pgx/v5"
)

// CreateReport stores one report durably with its extraction job.
func (db *DB) CreateReport(ctx context.Context, v intelcell.Viewer, r *intelcell.Report) (bool, error) {
	created, err := db.CreateReports(ctx, v, []*intelcell.Report{r})
	if err != nil {
		return false, err
	}
	return created[0], nil
}

// insertReport inserts a report with its groups, words, first source and
// queued job in one statement; it returns no row when the org already holds
// the content (a concurrent submission of the same content).
const insertReport = `WITH r AS (
	INSERT INTO reports (id, org_id, title, text, date, source, url, audience, tlp, attribution, status, content_hash, created)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'queued', $11, $12)
	ON CONFLICT (org_id, content_hash) DO NOTHING RETURNING seq
), g AS (
	INSERT INTO report_groups (report_seq, grp) SELECT DISTINCT r.seq, unnest($13::text[]) FROM r
), f AS (
	INSERT INTO report_fts (report_seq, tsv) SELECT r.seq, $14::tsvector FROM r
), s AS (
	INSERT INTO report_sources (report_seq, source, url, created) SELECT r.seq, $6, $7, $12 FROM r
), j AS (
	INSERT INTO jobs (report_seq, state, run_after, created) SELECT r.seq, 'queued', $12, $12 FROM r
)
SELECT seq FROM r`

// CreateReports stores reports of v's org in one transaction, each with a
// queued job; content already held by the org only records the new source.
// The inserts of a batch travel to the server together (one round trip).
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
	err := db.withTx(ctx, func(tx pgx.Tx) error {
		// The org's reports with the same content, and the first of each
		// content within the batch.
		first := map[string]int{}
		var hashes []string
		for i, r := range rs {
			r.Title, r.Text, r.Source, r.URL = clean(r.Title), clean(r.Text), clean(r.Source), clean(r.URL)
			r.Org, r.OrgName = v.Org, v.OrgName
			r.ContentHash = intelcell.ContentHash(r.Title, r.Text)
			if _, ok := first[r.ContentHash]; !ok {
				first[r.ContentHash] = i
				hashes = append(hashes, r.ContentHash)
			}
		}
		type held struct {
			seq          int64
			id, status   string
			created      int64
			fromDatabase bool
		}
		known := map[string]*held{}
		rows, err := tx.Query(ctx, `SELECT content_hash, seq, id, status, created FROM reports WHERE org_id = $1 AND content_hash = ANY($2)`,
			int64(v.Org), hashes)
		if err != nil {
			return err
		}
		for rows.Next() {
			var h string
			k := &held{fromDatabase: true}
			if err := rows.Scan(&h, &k.seq, &k.id, &k.status, &k.created); err != nil {
				rows.Close()
				return err
			}
			known[h] = k
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// New content: one statement each, sent as one batch.
		b := &pgx.Batch{}
		var fresh []int
		for _, h := range hashes {
			if known[h] != nil {
				continue
			}
			i := first[h]
			r := rs[i]
			r.ID, r.Status, r.Created = newID(), intelcell.StatusQueued, fromMillis(now)
			groups := append([]string{}, r.Release.Groups...)
			b.Queue(insertReport, r.ID, int64(v.Org), r.Title, r.Text, r.Date, r.Source, r.URL, string(r.Release.Audience),
				string(r.Release.TLP), r.Release.Attribution, r.ContentHash, now, groups, ftsVector(r.Title+" "+r.Text))
			fresh = append(fresh, i)
		}
		if len(fresh) > 0 {
			br := tx.SendBatch(ctx, b)
			for _, i := range fresh {
				r := rs[i]
				var seq int64
				err := br.QueryRow().Scan(&seq)
				if errors.Is(err, pgx.ErrNoRows) {
					// Stored meanwhile by a concurrent submission of the org.
					known[r.ContentHash] = nil
					continue
				} else if err != nil {
					br.Close()
					return err
				}
				known[r.ContentHash] = &held{seq: seq, id: r.ID, status: r.Status, created: now}
				out[i] = true
			}
			if err := br.Close(); err != nil {
				return err
			}
		}
		// Content held before (or stored meanwhile): one more source each.
		b = &pgx.Batch{}
		for i, r := range rs {
			k := known[r.ContentHash]
			if k == nil {
				k = &held{}
				err := tx.QueryRow(ctx, `SELECT seq, id, status, created FROM reports WHERE org_id = $1 AND content_hash = $2`,
					int64(v.Org), r.ContentHash).Scan(&k.seq, &k.id, &k.status, &k.created)
				if err != nil {
					return err
				}
				known[r.ContentHash] = k
			}
			if out[i] {
				continue
			}
			r.ID, r.Status, r.Created = k.id, k.status, fromMillis(k.created)
			b.Queue(`INSERT INTO report_sources (report_seq, source, url, created) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
				k.seq, r.Source, r.URL, now)
		}
		if b.Len() > 0 {
			return tx.SendBatch(ctx, b).Close()
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

// FindReport returns a visible report and its Document.
func (db *DB) FindReport(ctx context.Context, v intelcell.Viewer, id string) (*intelcell.Report, *intelcell.Document, error) {
	var a args
	q := `SELECT ` + reportCols + `, d.body,
		(SELECT array_agg(grp ORDER BY grp) FROM report_groups WHERE report_seq = r.seq),
		(SELECT json_agg(json_build_object('source', source, 'url', url) ORDER BY created, source, url) FROM report_sources WHERE report_seq = r.seq)
		FROM reports r JOIN orgs o ON o.id = r.org_id LEFT JOIN documents d ON d.report_seq = r.seq
		WHERE r.id = ` + a.add(clean(id)) + ` AND ` + visWhere(v, &a)
	var body *string
	var groups []string
	var sources []byte
	_, r, err := scanReport(db.pool.QueryRow(ctx, q, a...), &body, &groups, &sources)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, intelcell.Errorf(intelcell.ENOTFOUND, "report not found")
	} else if err != nil {
		return nil, nil, err
	}
	r.Release.Groups = groups
	if sources != nil {
		if err := json.Unmarshal(sources, &r.Sources); err != nil {
			return nil, nil, err
		}
	}
	redact(v, r)
	var doc *intelcell.Document
	if body != nil {
		doc = new(intelcell.Document)
		if err := json.Unmarshal([]byte(*body), doc); err != nil {
			return nil, nil, err
		}
		doc.ID = r.ID
	}
	return r, doc, nil
}

// SearchReports returns visible reports matching every word, best first.
// The cursor is an offset into the visible matches.
func (db *DB) SearchReports(ctx context.Context, v intelcell.Viewer, f intelcell.ReportFilter) ([]*intelcell.Report, string, error) {
	words := ftsQuery(f.Query)
	if words == "" {
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
	var a args
	tsq := a.add(words) + `::tsquery`
	vis := visWhere(v, &a)
	// The visible matches newest first; relevance ranks the newest
	// intelcell.SearchWindow of them (as the embedded store does).
	matches := `SELECT f.report_seq, ts_rank(f.tsv, ` + tsq + `) AS rank FROM report_fts f JOIN reports r ON r.seq = f.report_seq
		WHERE f.tsv @@ ` + tsq + ` AND ` + vis + ` ORDER BY f.report_seq DESC`
	var page string
	switch f.Sort {
	case "", intelcell.SortRelevance:
		if offset >= intelcell.SearchWindow {
			return nil, "", nil
		}
		page = `SELECT report_seq, row_number() OVER (ORDER BY rank DESC, report_seq DESC) AS ord FROM (` + matches + ` LIMIT ` +
			strconv.Itoa(intelcell.SearchWindow) + `) w ORDER BY rank DESC, report_seq DESC LIMIT ` + a.add(limit+1) + ` OFFSET ` + a.add(offset)
	case intelcell.SortNewest:
		page = `SELECT report_seq, row_number() OVER (ORDER BY report_seq DESC) AS ord FROM (` + matches + `) w
			ORDER BY report_seq DESC LIMIT ` + a.add(limit+1) + ` OFFSET ` + a.add(offset)
	default:
		return nil, "", intelcell.Errorf(intelcell.EINVALID, "sort must be relevance or newest")
	}
	// The page is chosen first; snippets are made for its rows only.
	q := `SELECT ` + reportCols + `, ts_headline('simple', r.text, q.q, 'StartSel="",StopSel="",MaxWords=16,MinWords=8,MaxFragments=1,FragmentDelimiter=" … "'),
		(SELECT array_agg(grp ORDER BY grp) FROM report_groups WHERE report_seq = r.seq)
		FROM (` + page + `) m
		JOIN reports r ON r.seq = m.report_seq JOIN orgs o ON o.id = r.org_id, (SELECT ` + tsq + `) AS q(q)
		ORDER BY m.ord`
	rows, err := db.pool.Query(ctx, q, a...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []*intelcell.Report
	for rows.Next() {
		var snip string
		var groups []string
		_, r, err := scanReport(rows, &snip, &groups)
		if err != nil {
			return nil, "", err
		}
		r.Text, r.Snippet, r.Release.Groups = "", snip, groups
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = intelcell.EncodeSearchCursor(offset + limit)
	}
	for _, r := range out {
		redact(v, r)
	}
	return out, next, nil
}

// CountReports counts visible reports, matching the words when given.
func (db *DB) CountReports(ctx context.Context, v intelcell.Viewer, query string) (int, error) {
	var a args
	var n int
	if strings.TrimSpace(query) == "" {
		err := db.pool.QueryRow(ctx, `SELECT count(*) FROM reports r WHERE `+visWhere(v, &a), a...).Scan(&n)
		return n, err
	}
	words := ftsQuery(query)
	if words == "" {
		return 0, intelcell.Errorf(intelcell.EINVALID, "q needs at least one word")
	}
	q := `SELECT count(*) FROM report_fts f JOIN reports r ON r.seq = f.report_seq
		WHERE f.tsv @@ ` + a.add(words) + `::tsquery AND ` + visWhere(v, &a)
	err := db.pool.QueryRow(ctx, q, a...).Scan(&n)
	return n, err
}

// SetRelease changes the release of a report of v's org. Narrowing takes
// effect for every later read, because every read joins the report's
// current release.
func (db *DB) SetRelease(ctx context.Context, v intelcell.Viewer, id string, rel intelcell.Release) error {
	if err := rel.Validate(); err != nil {
		return err
	}
	return db.withTx(ctx, func(tx pgx.Tx) error {
		var a args
		var seq, org int64
		q := `SELECT r.seq, r.org_id FROM reports r WHERE r.id = ` + a.add(clean(id)) + ` AND ` + visWhere(v, &a) + ` FOR UPDATE`
		err := tx.QueryRow(ctx, q, a...).Scan(&seq, &org)
		if errors.Is(err, pgx.ErrNoRows) {
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
		b := &pgx.Batch{}
		b.Queue(`UPDATE reports SET audience = $1, tlp = $2, attribution = $3 WHERE seq = $4`,
			string(rel.Audience), string(rel.TLP), rel.Attribution, seq)
		b.Queue(`DELETE FROM report_groups WHERE report_seq = $1`, seq)
		b.Queue(`INSERT INTO report_groups (report_seq, grp) SELECT DISTINCT $1::bigint, unnest($2::text[])`, seq, append([]string{}, rel.Groups...))
		return tx.SendBatch(ctx, b).Close()
	})
}
