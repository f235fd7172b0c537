package sqlite

import (
	"cmp"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/intelcell/intelcell"
)

// eventBodiesMigration moves each event's JSON out of the events table into
// event_bodies. Event queries test their filters on many rows and return
// few: with the bodies inline, every row tested dragged its body's pages
// into the cache; the narrow table is several times faster to filter, and
// bodies are read only for the page returned.
const eventBodiesMigration = `
CREATE TABLE event_bodies (
	report_seq INTEGER NOT NULL REFERENCES reports(seq) ON DELETE CASCADE,
	n          INTEGER NOT NULL,
	body       TEXT NOT NULL,
	PRIMARY KEY (report_seq, n)
) WITHOUT ROWID;
INSERT INTO event_bodies (report_seq, n, body) SELECT report_seq, n, body FROM events;
ALTER TABLE events DROP COLUMN body;
`

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
// to reports r: the visibility rule first, then the filters. driver names
// the one filter whose index the query should be driven by ("" lets SQLite
// choose): the other filters' columns are then written with a unary plus,
// which keeps SQLite from using their indexes (see planEvents).
func eventWhere(v intelcell.Viewer, f intelcell.EventFilter, withCursor bool, driver string) (string, []any, error) {
	vis, args := visWhere(v)
	conds := []string{vis}
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	// col returns the column reference for a filter: indexable only when
	// the filter drives the query or none does.
	col := func(filter, c string) string {
		if driver == "" || driver == filter {
			return c
		}
		return "+" + c
	}
	if f.Actor != "" {
		add("("+col("actor", "e.src_id")+" = ? OR "+col("actor", "e.tgt_id")+" = ? OR "+col("actor", "e.src_code")+" = ? OR "+col("actor", "e.tgt_code")+" = ?)",
			f.Actor, f.Actor, f.Actor, f.Actor)
	}
	if f.Country != "" {
		c := strings.ToUpper(f.Country)
		add("("+col("country", "e.src_country")+" = ? OR "+col("country", "e.tgt_country")+" = ?)", c, c)
	}
	if f.Cameo != "" {
		if !isDigits(f.Cameo) || len(f.Cameo) > 4 || len(f.Cameo) < 2 {
			return "", nil, intelcell.Errorf(intelcell.EINVALID, "cameo %q is not a CAMEO code (2 to 4 digits)", f.Cameo)
		}
		if len(f.Cameo) == 2 {
			add(col("cameo", "e.root")+" = ?", f.Cameo)
		} else {
			add(col("cameo", "e.cameo")+" >= ? AND "+col("cameo", "e.cameo")+" < ?", f.Cameo, f.Cameo+":")
		}
	}
	if f.Plover != "" {
		add(col("plover", "e.plover")+" = ?", strings.ToUpper(f.Plover))
	}
	if f.From != "" {
		if err := checkDate("from", f.From); err != nil {
			return "", nil, err
		}
		add(col("date", "e.date")+" >= ?", f.From)
	}
	if f.To != "" {
		if err := checkDate("to", f.To); err != nil {
			return "", nil, err
		}
		add(col("date", "e.date")+" <= ?", f.To)
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
		add(col("words", "r.seq")+" IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?)", q)
	}
	if f.Report != "" {
		add("r.id = ?", f.Report)
	}
	if withCursor && f.Cursor != "" {
		date, id, err := intelcell.DecodeEventCursor(f.Cursor)
		if err != nil {
			return "", nil, err
		}
		add("("+col("date", "e.date")+" < ? OR ("+col("date", "e.date")+" = ? AND e.id < ?))", date, date, id)
	}
	return strings.Join(conds, " AND "), args, nil
}

// defaultPlanCap is how many index entries planEvents counts per filter at
// most.
const defaultPlanCap = 4000

// planEvents builds the WHERE clause of an event query and picks the
// filter that drives it. SQLite's planner knows how selective an index is
// on average, not for the value asked (actor=KNA is rare, plover=AGREE is a
// quarter of all events), and an OR over four actor columns looks costly
// to it; left alone it often walks a common filter's index newest first
// and tests every row, which is slowest exactly when few rows match. So
// each filter's matches are counted from its own index (index-only, at most
// planCap entries each) and the query is driven by the rarest; when every
// filter matches at least planCap events, walking a date-ordered index
// finds a page quickly and SQLite chooses as before.
//
// common reports that every filter matched planCap events or more: the
// caller may then first try walkWindow's newest events alone (FindEvents).
func (db *DB) planEvents(ctx context.Context, v intelcell.Viewer, f intelcell.EventFilter, withCursor bool) (where string, args []any, common bool, err error) {
	where, args, err = db.planWhere(ctx, v, f, withCursor, &common)
	return where, args, common, err
}

func (db *DB) planWhere(ctx context.Context, v intelcell.Viewer, f intelcell.EventFilter, withCursor bool, common *bool) (string, []any, error) {
	// Validate first: the counts below assume well-formed values.
	if _, _, err := eventWhere(v, f, withCursor, ""); err != nil {
		return "", nil, err
	}
	if f.Report != "" {
		return eventWhere(v, f, withCursor, "report")
	}
	planCap, _ := db.limits()
	capped := func(from string) string {
		return "(SELECT count(*) FROM (SELECT 1 FROM " + from + " LIMIT " + strconv.Itoa(planCap) + "))"
	}
	var names, sel []string
	var args []any
	probe := func(name, expr string, a ...any) {
		names, sel, args = append(names, name), append(sel, expr), append(args, a...)
	}
	if f.Actor != "" {
		probe("actor", capped("events WHERE src_id = ?")+"+"+capped("events WHERE tgt_id = ?")+"+"+
			capped("events WHERE src_code = ?")+"+"+capped("events WHERE tgt_code = ?"), f.Actor, f.Actor, f.Actor, f.Actor)
	}
	if f.Country != "" {
		c := strings.ToUpper(f.Country)
		probe("country", capped("events WHERE src_country = ?")+"+"+capped("events WHERE tgt_country = ?"), c, c)
	}
	if f.Cameo != "" {
		if len(f.Cameo) == 2 {
			probe("cameo", capped("events WHERE root = ?"), f.Cameo)
		} else {
			probe("cameo", capped("events WHERE cameo >= ? AND cameo < ?"), f.Cameo, f.Cameo+":")
		}
	}
	if f.Plover != "" {
		probe("plover", capped("events WHERE plover = ?"), strings.ToUpper(f.Plover))
	}
	if f.From != "" || f.To != "" {
		from, to := f.From, f.To
		if to == "" {
			to = "9999"
		}
		probe("date", capped("events WHERE date >= ? AND date <= ?"), from, to)
	}
	if strings.TrimSpace(f.Words) != "" {
		// Reports, not events: a report has a few events.
		probe("words", "4*"+capped("reports_fts WHERE reports_fts MATCH ?"), ftsQuery(f.Words))
	}
	if len(sel) == 0 || len(sel) == 1 && names[0] == "date" {
		return eventWhere(v, f, withCursor, "")
	}
	counts := make([]int, len(sel))
	dest := make([]any, len(sel))
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := db.r.QueryRowContext(ctx, "SELECT "+strings.Join(sel, ", "), args...).Scan(dest...); err != nil {
		return "", nil, err
	}
	best := -1
	for i, n := range counts {
		if n < planCap && (best < 0 || n < counts[best]) {
			best = i
		}
	}
	if best < 0 {
		*common = true
		return eventWhere(v, f, withCursor, "")
	}
	return eventWhere(v, f, withCursor, names[best])
}

// defaultWalkWindow is how many of the newest events (after the cursor)
// FindEvents first looks through when every filter is common.
const defaultWalkWindow = 5000

func (db *DB) limits() (planCap, walkWindow int) {
	return cmp.Or(db.planCap, defaultPlanCap), cmp.Or(db.walkWindow, defaultWalkWindow)
}

// FindEvents returns visible events matching f, newest first.
func (db *DB) FindEvents(ctx context.Context, v intelcell.Viewer, f intelcell.EventFilter) ([]*intelcell.StoredEvent, string, error) {
	where, args, common, err := db.planEvents(ctx, v, f, true)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit, 100, 1000)
	if common {
		// Every filter matches many events: most pages are found among the
		// newest few thousand, read in date order from the date index. A
		// full page from that window is the right answer (any match outside
		// it is older); otherwise the whole query runs below.
		win, wargs := `SELECT report_seq, n FROM events INDEXED BY events_date`, []any{}
		if withCursor := f.Cursor != ""; withCursor {
			date, id, _ := intelcell.DecodeEventCursor(f.Cursor)
			win += ` WHERE date < ? OR (date = ? AND id < ?)`
			wargs = append(wargs, date, date, id)
		}
		_, walkWindow := db.limits()
		win += ` ORDER BY date DESC, id DESC LIMIT ` + strconv.Itoa(walkWindow)
		out, next, err := db.eventPage(ctx, `SELECT e.report_seq AS seq, e.n AS n FROM (`+win+`) w
			JOIN events e ON e.report_seq = w.report_seq AND e.n = w.n JOIN reports r ON r.seq = e.report_seq
			WHERE `+where, append(wargs, args...), limit)
		if err != nil || len(out) == limit && next != "" {
			return out, next, err
		}
	}
	return db.eventPage(ctx, `SELECT e.report_seq AS seq, e.n AS n FROM events e JOIN reports r ON r.seq = e.report_seq
		WHERE `+where, args, limit)
}

// eventPage reads the newest limit events among the keys (seq, n) that
// keys selects: the page's keys are chosen first (visibility and filters
// applied before LIMIT, from covering indexes where there are some), then
// only those events' bodies are read. next is the cursor after the page,
// "" when keys has no more.
func (db *DB) eventPage(ctx context.Context, keys string, args []any, limit int) ([]*intelcell.StoredEvent, string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT e.id, b.body, r.id, r.url, r.created FROM (
		`+keys+` ORDER BY e.date DESC, e.id DESC LIMIT ?) k
		JOIN events e ON e.report_seq = k.seq AND e.n = k.n JOIN event_bodies b ON b.report_seq = k.seq AND b.n = k.n
		JOIN reports r ON r.seq = k.seq
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
	where, args, _, err := db.planEvents(ctx, v, f, false)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.r.QueryRowContext(ctx, `SELECT count(*) FROM events e JOIN reports r ON r.seq = e.report_seq WHERE `+where, args...).Scan(&n)
	return n, err
}

// EventFacets counts visible events matching f by CAMEO root.
func (db *DB) EventFacets(ctx context.Context, v intelcell.Viewer, f intelcell.EventFilter) ([]intelcell.Count, error) {
	where, args, _, err := db.planEvents(ctx, v, f, false)
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
