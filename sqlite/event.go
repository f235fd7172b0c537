package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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

// eventScanMigration copies each report's audience and org onto its
// events (saveDocument writes them with each event; a trigger on reports
// keeps them in step with every release change) and adds events_scan, an index in date order that holds every
// column an event filter or the visibility rule reads. Walking it newest
// first tests each event without reading its row, so a page of events
// matching common filters is found in milliseconds however large the
// store (see planEvents). It replaces events_date, its prefix.
const eventScanMigration = `
ALTER TABLE events ADD COLUMN audience TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN org_id INTEGER NOT NULL DEFAULT 0;
UPDATE events SET audience = (SELECT r.audience FROM reports r WHERE r.seq = events.report_seq),
	org_id = (SELECT r.org_id FROM reports r WHERE r.seq = events.report_seq);
CREATE TRIGGER events_release AFTER UPDATE OF audience, org_id ON reports BEGIN
	UPDATE events SET audience = new.audience, org_id = new.org_id WHERE report_seq = new.seq;
END;
CREATE INDEX events_scan ON events(date, id, audience, org_id, plover, root, cameo, src_country, tgt_country,
	src_code, tgt_code, src_id, tgt_id, lat, lon);
DROP INDEX events_date;
ANALYZE events;
`

// eventGoldsteinMigration adds each event's Goldstein score as a column
// (filled from the stored bodies) and to events_scan, so that the overview's
// dyad and actor means are computed from the index alone.
const eventGoldsteinMigration = `
ALTER TABLE events ADD COLUMN goldstein REAL NOT NULL DEFAULT 0;
UPDATE events SET goldstein = coalesce((SELECT json_extract(b.body, '$.goldstein') FROM event_bodies b
	WHERE b.report_seq = events.report_seq AND b.n = events.n), 0);
DROP INDEX events_scan;
CREATE INDEX events_scan ON events(date, id, audience, org_id, plover, root, cameo, src_country, tgt_country,
	src_code, tgt_code, src_id, tgt_id, lat, lon, goldstein);
ANALYZE events;
`

// datedBodiesMigration keeps event bodies in date order with the release
// columns beside them (the primary key is the event's date and id, as in
// events_scan): a fusion window is then one range of the table, read in
// order and tested for visibility in place, instead of one B-tree search
// per event. Lookups by event go through the same key (events carry date
// and id); the events_release trigger keeps the copied release in step.
const datedBodiesMigration = `
CREATE TABLE event_bodies_dated (
	date       TEXT NOT NULL,
	id         TEXT NOT NULL,
	report_seq INTEGER NOT NULL REFERENCES reports(seq) ON DELETE CASCADE,
	audience   TEXT NOT NULL,
	org_id     INTEGER NOT NULL,
	body       TEXT NOT NULL,
	PRIMARY KEY (date, id)
) WITHOUT ROWID;
INSERT INTO event_bodies_dated (date, id, report_seq, audience, org_id, body)
	SELECT e.date, e.id, e.report_seq, e.audience, e.org_id, b.body
	FROM events e JOIN event_bodies b ON b.report_seq = e.report_seq AND b.n = e.n ORDER BY e.date, e.id;
DROP TABLE event_bodies;
ALTER TABLE event_bodies_dated RENAME TO event_bodies;
CREATE INDEX event_bodies_report ON event_bodies(report_seq);
DROP TRIGGER events_release;
CREATE TRIGGER events_release AFTER UPDATE OF audience, org_id ON reports BEGIN
	UPDATE events SET audience = new.audience, org_id = new.org_id WHERE report_seq = new.seq;
	UPDATE event_bodies SET audience = new.audience, org_id = new.org_id WHERE report_seq = new.seq;
END;
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

// eventWhere builds the WHERE clause of an event query over events e (its
// reports are reached by key, see visEvent): the filters, then the
// visibility rule. driver names
// the one filter whose index the query should be driven by ("" lets SQLite
// choose): the other filters' columns are then written with a unary plus,
// which keeps SQLite from using their indexes (see planEvents).
func eventWhere(v intelcell.Viewer, f intelcell.EventFilter, withCursor bool, driver string) (string, []any, error) {
	var conds []string
	var args []any
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
		add(col("words", "e.report_seq")+" IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?)", q)
	}
	if f.Report != "" {
		add("e.report_seq = (SELECT seq FROM reports WHERE id = ?)", f.Report)
	}
	if withCursor && f.Cursor != "" {
		date, id, err := intelcell.DecodeEventCursor(f.Cursor)
		if err != nil {
			return "", nil, err
		}
		add("("+col("date", "e.date")+" < ? OR ("+col("date", "e.date")+" = ? AND e.id < ?))", date, date, id)
	}
	// The visibility test last: SQLite tests the other conditions first, in
	// order, and they are cheaper than looking up the report.
	vis, vargs := visEventRow(v)
	add(vis, vargs...)
	return strings.Join(conds, " AND "), args, nil
}

// defaultPlanCap is how many index entries planEvents counts per filter at
// most.
const defaultPlanCap = 20000

// Plans of an event query (planEvents).
const (
	planDriver = "driver" // the rarest filter's own index, then sort
	planWalk   = "walk"   // events_scan newest first, every test from the index
)

// planEvents builds the WHERE clause of an event query and chooses its
// plan. SQLite's planner knows how selective an index is on average, not
// for the value asked (actor=KNA is rare, plover=AGREE is a quarter of all
// events), and it ignores LIMIT: left alone it often sorts every visible
// event of a common filter, or tests every row of one filter for another.
// So each filter's matches are counted from its own index (index-only, at
// most planCap entries each), and the cheaper of two plans is taken:
//
//   - driver: read the rarest filter's matches through its index, look up
//     each event's row to test the rest, sort; costs a row lookup per match.
//   - walk: walk events_scan newest first within the date range, testing
//     every filter and the visibility rule from the index entry alone, and
//     stop at the page's end; costs a fraction of a lookup per entry, for
//     about limit/density entries, the density estimated from the counts
//     as if the filters were independent (and every entry of the range
//     when limit is 0: a count).
//
// driver names the filter chosen for the driver plan ("" for a walk).
func (db *DB) planEvents(ctx context.Context, v intelcell.Viewer, f intelcell.EventFilter, withCursor bool, limit int) (where string, args []any, plan string, err error) {
	// Validate first: the counts below assume well-formed values.
	if _, _, err := eventWhere(v, f, withCursor, ""); err != nil {
		return "", nil, "", err
	}
	if f.Report != "" {
		where, args, err := eventWhere(v, f, withCursor, "report")
		return where, args, planDriver, err
	}
	planCap, force := db.limits()
	capped := func(from string) string {
		return "(SELECT count(*) FROM (SELECT 1 FROM " + from + " LIMIT " + strconv.Itoa(planCap) + "))"
	}
	var names, sel []string
	var pargs []any
	probe := func(name, expr string, a ...any) {
		names, sel, pargs = append(names, name), append(sel, expr), append(pargs, a...)
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
		probe("date", capped("events INDEXED BY events_scan WHERE date >= ? AND date <= ?"), from, to)
	}
	if strings.TrimSpace(f.Words) != "" {
		// Reports, not events: a report has a few events.
		probe("words", "4*"+capped("reports_fts WHERE reports_fts MATCH ?"), ftsQuery(f.Words))
	}
	// The store's size, from the planner statistics (refreshed by
	// Optimize); a store never analysed counts as large.
	total := 1_000_000.0
	var stat string
	if db.r.QueryRowContext(ctx, `SELECT stat FROM sqlite_stat1 WHERE tbl = 'events' AND idx = 'events_scan'`).Scan(&stat) == nil {
		if n, err := strconv.ParseFloat(strings.Fields(stat + " 0")[0], 64); err == nil && n > 0 {
			total = n
		}
	}
	counts := make([]int, len(sel))
	if len(sel) > 0 {
		dest := make([]any, len(sel))
		for i := range counts {
			dest[i] = &counts[i]
		}
		if err := db.r.QueryRowContext(ctx, "SELECT "+strings.Join(sel, ", "), pargs...).Scan(dest...); err != nil {
			return "", nil, "", err
		}
	}
	// A walk reads the entries of the date range (all, without one) until
	// the page is full; its density is that of the other filters within
	// the range.
	best, density, span := -1, 0.5, total // about half of all events are visible to a viewer
	for i, n := range counts {
		if names[i] == "date" {
			span = float64(n)
			continue
		}
		if best < 0 || n < counts[best] {
			best = i
		}
		density *= min(1, float64(n)/total)
	}
	// Costs in index-entry reads: a row lookup with its tests costs about
	// twenty.
	walk := span
	if limit > 0 && density > 0 {
		walk = min(span, float64(limit+1)/density)
	}
	plan = planWalk
	if best >= 0 && 20*float64(counts[best]) < walk {
		plan = planDriver
	}
	if force != "" && (force == planWalk || best >= 0) {
		plan = force
	}
	if plan == planWalk {
		where, args, err := eventWhere(v, f, withCursor, "date")
		return where, args, planWalk, err
	}
	where, args, err = eventWhere(v, f, withCursor, names[best])
	return where, args, planDriver, err
}

func (db *DB) limits() (planCap int, force string) {
	return cmp.Or(db.planCap, defaultPlanCap), db.forcePlan
}

// eventsFrom is the FROM clause of a query with plan.
func eventsFrom(plan string) string {
	if plan == planWalk {
		return `events e INDEXED BY events_scan`
	}
	return `events e`
}

// FindEvents returns visible events matching f, newest first.
func (db *DB) FindEvents(ctx context.Context, v intelcell.Viewer, f intelcell.EventFilter) ([]*intelcell.StoredEvent, string, error) {
	limit := clampLimit(f.Limit, 100, 1000)
	where, args, plan, err := db.planEvents(ctx, v, f, true, limit)
	if err != nil {
		return nil, "", err
	}
	return db.eventPage(ctx, `SELECT e.report_seq AS seq, e.n AS n FROM `+eventsFrom(plan)+` WHERE `+where, args, limit)
}

// eventPage reads the newest limit events among the keys (seq, n) that
// keys selects: the page's keys are chosen first (visibility and filters
// applied before LIMIT, from covering indexes where there are some), then
// only those events' bodies are read. next is the cursor after the page,
// "" when keys has no more.
func (db *DB) eventPage(ctx context.Context, keys string, args []any, limit int) ([]*intelcell.StoredEvent, string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT e.id, b.body, r.id, r.url, r.created FROM (
		`+keys+` ORDER BY e.date DESC, e.id DESC LIMIT ?) k
		JOIN events e ON e.report_seq = k.seq AND e.n = k.n JOIN event_bodies b ON b.date = e.date AND b.id = e.id
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
	where, args, plan, err := db.planEvents(ctx, v, f, false, 0)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.r.QueryRowContext(ctx, `SELECT count(*) FROM `+eventsFrom(plan)+` WHERE `+where, args...).Scan(&n)
	return n, err
}

// EventFacets counts visible events matching f by CAMEO root.
func (db *DB) EventFacets(ctx context.Context, v intelcell.Viewer, f intelcell.EventFilter) ([]intelcell.Count, error) {
	where, args, plan, err := db.planEvents(ctx, v, f, false, 0)
	if err != nil {
		return nil, err
	}
	return db.counts(ctx, `SELECT e.root, count(*) FROM `+eventsFrom(plan)+` WHERE `+where+
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

// actorInEvents returns the actor whose id (col "actor_id") or code (col
// "code") is key, as a visible event names it as source or target.
func (db *DB) actorInEvents(ctx context.Context, v intelcell.Viewer, col, key string) (intelcell.Actor, bool, error) {
	src, tgt := "e.src_id", "e.tgt_id"
	if col == "code" {
		src, tgt = "e.src_code", "e.tgt_code"
	}
	vis, vargs := visEventRow(v)
	var body string
	err := db.r.QueryRowContext(ctx, `SELECT b.body FROM events e JOIN event_bodies b ON b.date = e.date AND b.id = e.id
		WHERE (`+src+` = ? OR `+tgt+` = ?) AND `+vis+` ORDER BY e.date DESC, e.id LIMIT 1`, append([]any{key, key}, vargs...)...).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return intelcell.Actor{}, false, nil
	} else if err != nil {
		return intelcell.Actor{}, false, err
	}
	var e intelcell.Event
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		return intelcell.Actor{}, false, err
	}
	a, ok := intelcell.ActorOfEvent(&e, col == "code", key)
	return a, ok, nil
}

// FindActor returns what visible reports say about an actor, by id (or by
// code when no actor has that id).
func (db *DB) FindActor(ctx context.Context, v intelcell.Viewer, id string) (*intelcell.ActorProfile, error) {
	vis, vargs := visJoined(v)
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
		if errors.Is(err, sql.ErrNoRows) {
			// No visible mention carries it: an actor may still be the
			// source or target of visible events (an agent derived from
			// its sentence, "Iraq's government"), and its profile is then
			// what those events say.
			a, ok, err := db.actorInEvents(ctx, v, col, id)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			p.Actor = a
		} else if err != nil {
			return nil, err
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
