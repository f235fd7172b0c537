// Package sqlite implements intelcell.Store on an embedded SQLite database
// (modernc.org/sqlite, pure Go).
//
// Durability: the database runs in WAL mode with synchronous=FULL, so when a
// write method returns nil its transaction is in the WAL file and fsynced:
// it survives a crash of the process or of the machine. Writes go through one
// connection with BEGIN IMMEDIATE; reads use a pool of connections and see the
// last committed state. Other processes (the admin CLI while serve runs) may
// open the same file: SQLite's locks serialise writers, and busy_timeout makes
// them wait rather than fail.
//
// Visibility: every read compiles intelcell.Visible into its WHERE clause
// (visWhere), so the rule is applied before LIMIT, OFFSET and COUNT.
package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/intelcell/intelcell"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Ensure the interface is implemented.
var _ intelcell.Store = (*DB)(nil)

// DB is the SQLite store.
type DB struct {
	w    *sql.DB // one writer connection
	r    *sql.DB // readers
	path string

	// Now returns the current time; tests may replace it.
	Now func() time.Time
	// MaxAttempts is how many times a job is tried before its report fails.
	MaxAttempts int
	// Backoff returns the delay before retry n (1 after the first failure).
	Backoff func(n int) time.Duration

	// planCap and forcePlan tune event query planning (event.go); tests
	// shrink the one and force the other so that every plan runs on small
	// data.
	planCap   int
	forcePlan string
}

// FileName is the database file inside a data directory.
const FileName = "intelcell.db"

// Open opens (creating if needed) the database in data directory dir and
// applies pending migrations.
func Open(ctx context.Context, dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return OpenFile(ctx, filepath.Join(dir, FileName))
}

// OpenFile opens the database file at path and applies pending migrations.
func OpenFile(ctx context.Context, path string) (*DB, error) {
	common := "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
	w, err := sql.Open("sqlite", path+common+"&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	db := &DB{w: w, path: path, Now: time.Now, MaxAttempts: 5, Backoff: defaultBackoff}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: migrate %s: %w", path, err)
	}
	if err := db.Optimize(ctx); err != nil { // planner statistics (optimize.go)
		w.Close()
		return nil, fmt.Errorf("sqlite: optimize %s: %w", path, err)
	}
	// Readers map the file (pages are read from the OS cache without a
	// copy per read) and keep a page cache of their own: event queries
	// look up thousands of rows by key, and the default 2 MB cache holds
	// little of a database of 100,000 reports.
	r, err := sql.Open("sqlite", path+common+"&_pragma=query_only(1)&_pragma=mmap_size(4294967296)&_pragma=cache_size(-32768)")
	if err != nil {
		w.Close()
		return nil, err
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db.r = r
	return db, nil
}

func defaultBackoff(n int) time.Duration {
	d := time.Second << min(n-1, 8)
	return min(d, 5*time.Minute)
}

// Path returns the database file.
func (db *DB) Path() string { return db.path }

// Close closes the database.
func (db *DB) Close() error {
	var err error
	if db.r != nil {
		err = db.r.Close()
	}
	if e := db.w.Close(); e != nil {
		err = e
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Backup writes a consistent copy of the database to path (VACUUM INTO).
func (db *DB) Backup(ctx context.Context, path string) error {
	_, err := db.w.ExecContext(ctx, "VACUUM INTO ?", path)
	return err
}

func (db *DB) now() int64 { return db.Now().UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// newID returns 16 random hex characters: ids reveal nothing about how many
// other items exist.
func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// withTx runs fn in a write transaction (BEGIN IMMEDIATE) and commits.
func (db *DB) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// visWhere compiles intelcell.Visible for viewer v into a SQL condition on
// the reports table aliased r. It must stay the same rule as Visible (the
// store keeps only valid releases, so the invalid-release case of Visible
// never arises here).
func visWhere(v intelcell.Viewer) (string, []any) {
	if v.Anonymous() {
		return "r.audience = 'public'", nil
	}
	args := []any{int64(v.Org)}
	var b strings.Builder
	b.WriteString("(r.audience IN ('public','cell') OR r.org_id = ?")
	if len(v.Groups) > 0 {
		b.WriteString(" OR (r.audience = 'groups' AND EXISTS (SELECT 1 FROM report_groups rg WHERE rg.report_seq = r.seq AND rg.grp IN (")
		for i, g := range v.Groups {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('?')
			args = append(args, g)
		}
		b.WriteString(")))")
	}
	b.WriteByte(')')
	return b.String(), args
}

// visJoinedRepl turns visWhere's condition into visJoined's.
var visJoinedRepl = strings.NewReplacer("r.audience", "+r.audience", "r.org_id", "+r.org_id")

// visJoined is visWhere for queries driven by another table (events,
// mentions, quotes, the full-text index) that join reports by key: the
// unary plus keeps SQLite from driving them from the reports' audience
// and org indexes, which visit every visible report to find a few events.
func visJoined(v intelcell.Viewer) (string, []any) {
	vis, args := visWhere(v)
	return visJoinedRepl.Replace(vis), args
}

// visEventRow is the visibility rule on the release columns copied onto
// events e (eventScanMigration): tested from the events_scan index entry,
// reaching report_groups by key only for events released to groups.
func visEventRow(v intelcell.Viewer) (string, []any) { return visCopied(v, "e") }

// visBodyRow is the visibility rule on the release columns copied onto
// event_bodies b (datedBodiesMigration), tested in place while a date range
// of bodies is read.
func visBodyRow(v intelcell.Viewer) (string, []any) { return visCopied(v, "b") }

// visCopied is visWhere on the release columns (audience, org_id) and
// report_seq of the table aliased t, which carries copies of its report's.
func visCopied(v intelcell.Viewer, t string) (string, []any) {
	vis, args := visWhere(v)
	vis = strings.NewReplacer("r.audience", t+".audience", "r.org_id", t+".org_id", "rg.report_seq = r.seq", "rg.report_seq = "+t+".report_seq").Replace(vis)
	return vis, args
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// migrations are applied in order, each once, in its own transaction; the
// version reached is kept in schema_migrations. Never edit a released
// migration: add a new one.
var migrations = []string{
	// 1: the cell, reports, the job queue, documents and what is derived from them.
	`
CREATE TABLE orgs (
	id      INTEGER PRIMARY KEY,
	name    TEXT NOT NULL UNIQUE,
	created INTEGER NOT NULL
);
CREATE TABLE cell_groups (
	name    TEXT PRIMARY KEY,
	created INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE group_members (
	grp    TEXT NOT NULL REFERENCES cell_groups(name),
	org_id INTEGER NOT NULL REFERENCES orgs(id),
	PRIMARY KEY (grp, org_id)
) WITHOUT ROWID;
CREATE INDEX group_members_org ON group_members(org_id, grp);
CREATE TABLE tokens (
	id        TEXT PRIMARY KEY,
	org_id    INTEGER NOT NULL REFERENCES orgs(id),
	role      TEXT NOT NULL,
	hash      TEXT NOT NULL UNIQUE,
	created   INTEGER NOT NULL,
	last_used INTEGER,
	revoked   INTEGER
);
CREATE TABLE reports (
	seq          INTEGER PRIMARY KEY,
	id           TEXT NOT NULL UNIQUE,
	org_id       INTEGER NOT NULL REFERENCES orgs(id),
	title        TEXT NOT NULL,
	text         TEXT NOT NULL,
	date         TEXT NOT NULL,
	source       TEXT NOT NULL,
	url          TEXT NOT NULL,
	audience     TEXT NOT NULL,
	tlp          TEXT NOT NULL,
	attribution  INTEGER NOT NULL,
	status       TEXT NOT NULL,
	error        TEXT NOT NULL DEFAULT '',
	content_hash TEXT NOT NULL,
	created      INTEGER NOT NULL,
	UNIQUE (org_id, content_hash)
);
CREATE INDEX reports_audience ON reports(audience, org_id);
CREATE TABLE report_groups (
	report_seq INTEGER NOT NULL REFERENCES reports(seq) ON DELETE CASCADE,
	grp        TEXT NOT NULL,
	PRIMARY KEY (report_seq, grp)
) WITHOUT ROWID;
CREATE INDEX report_groups_grp ON report_groups(grp, report_seq);
CREATE TABLE report_sources (
	report_seq INTEGER NOT NULL REFERENCES reports(seq) ON DELETE CASCADE,
	source     TEXT NOT NULL,
	url        TEXT NOT NULL,
	created    INTEGER NOT NULL,
	PRIMARY KEY (report_seq, source, url)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE reports_fts USING fts5(
	title, text, content='reports', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER reports_ai AFTER INSERT ON reports BEGIN
	INSERT INTO reports_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER reports_ad AFTER DELETE ON reports BEGIN
	INSERT INTO reports_fts(reports_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
END;
CREATE TRIGGER reports_au AFTER UPDATE OF title, text ON reports BEGIN
	INSERT INTO reports_fts(reports_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
	INSERT INTO reports_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TABLE jobs (
	id          INTEGER PRIMARY KEY,
	report_seq  INTEGER NOT NULL UNIQUE REFERENCES reports(seq) ON DELETE CASCADE,
	state       TEXT NOT NULL,          -- queued, running, failed
	attempts    INTEGER NOT NULL DEFAULT 0,
	run_after   INTEGER NOT NULL,
	lease       TEXT,
	lease_until INTEGER,
	error       TEXT NOT NULL DEFAULT '',
	created     INTEGER NOT NULL
);
CREATE INDEX jobs_runnable ON jobs(state, run_after);
CREATE TABLE documents (
	report_seq INTEGER PRIMARY KEY REFERENCES reports(seq) ON DELETE CASCADE,
	extractor  TEXT NOT NULL,
	kb         TEXT NOT NULL,
	body       TEXT NOT NULL,
	created    INTEGER NOT NULL
);
CREATE INDEX documents_version ON documents(extractor, kb);
CREATE TABLE events (
	report_seq  INTEGER NOT NULL REFERENCES reports(seq) ON DELETE CASCADE,
	n           INTEGER NOT NULL,
	id          TEXT NOT NULL UNIQUE,
	date        TEXT NOT NULL,
	cameo       TEXT NOT NULL,
	root        TEXT NOT NULL,
	plover      TEXT NOT NULL,
	src_id      TEXT NOT NULL,
	src_code    TEXT NOT NULL,
	src_country TEXT NOT NULL,
	tgt_id      TEXT NOT NULL,
	tgt_code    TEXT NOT NULL,
	tgt_country TEXT NOT NULL,
	negated     INTEGER NOT NULL,
	lat         REAL,
	lon         REAL,
	body        TEXT NOT NULL,
	PRIMARY KEY (report_seq, n)
) WITHOUT ROWID;
CREATE INDEX events_date ON events(date, id);
CREATE INDEX events_src ON events(src_id, date);
CREATE INDEX events_tgt ON events(tgt_id, date);
CREATE INDEX events_src_code ON events(src_code, date);
CREATE INDEX events_tgt_code ON events(tgt_code, date);
CREATE INDEX events_src_country ON events(src_country, date);
CREATE INDEX events_tgt_country ON events(tgt_country, date);
CREATE INDEX events_cameo ON events(cameo, date);
CREATE INDEX events_root ON events(root, date);
CREATE INDEX events_plover ON events(plover, date);
CREATE TABLE mentions (
	report_seq INTEGER NOT NULL REFERENCES reports(seq) ON DELETE CASCADE,
	n          INTEGER NOT NULL,
	start      INTEGER NOT NULL,
	end_       INTEGER NOT NULL,
	text       TEXT NOT NULL,
	actor_id   TEXT NOT NULL,
	code       TEXT NOT NULL,
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL,
	country    TEXT NOT NULL,
	PRIMARY KEY (report_seq, n)
) WITHOUT ROWID;
CREATE INDEX mentions_actor ON mentions(actor_id);
CREATE INDEX mentions_code ON mentions(code);
CREATE TABLE quotes (
	report_seq INTEGER NOT NULL REFERENCES reports(seq) ON DELETE CASCADE,
	n          INTEGER NOT NULL,
	speaker_id TEXT NOT NULL,
	text       TEXT NOT NULL,
	direct     INTEGER NOT NULL,
	start      INTEGER NOT NULL,
	end_       INTEGER NOT NULL,
	PRIMARY KEY (report_seq, n)
) WITHOUT ROWID;
CREATE INDEX quotes_speaker ON quotes(speaker_id);
CREATE TABLE places (
	report_seq INTEGER NOT NULL REFERENCES reports(seq) ON DELETE CASCADE,
	n          INTEGER NOT NULL,
	start      INTEGER NOT NULL,
	end_       INTEGER NOT NULL,
	text       TEXT NOT NULL,
	name       TEXT NOT NULL,
	lat        REAL NOT NULL,
	lon        REAL NOT NULL,
	country    TEXT NOT NULL,
	PRIMARY KEY (report_seq, n)
) WITHOUT ROWID;
CREATE INDEX places_name ON places(name);
`,
	// 2: the hash-chained audit log and per-org default releases (audit.go).
	auditMigration,
	// 3: feed subscriptions and the items already handled (feed.go).
	feedMigration,
	// 4: report signatures, merged-event names and analysts' decisions (fusion.go).
	fusionMigration,
	// 5: composite event indexes for selective filter combinations (indexes.go).
	indexesMigration,
	// 6: the generation counter that fusion caches are checked against (generation.go).
	generationMigration,
	// 7: event bodies moved out of the events table (event.go).
	eventBodiesMigration,
	// 8: release columns on events and the events_scan index (event.go).
	eventScanMigration,
	// 9: reports by date for the overview (overview.go).
	overviewMigration,
	// 10: token names (org.go).
	tokenNameMigration,
	// 11: Goldstein scores on events and in events_scan (event.go).
	eventGoldsteinMigration,
	// 12: event bodies in date order with the release columns (event.go).
	datedBodiesMigration,
	// 13: change counters per event date for merged-window caches (generation.go).
	fusionDaysMigration,
}

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)`); err != nil {
		return err
	}
	for i, m := range migrations {
		version := i + 1
		err := db.withTx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m); err != nil {
				return fmt.Errorf("migration %d: %w", version, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied) VALUES (?, ?)`, version, db.now())
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// SchemaVersion returns the highest migration applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := db.r.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v)
	return int(v.Int64), err
}
