package worker_test

import (
	"context"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/extract"
	"github.com/intelcell/intelcell/sqlite"
	"github.com/intelcell/intelcell/worker"
)

// fake extracts instantly, panics on "panic", and blocks on "block" until released.
type fake struct{ release chan struct{} }

func (f fake) Extract(in extract.Input) (*intelcell.Document, error) {
	switch in.Text {
	case "panic":
		panic("boom")
	case "block":
		<-f.release
	}
	return &intelcell.Document{Date: in.Date, Events: []intelcell.Event{}, Extractor: "fake", KB: "k"}, nil
}

func setup(t *testing.T, texts ...string) (*sqlite.DB, intelcell.Viewer, []*intelcell.Report) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.CreateOrg(ctx, "alpha")
	v, _ := db.OrgViewer(ctx, "alpha", intelcell.RoleAnalyst)
	var rs []*intelcell.Report
	for _, s := range texts {
		rs = append(rs, &intelcell.Report{Text: s, Date: "2020-01-01", Release: intelcell.DefaultRelease})
	}
	if _, err := db.CreateReports(ctx, v, rs); err != nil {
		t.Fatal(err)
	}
	return db, v, rs
}

func status(t *testing.T, db *sqlite.DB, v intelcell.Viewer, id string) string {
	r, _, err := db.FindReport(context.Background(), v, id)
	if err != nil {
		t.Fatal(err)
	}
	return r.Status
}

func TestDrainAndPanics(t *testing.T) {
	db, v, rs := setup(t, "one", "panic", "two")
	p := &worker.Pool{Jobs: db, Extractor: fake{}, Workers: 2}
	n, err := p.Drain(context.Background())
	if err != nil || n != 3 {
		t.Fatalf("drained %d, %v", n, err)
	}
	if status(t, db, v, rs[0].ID) != "done" || status(t, db, v, rs[2].ID) != "done" {
		t.Error("not done")
	}
	r, _, _ := db.FindReport(context.Background(), v, rs[1].ID)
	if r.Status != "queued" || r.Error == "" {
		t.Errorf("panicking report: %+v", r)
	}
}

func TestShutdownRequeuesUnfinished(t *testing.T) {
	db, v, rs := setup(t, "block", "fast")
	rel := make(chan struct{})
	defer close(rel)
	extracted := make(chan struct{}, 2)
	p := &worker.Pool{Jobs: db, Extractor: fake{release: rel}, Workers: 2, Grace: 50 * time.Millisecond, Poll: 10 * time.Millisecond,
		Observe: func(time.Duration, error) { extracted <- struct{}{} }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	<-extracted // the fast one; the other blocks
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("pool did not stop")
	}
	if s := status(t, db, v, rs[1].ID); s != "done" {
		t.Errorf("finished job: %s", s)
	}
	if s := status(t, db, v, rs[0].ID); s != "queued" {
		t.Errorf("unfinished job should be requeued, is %s", s)
	}
	jobs, _ := db.ClaimJobs(context.Background(), 5, time.Minute)
	if len(jobs) != 1 || jobs[0].Attempts != 1 {
		t.Errorf("requeued job: %+v", jobs)
	}
}
