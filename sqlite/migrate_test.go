package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/sqlite"
)

var iraqMil = &intelcell.Actor{ID: "Q796:MIL", Code: "IRQMIL", Name: "Iraq", Kind: intelcell.KindState, Country: func() *string { c := "IRQ"; return &c }()}

// storeExtracted stores report r as v and finishes its extraction job with
// a Document of the given events, as a worker would.
func storeExtracted(t *testing.T, db *sqlite.DB, v intelcell.Viewer, r *intelcell.Report, events []intelcell.Event) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.CreateReport(ctx, v, r); err != nil {
		t.Fatal(err)
	}
	jobs, err := db.ClaimJobs(ctx, 1, time.Minute)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("claim: %v %d", err, len(jobs))
	}
	doc := &intelcell.Document{Date: r.Date, Events: events}
	if err := db.FinishJobs(ctx, []intelcell.JobResult{{Job: jobs[0], Doc: doc}}); err != nil {
		t.Fatal(err)
	}
}

// TestDatedBodiesMigration: a store whose event bodies are in the layout
// before migration 12 (keyed by report and number, no release columns)
// keeps every body when it is migrated, and the release columns copied
// beside them follow later release changes.
func TestDatedBodiesMigration(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []string{"alpha", "beta"} {
		if _, err := db.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	alpha, _ := db.OrgViewer(ctx, "alpha", intelcell.RoleOrgAdmin)
	beta, _ := db.OrgViewer(ctx, "beta", intelcell.RoleAnalyst)
	r := &intelcell.Report{Title: "t", Text: "Iraq's army attacked Mosul.", Date: "2017-03-05",
		Release: intelcell.Release{Audience: intelcell.AudienceCell, TLP: intelcell.TLPGreen}}
	storeExtracted(t, db, alpha, r, []intelcell.Event{
		{Source: iraqMil, Cameo: "190", Plover: "ASSAULT", QuadClass: 4, Date: "2017-03-05", Pattern: "attack"},
		{Source: iraqMil, Cameo: "010", QuadClass: 1, Date: "2017-03-04"},
	})
	window := intelcell.EventFilter{From: "2017-03-01", To: "2017-03-31"}
	before, err := db.FusionEvents(ctx, beta, window)
	if err != nil || len(before.Events) != 2 {
		t.Fatalf("before: %v %+v", err, before)
	}
	db.Close()

	// back to the layout of migration 7, as a store written before 12 has it
	raw, err := sql.Open("sqlite", filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	// (and without what later migrations built on the new one)
	for _, q := range []string{
		`DROP TRIGGER fusion_days_bodies_ai`, `DROP TRIGGER fusion_days_bodies_ad`, `DROP TRIGGER fusion_days_bodies_au`,
		`DROP TRIGGER fusion_days_reports_au`, `DROP TRIGGER fusion_days_groups_ai`, `DROP TRIGGER fusion_days_groups_ad`,
		`DROP TRIGGER fusion_days_signatures_ai`, `DROP TRIGGER fusion_days_decisions_ai`, `DROP TRIGGER fusion_days_decisions_ad`,
		`DROP TABLE fusion_days`,
		`DELETE FROM schema_migrations WHERE version = 13`,
		`CREATE TABLE old_bodies (report_seq INTEGER NOT NULL REFERENCES reports(seq) ON DELETE CASCADE, n INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (report_seq, n)) WITHOUT ROWID`,
		`INSERT INTO old_bodies SELECT b.report_seq, e.n, b.body FROM event_bodies b JOIN events e ON e.date = b.date AND e.id = b.id`,
		`DROP TRIGGER events_release`,
		`DROP TABLE event_bodies`,
		`ALTER TABLE old_bodies RENAME TO event_bodies`,
		`CREATE TRIGGER events_release AFTER UPDATE OF audience, org_id ON reports BEGIN
			UPDATE events SET audience = new.audience, org_id = new.org_id WHERE report_seq = new.seq; END`,
		`DELETE FROM schema_migrations WHERE version = 12`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db, err = sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, _ := db.SchemaVersion(ctx); v < 13 {
		t.Fatalf("schema %d after reopening", v)
	}
	after, err := db.FusionEvents(ctx, beta, window)
	if err != nil || len(after.Events) != 2 {
		t.Fatalf("after: %v %+v", err, after)
	}
	for i := range before.Events {
		b, a := before.Events[i], after.Events[i]
		if a.ID != b.ID || a.Event.Cameo != b.Event.Cameo || a.Event.Pattern != b.Event.Pattern || a.Event.Source.Code != b.Event.Source.Code {
			t.Errorf("event %d: %+v, want %+v", i, a, b)
		}
	}
	evs, _, err := db.FindEvents(ctx, beta, window)
	if err != nil || len(evs) != 2 {
		t.Fatalf("events after: %v %d", err, len(evs))
	}
	// the copied release follows a narrowing
	if err := db.SetRelease(ctx, alpha, r.ID, intelcell.Release{Audience: intelcell.AudienceOrg, TLP: intelcell.TLPAmber}); err != nil {
		t.Fatal(err)
	}
	if set, err := db.FusionEvents(ctx, beta, window); err != nil || len(set.Events) != 0 {
		t.Errorf("beta still sees %d events after the release was narrowed (%v)", len(set.Events), err)
	}
	if set, err := db.FusionEvents(ctx, alpha, window); err != nil || len(set.Events) != 2 {
		t.Errorf("alpha sees %d events of its own report (%v)", len(set.Events), err)
	}
}
