package sqlite

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/intelcell/intelcell"
)

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func checkDate(name, s string) error {
	if _, err := time.Parse("2006-01-02", s); err != nil {
		return intelcell.Errorf(intelcell.EINVALID, "%s %q is not YYYY-MM-DD", name, s)
	}
	return nil
}

// eventWhere builds the WHERE clause of an event query over events e joined
// to reports r: the visibility rule first, then the filters.
func eventWhere(v intelcell.Viewer, f intelcell.EventFilter, withCursor bool) (string, []any, error) {
	vis, args := visWhere(v)
	conds := []string{vis}
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if f.Actor != "" {
		add("(e.src_id = ? OR e.tgt_id = ? OR e.src_code = ? OR e.tgt_code = ?)", f.Actor, f.Actor, f.Actor, f.Actor)
	}
	if f.Country != "" {
		c := strings.ToUpper(f.Country)
		add("(e.src_country = ? OR e.tgt_country = ?)", c, c)
	}
	if f.Cameo != "" {
		if !isDigits(f.Cameo) || len(f.Cameo) > 4 || len(f.Cameo) < 2 {
			return "", nil, intelcell.Errorf(intelcell.EINVALID, "cameo %q is not a CAMEO code (2 to 4 digits)", f.Cameo)
		}
		if len(f.Cameo) == 2 {
			add("e.root = ?", f.Cameo)
		} else {
			add("e.cameo >= ? AND e.cameo < ?", f.Cameo, f.Cameo+":")
		}
	}
	if f.Plover != "" {
		add("e.plover = ?", strings.ToUpper(f.Plover))
	}
	if f.From != "" {
		if err := checkDate("from", f.From); err != nil {
			return "", nil, err
		}
		add("e.date >= ?", f.From)
	}
	if f.To != "" {
		if err := checkDate("to", f.To); err != nil {
			return "", nil, err
		}
		add("e.date <= ?", f.To)
	}
	if b := f.BBox; b != nil {
		if b.MinLat > b.MaxLat || b.MinLon > b.MaxLon || b.MinLat < -90 || b.MaxLat > 90 || b.MinLon < -180 || b.MaxLon > 180 {
			return "", nil, intelcell.Errorf(intelcell.EINVALID, "bbox must be min_lon,min_lat,max_lon,max_lat within the globe")
		}
		add("e.lat BETWEEN ? AND ? AND e.lon BETWEEN ? AND ?", b.MinLat, b.MaxLat, b.MinLon, b.MaxLon)
	}
	if strings.TrimSpace(f.Words) != "" {
		q := ftsQuery(f.Words)
		if q == "" {
			return "", nil, intelcell.Errorf(intelcell.EINVALID, "q needs at least one word")
		}
		add("r.seq IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?)", q)
	}
	if f.Report != "" {
		add("r.id = ?", f.Report)
	}
	if withCursor && f.Cursor != "" {
		date, id, err := intelcell.DecodeEventCursor(f.Cursor)
		if err != nil {
			return "", nil, err
		}
		add("(e.date < ? OR (e.date = ? AND e.id < ?))", date, date, id)
	}
	return strings.Join(conds, " AND "), args, nil
}

// FindEvents returns visible events matching f, newest first.
func (db *DB) FindEvents(ctx context.Context, v intelcell.Viewer, f intelcell.EventFilter) ([]*intelcell.StoredEvent, string, error) {
	where, args, err := eventWhere(v, f, true)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit, 100, 1000)
	// The page's keys are chosen first (visibility and filters applied before
	// LIMIT, from covering indexes where there are some), then only those
	// events' bodies are read: sorting whole rows was most of the cost.
	rows, err := db.r.QueryContext(ctx, `SELECT e.id, e.body, r.id, r.url, r.created FROM (
		SELECT e.report_seq AS seq, e.n AS n FROM events e JOIN reports r ON r.seq = e.report_seq
		WHERE `+where+` ORDER BY e.date DESC, e.id DESC LIMIT ?) k
		JOIN events e ON e.report_seq = k.seq AND e.n = k.n JOIN reports r ON r.seq = k.seq
		ORDER BY e.date DESC, e.id DESC`, append(args, limit+1)...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := []*intelcell.StoredEvent{}
	for rows.Next() {
		var e intelcell.StoredEvent
		var body, rid string
		var created int64
		if err := rows.Scan(&e.ID, &body, &rid, &e.URL, &created); err != nil {
			return nil, "", err
		}
		if err := json.Unmarshal([]byte(body), &e.Event); err != nil {
			return nil, "", err
		}
		e.ReportIDs = []string{rid}
		e.Added = fromMillis(created).Format("2006-01-02")
		out = append(out, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = intelcell.EncodeEventCursor(last.Date, last.ID)
	}
	return out, next, nil
}

// CountEvents counts visible events matching f.
func (db *DB) CountEvents(ctx context.Context, v intelcell.Viewer, f intelcell.EventFilter) (int, error) {
	where, args, err := eventWhere(v, f, false)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.r.QueryRowContext(ctx, `SELECT count(*) FROM events e JOIN reports r ON r.seq = e.report_seq WHERE `+where, args...).Scan(&n)
	return n, err
}

// EventFacets counts visible events matching f by CAMEO root.
func (db *DB) EventFacets(ctx context.Context, v intelcell.Viewer, f intelcell.EventFilter) ([]intelcell.Count, error) {
	where, args, err := eventWhere(v, f, false)
	if err != nil {
		return nil, err
	}
	return db.counts(ctx, `SELECT e.root, count(*) FROM events e JOIN reports r ON r.seq = e.report_seq WHERE `+where+
		` GROUP BY e.root ORDER BY 2 DESC, 1`, args...)
}

func (db *DB) counts(ctx context.Context, q string, args ...any) ([]intelcell.Count, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []intelcell.Count{}
	for rows.Next() {
		var c intelcell.Count
		if err := rows.Scan(&c.Key, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindActor returns what visible reports say about an actor, by id (or by
// code when no actor has that id).
func (db *DB) FindActor(ctx context.Context, v intelcell.Viewer, id string) (*intelcell.ActorProfile, error) {
	vis, vargs := visWhere(v)
	notFound := intelcell.Errorf(intelcell.ENOTFOUND, "actor not found")
	if id == "" {
		return nil, notFound
	}
	for _, col := range []string{"actor_id", "code"} {
		p := &intelcell.ActorProfile{Names: []string{}}
		var country string
		args := append([]any{id}, vargs...)
		err := db.r.QueryRowContext(ctx, `SELECT m.actor_id, m.code, m.name, m.kind, m.country, count(*), count(DISTINCT m.report_seq)
			FROM mentions m JOIN reports r ON r.seq = m.report_seq WHERE m.`+col+` = ? AND `+vis+`
			GROUP BY 1, 2, 3, 4, 5 ORDER BY 6 DESC LIMIT 1`, args...).
			Scan(&p.Actor.ID, &p.Actor.Code, &p.Actor.Name, &p.Actor.Kind, &country, &p.Mentions, &p.ReportCount)
		if err != nil {
			continue // no visible mention under this column
		}
		if country != "" {
			p.Actor.Country = &country
		}
		// Totals over every visible mention of the id or code, not only the
		// most frequent name/kind combination.
		if err := db.r.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT m.report_seq) FROM mentions m JOIN reports r ON r.seq = m.report_seq
			WHERE m.`+col+` = ? AND `+vis, args...).Scan(&p.Mentions, &p.ReportCount); err != nil {
			return nil, err
		}
		rows, err := db.r.QueryContext(ctx, `SELECT DISTINCT m.text FROM mentions m JOIN reports r ON r.seq = m.report_seq
			WHERE m.`+col+` = ? AND `+vis+` ORDER BY m.text LIMIT 50`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return nil, err
			}
			p.Names = append(p.Names, s)
		}
		rows.Close()
		src, tgt := "e.src_id", "e.tgt_id"
		if col == "code" {
			src, tgt = "e.src_code", "e.tgt_code"
		}
		base := ` FROM events e JOIN reports r ON r.seq = e.report_seq WHERE `
		if err := db.r.QueryRowContext(ctx, `SELECT count(*)`+base+src+` = ? AND `+vis, args...).Scan(&p.AsSource); err != nil {
			return nil, err
		}
		if err := db.r.QueryRowContext(ctx, `SELECT count(*)`+base+tgt+` = ? AND `+vis, args...).Scan(&p.AsTarget); err != nil {
			return nil, err
		}
		if p.ByRoot, err = db.counts(ctx, `SELECT e.root, count(*)`+base+`(`+src+` = ? OR `+tgt+` = ?) AND `+vis+` GROUP BY 1 ORDER BY 2 DESC, 1`,
			append([]any{id, id}, vargs...)...); err != nil {
			return nil, err
		}
		return p, nil
	}
	return nil, notFound
}
