package postgres

import (
	"context"

	"github.com/intelcell/intelcell"
)

// Ensure the fusion cache interface is implemented.
var _ intelcell.FusionVersioner = (*DB)(nil)

// generationMigration adds a counter that every change a merge depends on
// advances, from triggers, so that no code path can forget it: a Document
// saved, replaced or removed (its events with it), a report's release
// changed or a report removed, a sharing group added to or taken from a
// report, a decision recorded, a signature stored. The triggers are
// deferred constraint triggers: they run when the changing transaction
// commits, so the counter's row is locked only for the commit itself, not
// for the rest of a worker's transaction, and servers sharing the database
// do not queue behind one another. A reader that sees the new value sees
// the change (they commit together).
const generationMigration = `
CREATE TABLE generation (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n  BIGINT NOT NULL
);
INSERT INTO generation (id, n) VALUES (1, 0);
CREATE FUNCTION bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE generation SET n = n + 1 WHERE id = 1;
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER gen_documents AFTER INSERT OR UPDATE OR DELETE ON documents
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation();
CREATE CONSTRAINT TRIGGER gen_reports AFTER UPDATE OF org_id, audience, tlp, attribution, date OR DELETE ON reports
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation();
CREATE CONSTRAINT TRIGGER gen_report_groups AFTER INSERT OR DELETE ON report_groups
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation();
CREATE CONSTRAINT TRIGGER gen_decisions AFTER INSERT OR DELETE ON fusion_decisions
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation();
CREATE CONSTRAINT TRIGGER gen_signatures AFTER INSERT ON report_signatures
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation();
`

// FusionVersion returns the generation counter (see generationMigration).
func (db *DB) FusionVersion(ctx context.Context) (int64, error) {
	var n int64
	err := db.pool.QueryRow(ctx, `SELECT n FROM generation WHERE id = 1`).Scan(&n)
	return n, err
}

// FusionMatches returns the ids of the visible events in f's date window
// that pass f's other filters.
func (db *DB) FusionMatches(ctx context.Context, v intelcell.Viewer, f intelcell.EventFilter) (map[string]bool, error) {
	f.Cursor, f.Limit = "", 0
	var a args
	where, err := eventWhere(v, f, false, &a)
	if err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, `SELECT e.id FROM events e JOIN reports r ON r.seq = e.report_seq WHERE `+where, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return intelcell.ReadIDs(rows)
}
