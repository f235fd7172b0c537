package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/sqlite"
	"github.com/intelcell/intelcell/storetest"
)

func open(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) intelcell.Store { return open(t) })
}

// TestConformanceSmallPlans runs the conformance suite, its property tests
// included, with the event planner's count cap shrunk to a handful of
// events and with each plan forced: every query plan must give the same
// answers.
func TestConformanceSmallPlans(t *testing.T) {
	for _, p := range []struct {
		cap   int
		force string
	}{{1, ""}, {5, ""}, {3, "walk"}, {3, "driver"}} {
		storetest.Run(t, func(t *testing.T) intelcell.Store {
			db := open(t)
			sqlite.SetPlan(db, p.cap, p.force)
			return db
		})
	}
}

// TestFeeds runs the feed service's conformance tests (storetest.RunFeeds).
func TestFeeds(t *testing.T) {
	storetest.RunFeeds(t, func(t *testing.T) intelcell.Store { return open(t) })
}

func TestReopenKeepsDataAndMigratesOnce(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateOrg(ctx, "alpha"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	orgs, _ := db.FindOrgs(ctx)
	v, _ := db.SchemaVersion(ctx)
	if len(orgs) != 1 || v < 3 { // 3: feeds (feed.go); later migrations add to it
		t.Errorf("orgs %d, schema %d", len(orgs), v)
	}
	if db.Path() != filepath.Join(dir, sqlite.FileName) {
		t.Errorf("path %s", db.Path())
	}
}

func TestRetriesThenFails(t *testing.T) {
	db := open(t)
	db.Backoff = func(int) time.Duration { return 0 }
	db.MaxAttempts = 3
	ctx := context.Background()
	db.CreateOrg(ctx, "alpha")
	v, _ := db.OrgViewer(ctx, "alpha", intelcell.RoleAnalyst)
	r := &intelcell.Report{Text: "x", Date: "2020-01-01", Release: intelcell.DefaultRelease}
	if _, err := db.CreateReport(ctx, v, r); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		jobs, err := db.ClaimJobs(ctx, 5, time.Minute)
		if err != nil || len(jobs) != 1 || jobs[0].Attempts != i {
			t.Fatalf("attempt %d: %v %+v", i, err, jobs)
		}
		db.FinishJobs(ctx, []intelcell.JobResult{{Job: jobs[0], Err: errors.New("bad input")}})
	}
	got, _, _ := db.FindReport(ctx, v, r.ID)
	if got.Status != intelcell.StatusFailed || got.Error != "bad input" {
		t.Errorf("%+v", got)
	}
	if jobs, _ := db.ClaimJobs(ctx, 5, time.Minute); len(jobs) != 0 {
		t.Errorf("failed job claimed again")
	}
	// Reprocessing requeues failed jobs only when their report had a document; a
	// failed report without one stays failed.
	stats, _ := db.QueueStats(ctx)
	if stats["failed"] != 1 || stats["report_failed"] != 1 {
		t.Errorf("stats %v", stats)
	}
}

func TestSecondProcessSeesWrites(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	a, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := a.CreateOrg(ctx, "alpha"); err != nil {
		t.Fatal(err)
	}
	_, secret, err := b.CreateToken(ctx, "alpha", intelcell.RoleOrgAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := a.Authenticate(ctx, secret); err != nil || v.OrgName != "alpha" {
		t.Errorf("%v %+v", err, v)
	}
}
