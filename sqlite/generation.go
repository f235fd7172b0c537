package sqlite

import (
	"context"

	"github.com/intelcell/intelcell"
)

// Ensure the fusion cache interfaces are implemented.
var (
	_ intelcell.FusionVersioner       = (*DB)(nil)
	_ intelcell.FusionWindowVersioner = (*DB)(nil)
)

// generationMigration adds a counter that every change a merge depends on
// advances, from triggers, so that no code path can forget it: a Document
// saved or replaced (its events with it), a report's release changed or a
// report removed, a sharing group added to or taken from a report, a
// decision recorded. Anything cached from a fusion window is valid while
// the counter stays the same.
const generationMigration = `
CREATE TABLE generation (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n  INTEGER NOT NULL
);
INSERT INTO generation (id, n) VALUES (1, 0);
CREATE TRIGGER gen_documents_ai AFTER INSERT ON documents BEGIN UPDATE generation SET n = n + 1; END;
CREATE TRIGGER gen_documents_au AFTER UPDATE ON documents BEGIN UPDATE generation SET n = n + 1; END;
CREATE TRIGGER gen_documents_ad AFTER DELETE ON documents BEGIN UPDATE generation SET n = n + 1; END;
CREATE TRIGGER gen_reports_au AFTER UPDATE OF org_id, audience, tlp, attribution, date ON reports BEGIN UPDATE generation SET n = n + 1; END;
CREATE TRIGGER gen_reports_ad AFTER DELETE ON reports BEGIN UPDATE generation SET n = n + 1; END;
CREATE TRIGGER gen_report_groups_ai AFTER INSERT ON report_groups BEGIN UPDATE generation SET n = n + 1; END;
CREATE TRIGGER gen_report_groups_ad AFTER DELETE ON report_groups BEGIN UPDATE generation SET n = n + 1; END;
CREATE TRIGGER gen_decisions_ai AFTER INSERT ON decisions BEGIN UPDATE generation SET n = n + 1; END;
CREATE TRIGGER gen_decisions_ad AFTER DELETE ON decisions BEGIN UPDATE generation SET n = n + 1; END;
CREATE TRIGGER gen_signatures_ai AFTER INSERT ON report_signatures BEGIN UPDATE generation SET n = n + 1; END;
`

// fusionDaysMigration adds a change counter per event date, advanced by
// triggers by everything a merge of a window holding that date depends
// on: an event body stored, removed or re-released (a Document saved or
// replaced, a release changed: events_release copies it onto the bodies),
// a report's date, attribution or org changed, a sharing group added to or
// taken from a report, a report's signature stored, a decision recorded or
// removed (the dates of both its events). A merged window stays valid while
// the counters of its days stay the same, whatever happens to other days.
const fusionDaysMigration = `
CREATE TABLE fusion_days (
	day TEXT PRIMARY KEY,
	n   INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO fusion_days (day, n) SELECT DISTINCT date, 1 FROM event_bodies;
CREATE TRIGGER fusion_days_bodies_ai AFTER INSERT ON event_bodies BEGIN
	INSERT INTO fusion_days (day, n) VALUES (new.date, 1) ON CONFLICT (day) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER fusion_days_bodies_ad AFTER DELETE ON event_bodies BEGIN
	INSERT INTO fusion_days (day, n) VALUES (old.date, 1) ON CONFLICT (day) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER fusion_days_bodies_au AFTER UPDATE ON event_bodies BEGIN
	INSERT INTO fusion_days (day, n) VALUES (old.date, 1) ON CONFLICT (day) DO UPDATE SET n = n + 1;
	INSERT INTO fusion_days (day, n) VALUES (new.date, 1) ON CONFLICT (day) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER fusion_days_reports_au AFTER UPDATE OF date, attribution, org_id ON reports BEGIN
	INSERT INTO fusion_days (day, n) SELECT DISTINCT date, 1 FROM event_bodies WHERE report_seq = new.seq
		ON CONFLICT (day) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER fusion_days_groups_ai AFTER INSERT ON report_groups BEGIN
	INSERT INTO fusion_days (day, n) SELECT DISTINCT date, 1 FROM event_bodies WHERE report_seq = new.report_seq
		ON CONFLICT (day) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER fusion_days_groups_ad AFTER DELETE ON report_groups BEGIN
	INSERT INTO fusion_days (day, n) SELECT DISTINCT date, 1 FROM event_bodies WHERE report_seq = old.report_seq
		ON CONFLICT (day) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER fusion_days_signatures_ai AFTER INSERT ON report_signatures BEGIN
	INSERT INTO fusion_days (day, n) SELECT DISTINCT date, 1 FROM event_bodies WHERE report_seq = new.report_seq
		ON CONFLICT (day) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER fusion_days_decisions_ai AFTER INSERT ON decisions BEGIN
	INSERT INTO fusion_days (day, n) SELECT DISTINCT date, 1 FROM events WHERE id IN (new.a, new.b)
		ON CONFLICT (day) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER fusion_days_decisions_ad AFTER DELETE ON decisions BEGIN
	INSERT INTO fusion_days (day, n) SELECT DISTINCT date, 1 FROM events WHERE id IN (old.a, old.b)
		ON CONFLICT (day) DO UPDATE SET n = n + 1;
END;
`

// FusionWindowVersion returns a number that changes whenever anything a
// merge of the days from..to depends on changes (fusionDaysMigration),
// however much changes on other days.
func (db *DB) FusionWindowVersion(ctx context.Context, from, to string) (int64, error) {
	var n int64
	err := db.r.QueryRowContext(ctx, `SELECT coalesce(sum(n), 0) FROM fusion_days WHERE day >= ? AND day <= ?`, from, to).Scan(&n)
	return n, err
}

// FusionVersion returns the generation counter (see generationMigration).
func (db *DB) FusionVersion(ctx context.Context) (int64, error) {
	var n int64
	err := db.r.QueryRowContext(ctx, `SELECT n FROM generation WHERE id = 1`).Scan(&n)
	return n, err
}

// FusionMatches returns the ids of the visible events in f's date window
// that pass f's other filters, read from the indexes without event bodies.
func (db *DB) FusionMatches(ctx context.Context, v intelcell.Viewer, f intelcell.EventFilter) (map[string]bool, error) {
	f.Cursor, f.Limit = "", 0
	where, args, plan, err := db.planEvents(ctx, v, f, false, 0)
	if err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT e.id FROM `+eventsFrom(plan)+` WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return intelcell.ReadIDs(rows)
}
