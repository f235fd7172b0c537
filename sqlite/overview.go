package sqlite

import (
	"context"
	"database/sql"

	"github.com/intelcell/intelcell"
)

// overviewMigration indexes reports by date with the columns the access rule
// reads (audience, org; seq is the rowid), so that an overview counts a
// window's visible reports from the index alone, without reading report
// texts.
const overviewMigration = `
CREATE INDEX reports_date ON reports(date, audience, org_id);
`

// Overview summarises the visible reports and events of a window of days.
// The access rule is part of every statement (visWhere on reports,
// visEventRow on events): the window's events are selected once, visible
// ones only, from the events_scan index alone, into a materialised table
// that every figure is then computed from.
func (db *DB) Overview(ctx context.Context, v intelcell.Viewer, f intelcell.OverviewFilter) (*intelcell.Overview, error) {
	vis, vargs := visWhere(v)
	evis, evargs := visEventRow(v) // the same rule on the events' own release columns
	newest := ""
	if f.To == "" {
		// The newest visible event and report: each index read from its
		// newest end until a visible row.
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`SELECT e.date FROM events e INDEXED BY events_scan WHERE ` + evis + ` ORDER BY e.date DESC LIMIT 1`, evargs},
			{`SELECT r.date FROM reports r INDEXED BY reports_date WHERE ` + vis + ` ORDER BY r.date DESC LIMIT 1`, vargs},
		} {
			var d string
			if err := db.r.QueryRowContext(ctx, q.sql, q.args...).Scan(&d); err != nil && err != sql.ErrNoRows {
				return nil, err
			}
			newest = max(newest, d)
		}
	}
	from, to, err := intelcell.OverviewWindow(f, newest, db.Now())
	if err != nil {
		return nil, err
	}
	o := &intelcell.Overview{From: from, To: to, ReportsPerDay: []intelcell.Count{}, EventsPerDay: []intelcell.Count{},
		TopActors: []intelcell.ActorCount{}, TopDyads: []intelcell.DyadCount{}, ByRoot: []intelcell.Count{}}

	if o.ReportsPerDay, err = db.counts(ctx, `SELECT r.date, count(*) FROM reports r WHERE `+vis+
		` AND r.date >= ? AND r.date <= ? GROUP BY r.date ORDER BY r.date`, append(vargs, from, to)...); err != nil {
		return nil, err
	}
	for _, c := range o.ReportsPerDay {
		o.Reports += c.Count
	}

	// One pass over the window's visible events. act has one row per event
	// and actor (an event whose source is its target counts once).
	rows, err := db.r.QueryContext(ctx, `WITH ev AS MATERIALIZED (
		SELECT e.id AS id, e.date AS d, e.root AS root, e.src_id AS s, e.tgt_id AS t, e.goldstein AS g
		FROM events e INDEXED BY events_scan
		WHERE e.date >= ? AND e.date <= ? AND `+evis+`),
	act AS (SELECT s AS a, id, g FROM ev WHERE s <> '' UNION ALL SELECT t, id, g FROM ev WHERE t <> '' AND t <> s)
	SELECT 'day', d, '', count(*), 0.0, '', 0 FROM ev GROUP BY d
	UNION ALL SELECT 'root', root, '', count(*), 0.0, '', 0 FROM ev GROUP BY root
	UNION ALL SELECT * FROM (SELECT 'actor', a, '', count(*), sum(g), min(id), count(*) OVER () FROM act GROUP BY a ORDER BY 4 DESC, 2 LIMIT ?)
	UNION ALL SELECT * FROM (SELECT 'dyad', s, t, count(*), sum(g), min(id), 0 FROM ev WHERE s <> '' AND t <> ''
		GROUP BY s, t ORDER BY 4 DESC, 2, 3 LIMIT ?)`,
		append(append([]any{from, to}, evargs...), intelcell.OverviewTop, intelcell.OverviewTop)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sample, err := intelcell.ReadOverviewRows(o, rows)
	if err != nil {
		return nil, err
	}
	rows.Close()

	// Names, codes and kinds of the ranked actors from one of their events
	// in the window (a visible one: it was selected above).
	if len(sample) > 0 {
		args := make([]any, len(sample))
		for i, id := range sample {
			args[i] = id
		}
		rows, err := db.r.QueryContext(ctx, `SELECT b.body FROM events e JOIN event_bodies b ON b.date = e.date AND b.id = e.id
			WHERE e.id IN (`+placeholders(len(sample))+`) ORDER BY e.id`, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		evs, err := intelcell.ReadEventBodies(rows)
		if err != nil {
			return nil, err
		}
		intelcell.NameOverviewActors(o, evs)
	}
	intelcell.SortOverview(o)
	return o, nil
}
