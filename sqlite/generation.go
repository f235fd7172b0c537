package sqlite

import (
	"context"

	"github.com/intelcell/intelcell"
)

// Ensure the fusion cache interface is implemented.
var _ intelcell.FusionVersioner = (*DB)(nil)

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
