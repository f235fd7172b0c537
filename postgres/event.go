package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/jackc/pgx/v5"
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
// to reports r, adding its parameters to a: the visibility rule first, then
// the filters.
func eventWhere(v intelcell.Viewer, f intelcell.EventFilter, withCursor bool, a *args) (string, error) {
	conds := []string{visWhere(v, a)}
	if f.Actor != "" {
		p := a.add(clean(f.Actor))
		conds = append(conds, "(e.src_id = "+p+" OR e.tgt_id = "+p+" OR e.src_code = "+p+" OR e.tgt_code = "+p+")")
	}
	if f.Country != "" {
		p := a.add(clean(strings.ToUpper(f.Country)))
		conds = append(conds, "(e.src_country = "+p+" OR e.tgt_country = "+p+")")
	}
	if f.Cameo != "" {
		if !isDigits(f.Cameo) || len(f.Cameo) > 4 || len(f.Cameo) < 2 {
			return "", intelcell.Errorf(intelcell.EINVALID, "cameo %q is not a CAMEO code (2 to 4 digits)", f.Cameo)
		}
		if len(f.Cameo) == 2 {
			conds = append(conds, "e.root = "+a.add(f.Cameo))
		} else {
			conds = append(conds, "e.cameo >= "+a.add(f.Cameo)+" AND e.cameo < "+a.add(f.Cameo+":"))
		}
	}
	if f.Plover != "" {
		conds = append(conds, "e.plover = "+a.add(clean(strings.ToUpper(f.Plover))))
	}
	if f.From != "" {
		if err := checkDate("from", f.From); err != nil {
			return "", err
		}
		conds = append(conds, "e.date >= "+a.add(f.From))
	}
	if f.To != "" {
		if err := checkDate("to", f.To); err != nil {
			return "", err
		}
		conds = append(conds, "e.date <= "+a.add(f.To))
	}
	if b := f.BBox; b != nil {
		if b.MinLat > b.MaxLat || b.MinLon > b.MaxLon || b.MinLat < -90 || b.MaxLat > 90 || b.MinLon < -180 || b.MaxLon > 180 {
			return "", intelcell.Errorf(intelcell.EINVALID, "bbox must be min_lon,min_lat,max_lon,max_lat within the globe")
		}
		conds = append(conds, "e.lat BETWEEN "+a.add(b.MinLat)+" AND "+a.add(b.MaxLat)+" AND e.lon BETWEEN "+a.add(b.MinLon)+" AND "+a.add(b.MaxLon))
	}
	if strings.TrimSpace(f.Words) != "" {
		q := ftsQuery(f.Words)
		if q == "" {
			return "", intelcell.Errorf(intelcell.EINVALID, "q needs at least one word")
		}
		conds = append(conds, "r.seq IN (SELECT report_seq FROM report_fts WHERE tsv @@ "+a.add(q)+"::tsquery)")
	}
	if f.Report != "" {
		conds = append(conds, "r.id = "+a.add(clean(f.Report)))
	}
	if withCursor && f.Cursor != "" {
		date, id, err := intelcell.DecodeEventCursor(f.Cursor)
		if err != nil {
			return "", err
		}
		d, i := a.add(date), a.add(clean(id))
		conds = append(conds, "(e.date < "+d+" OR (e.date = "+d+" AND e.id < "+i+"))")
	}
	return strings.Join(conds, " AND "), nil
}

// FindEvents returns visible events matching f, newest first.
func (db *DB) FindEvents(ctx context.Context, v intelcell.Viewer, f intelcell.EventFilter) ([]*intelcell.StoredEvent, string, error) {
	var a args
	where, err := eventWhere(v, f, true, &a)
	if err != nil {
		return nil, "", err
	}
	limit := clampLimit(f.Limit, 100, 1000)
	rows, err := db.pool.Query(ctx, `SELECT e.id, e.body, r.id, r.url, r.created FROM events e JOIN reports r ON r.seq = e.report_seq
		WHERE `+where+` ORDER BY e.date DESC, e.id DESC LIMIT `+a.add(limit+1), a...)
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
	var a args
	where, err := eventWhere(v, f, false, &a)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.pool.QueryRow(ctx, `SELECT count(*) FROM events e JOIN reports r ON r.seq = e.report_seq WHERE `+where, a...).Scan(&n)
	return n, err
}

// EventFacets counts visible events matching f by CAMEO root.
func (db *DB) EventFacets(ctx context.Context, v intelcell.Viewer, f intelcell.EventFilter) ([]intelcell.Count, error) {
	var a args
	where, err := eventWhere(v, f, false, &a)
	if err != nil {
		return nil, err
	}
	return db.counts(ctx, `SELECT e.root, count(*) FROM events e JOIN reports r ON r.seq = e.report_seq WHERE `+where+
		` GROUP BY e.root ORDER BY 2 DESC, 1`, a...)
}

func (db *DB) counts(ctx context.Context, q string, a ...any) ([]intelcell.Count, error) {
	rows, err := db.pool.Query(ctx, q, a...)
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

// actorInEvents returns the actor that a visible event names as its source
// (column src) or target (column tgt) by key.
func (db *DB) actorInEvents(ctx context.Context, v intelcell.Viewer, src, tgt, key string) (intelcell.Actor, bool, error) {
	var a args
	p := a.add(key)
	vis := visWhere(v, &a)
	var body []byte
	err := db.pool.QueryRow(ctx, `SELECT e.body FROM events e JOIN reports r ON r.seq = e.report_seq
		WHERE (`+src+` = `+p+` OR `+tgt+` = `+p+`) AND `+vis+` ORDER BY e.date DESC, e.id LIMIT 1`, a...).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return intelcell.Actor{}, false, nil
	} else if err != nil {
		return intelcell.Actor{}, false, err
	}
	var e intelcell.Event
	if err := json.Unmarshal(body, &e); err != nil {
		return intelcell.Actor{}, false, err
	}
	actor, ok := intelcell.ActorOfEvent(&e, strings.HasSuffix(src, "_code"), key)
	return actor, ok, nil
}

// FindActor returns what visible reports say about an actor, by id (or by
// code when no actor has that id). One statement per column reads every
// figure, each over visible reports only.
func (db *DB) FindActor(ctx context.Context, v intelcell.Viewer, id string) (*intelcell.ActorProfile, error) {
	notFound := intelcell.Errorf(intelcell.ENOTFOUND, "actor not found")
	if id == "" {
		return nil, notFound
	}
	id = clean(id)
	for _, col := range []string{"actor_id", "code"} {
		src, tgt := "e.src_id", "e.tgt_id"
		if col == "code" {
			src, tgt = "e.src_code", "e.tgt_code"
		}
		var a args
		p := a.add(id)
		vis := visWhere(v, &a)
		q := `WITH m AS (SELECT m.* FROM mentions m JOIN reports r ON r.seq = m.report_seq WHERE m.` + col + ` = ` + p + ` AND ` + vis + `),
			ev AS (SELECT e.root, ` + src + ` = ` + p + ` AS s, ` + tgt + ` = ` + p + ` AS t FROM events e JOIN reports r ON r.seq = e.report_seq
				WHERE (` + src + ` = ` + p + ` OR ` + tgt + ` = ` + p + `) AND ` + vis + `),
			top AS (SELECT actor_id, code, name, kind, country FROM m GROUP BY 1, 2, 3, 4, 5 ORDER BY count(*) DESC, 1, 2, 3, 4, 5 LIMIT 1)
			SELECT top.actor_id IS NOT NULL, coalesce(top.actor_id, ''), coalesce(top.code, ''), coalesce(top.name, ''), coalesce(top.kind, ''), coalesce(top.country, ''),
				(SELECT count(*) FROM m), (SELECT count(DISTINCT report_seq) FROM m),
				(SELECT coalesce(array_agg(text ORDER BY text), '{}') FROM (SELECT DISTINCT text FROM m ORDER BY text LIMIT 50) x),
				(SELECT count(*) FILTER (WHERE s) FROM ev), (SELECT count(*) FILTER (WHERE t) FROM ev),
				(SELECT coalesce(json_agg(json_build_object('key', root, 'count', n) ORDER BY n DESC, root), '[]') FROM (SELECT root, count(*) AS n FROM ev GROUP BY root) x)
			FROM (SELECT 1) one LEFT JOIN top ON true`
		p0 := &intelcell.ActorProfile{}
		var country string
		var byRoot []byte
		var mentioned bool
		err := db.pool.QueryRow(ctx, q, a...).Scan(&mentioned, &p0.Actor.ID, &p0.Actor.Code, &p0.Actor.Name, &p0.Actor.Kind, &country,
			&p0.Mentions, &p0.ReportCount, &p0.Names, &p0.AsSource, &p0.AsTarget, &byRoot)
		if err != nil {
			return nil, err
		}
		if !mentioned {
			if p0.AsSource+p0.AsTarget == 0 {
				continue // neither mentioned nor in an event under this column
			}
			// No visible mention carries it, but visible events name it
			// (an agent derived from its sentence, "Iraq's government"):
			// its profile is what those events say.
			actor, ok, err := db.actorInEvents(ctx, v, src, tgt, id)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			p0.Actor = actor
		}
		if country != "" {
			p0.Actor.Country = &country
		}
		if err := json.Unmarshal(byRoot, &p0.ByRoot); err != nil {
			return nil, err
		}
		return p0, nil
	}
	return nil, notFound
}
