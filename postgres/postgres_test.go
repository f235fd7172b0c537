package postgres_test

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/postgres"
	"github.com/intelcell/intelcell/storetest"
	"github.com/jackc/pgx/v5"
)

// EnvURL names the environment variable with the test server's URL.
const EnvURL = "INTELCELL_TEST_POSTGRES"

// serverURL returns the test server's URL or skips the test.
func serverURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		t.Skipf("PostgreSQL tests skipped: set %s to a server URL, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable", EnvURL)
	}
	return u
}

// newSchema returns a random schema name that is dropped when the test ends.
func newSchema(t *testing.T, url string) string {
	t.Helper()
	var b [6]byte
	crand.Read(b[:])
	schema := "intelcell_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// openIn opens a store in schema; the test's cleanup closes it (before the
// schema is dropped: cleanups run last-registered first).
func openIn(t *testing.T, url, schema string) *postgres.DB {
	t.Helper()
	db, err := postgres.OpenSchema(context.Background(), url, schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// open returns a store in a schema of its own.
func open(t *testing.T) *postgres.DB {
	t.Helper()
	url := serverURL(t)
	return openIn(t, url, newSchema(t, url))
}

func TestConformance(t *testing.T) {
	serverURL(t)
	storetest.Run(t, func(t *testing.T) intelcell.Store { return open(t) })
}

// TestFeeds runs the feed service's conformance tests (storetest.RunFeeds).
func TestFeeds(t *testing.T) {
	serverURL(t)
	storetest.RunFeeds(t, func(t *testing.T) intelcell.Store { return open(t) })
}

// TestConcurrentMigrations starts several stores on one new schema at the
// same moment: the advisory lock lets exactly one apply each migration.
func TestConcurrentMigrations(t *testing.T) {
	url := serverURL(t)
	schema := newSchema(t, url)
	ctx := context.Background()
	const n = 6
	dbs := make([]*postgres.DB, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dbs[i], errs[i] = postgres.OpenSchema(ctx, url, schema)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("store %d: %v", i, errs[i])
		}
		defer dbs[i].Close()
	}
	var rows int
	if err := dbs[0].Pool().QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	v, err := dbs[0].SchemaVersion(ctx)
	if err != nil || v < 2 || rows != v {
		t.Errorf("schema version %d (%v), %d migration rows", v, err, rows)
	}
	// Each process sees the others' writes.
	if _, err := dbs[1].CreateOrg(ctx, "alpha"); err != nil {
		t.Fatal(err)
	}
	_, secret, err := dbs[2].CreateToken(ctx, "alpha", intelcell.RoleOrgAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := dbs[3].Authenticate(ctx, secret); err != nil || v.OrgName != "alpha" {
		t.Errorf("%v %+v", err, v)
	}
	// Reopening applies nothing again and keeps the data.
	db := openIn(t, url, schema)
	if orgs, _ := db.FindOrgs(ctx); len(orgs) != 1 {
		t.Errorf("orgs after reopen: %d", len(orgs))
	}
}

// TestSearchPathFromURL opens a store through a URL that names the schema.
func TestSearchPathFromURL(t *testing.T) {
	url := serverURL(t)
	schema := newSchema(t, url)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	db, err := postgres.Open(context.Background(), url+sep+"search_path="+schema)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Schema() != schema || strings.Contains(db.Path(), "password") {
		t.Errorf("schema %q path %q", db.Schema(), db.Path())
	}
}

// ingestReports creates n reports of one org, cell-visible.
func ingestReports(t *testing.T, db *postgres.DB, n int) (intelcell.Viewer, []*intelcell.Report) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.CreateOrg(ctx, "alpha"); err != nil {
		t.Fatal(err)
	}
	v, err := db.OrgViewer(ctx, "alpha", intelcell.RoleAnalyst)
	if err != nil {
		t.Fatal(err)
	}
	var rs []*intelcell.Report
	for i := range n {
		rs = append(rs, &intelcell.Report{Title: fmt.Sprintf("report %d", i), Text: fmt.Sprintf("Iran met Iraq, item %d.", i), Date: "2020-01-15",
			Release: intelcell.Release{Audience: intelcell.AudienceCell, TLP: intelcell.TLPGreen, Attribution: true}})
	}
	if _, err := db.CreateReports(ctx, v, rs); err != nil {
		t.Fatal(err)
	}
	return v, rs
}

func docFor(j *intelcell.Job) *intelcell.Document {
	iran := intelcell.Actor{ID: "Q794", Code: "IRN", Name: "Iran", Kind: "state"}
	iraq := intelcell.Actor{ID: "Q796", Code: "IRQ", Name: "Iraq", Kind: "state"}
	return &intelcell.Document{Date: j.Input.Date, Extractor: "test", KB: "kb1",
		Mentions: []intelcell.Mention{{Start: 0, End: 4, Text: "Iran", Actor: iran}, {Start: 9, End: 13, Text: "Iraq", Actor: iraq}},
		Events:   []intelcell.Event{{Source: &iran, Target: &iraq, Cameo: "040", Plover: "CONSULT", Date: j.Input.Date, Pattern: j.ReportID}}}
}

// TestTwoStoresClaimConcurrently runs two stores (two pools, as two serve
// processes would have) on one database, each with several workers
// claiming and finishing jobs at once. With leases longer than the run, no
// job may be handed out twice; every job must end done, with one Document.
// A second phase lets workers "die" holding jobs under short leases: the
// jobs are claimed again after the lease and still all end done, once.
func TestTwoStoresClaimConcurrently(t *testing.T) {
	url := serverURL(t)
	schema := newSchema(t, url)
	a, b := openIn(t, url, schema), openIn(t, url, schema)
	ctx := context.Background()
	const n = 400
	v, rs := ingestReports(t, a, n)

	type claim struct {
		store, worker int
		job           *intelcell.Job
	}
	run := func(lease time.Duration, abandon float64) (claims []claim) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		deadline := time.Now().Add(60 * time.Second)
		for si, s := range []*postgres.DB{a, b} {
			for w := range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rng := rand.New(rand.NewPCG(uint64(si), uint64(w)))
					idle := 0
					for time.Now().Before(deadline) {
						jobs, err := s.ClaimJobs(ctx, 1+rng.IntN(8), lease)
						if err != nil {
							t.Error(err)
							return
						}
						if len(jobs) == 0 {
							st, err := s.QueueStats(ctx)
							if err != nil {
								t.Error(err)
								return
							}
							if st["queued"]+st["running"] == 0 {
								return
							}
							idle++
							time.Sleep(time.Duration(min(idle, 20)) * 5 * time.Millisecond)
							continue
						}
						idle = 0
						mu.Lock()
						for _, j := range jobs {
							claims = append(claims, claim{si, w, j})
						}
						mu.Unlock()
						var res []intelcell.JobResult
						for _, j := range jobs {
							if rng.Float64() < abandon {
								continue // the worker "dies" holding this job
							}
							res = append(res, intelcell.JobResult{Job: j, Doc: docFor(j)})
						}
						if err := s.FinishJobs(ctx, res); err != nil {
							t.Error(err)
							return
						}
					}
					t.Error("workers did not drain the queue within a minute")
				}()
			}
		}
		wg.Wait()
		return claims
	}

	claims := run(time.Hour, 0)
	seen := map[string]claim{}
	perStore := [2]int{}
	for _, c := range claims {
		if prev, ok := seen[c.job.ReportID]; ok {
			t.Errorf("report %s claimed twice: by store %d worker %d and store %d worker %d", c.job.ReportID, prev.store, prev.worker, c.store, c.worker)
		}
		seen[c.job.ReportID] = c
		perStore[c.store]++
	}
	checkAllDone := func(phase string) {
		t.Helper()
		for _, r := range rs {
			got, doc, err := b.FindReport(ctx, v, r.ID)
			if err != nil || got.Status != intelcell.StatusDone || doc == nil {
				t.Errorf("%s: report %s: %v %+v", phase, r.ID, err, got)
			}
		}
		if n, err := a.CountEvents(ctx, v, intelcell.EventFilter{}); err != nil || n != len(rs) {
			t.Errorf("%s: %d events (%v), want %d: a report was lost or done twice", phase, n, err, len(rs))
		}
		st, _ := a.QueueStats(ctx)
		if st["queued"]+st["running"]+st["failed"] != 0 || st["report_done"] != len(rs) {
			t.Errorf("%s: queue %v", phase, st)
		}
	}
	if len(seen) != n {
		t.Errorf("%d of %d reports claimed", len(seen), n)
	}
	checkAllDone("long leases")
	t.Logf("long leases: %d claims, store a %d, store b %d", len(claims), perStore[0], perStore[1])

	// Reprocess everything; workers abandon a fifth of their jobs under
	// short leases, which others then take over.
	if k, err := a.ReprocessReports(ctx, "test", "kb2"); err != nil || k != n {
		t.Fatalf("reprocess: %d %v", k, err)
	}
	claims = run(300*time.Millisecond, 0.2)
	attempts := map[string]map[int]bool{}
	for _, c := range claims {
		m := attempts[c.job.ReportID]
		if m == nil {
			m = map[int]bool{}
			attempts[c.job.ReportID] = m
		}
		if m[c.job.Attempts] {
			t.Errorf("report %s: attempt %d handed out twice", c.job.ReportID, c.job.Attempts)
		}
		m[c.job.Attempts] = true
	}
	checkAllDone("short leases with abandoned jobs")
	t.Logf("short leases: %d claims for %d reports", len(claims), len(attempts))
}

func TestRetriesThenFails(t *testing.T) {
	db := open(t)
	db.Backoff = func(int) time.Duration { return 0 }
	db.MaxAttempts = 3
	ctx := context.Background()
	v, rs := ingestReports(t, db, 1)
	for i := 1; i <= 3; i++ {
		jobs, err := db.ClaimJobs(ctx, 5, time.Minute)
		if err != nil || len(jobs) != 1 || jobs[0].Attempts != i {
			t.Fatalf("attempt %d: %v %+v", i, err, jobs)
		}
		if err := db.FinishJobs(ctx, []intelcell.JobResult{{Job: jobs[0], Err: errors.New("bad input")}}); err != nil {
			t.Fatal(err)
		}
	}
	got, _, _ := db.FindReport(ctx, v, rs[0].ID)
	if got.Status != intelcell.StatusFailed || got.Error != "bad input" {
		t.Errorf("%+v", got)
	}
	if jobs, _ := db.ClaimJobs(ctx, 5, time.Minute); len(jobs) != 0 {
		t.Errorf("failed job claimed again")
	}
	stats, _ := db.QueueStats(ctx)
	if stats["failed"] != 1 || stats["report_failed"] != 1 {
		t.Errorf("stats %v", stats)
	}
}

// TestTextPostgresCannotHold stores what PostgreSQL text refuses as is (NUL
// bytes, invalid UTF-8) and finds words regardless of diacritics and
// punctuation, as the SQLite store does.
func TestTextPostgresCannotHold(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	v, _ := ingestReports(t, db, 0)
	r := &intelcell.Report{Title: "Zürich\x00talks", Text: "Müller met the U.S. envoy in São Paulo \xff\xfe.", Date: "2020-01-15",
		Release: intelcell.Release{Audience: intelcell.AudienceOrg, TLP: intelcell.TLPRed}}
	if _, err := db.CreateReport(ctx, v, r); err != nil {
		t.Fatal(err)
	}
	got, _, err := db.FindReport(ctx, v, r.ID)
	if err != nil || strings.ContainsRune(got.Title, 0) || !strings.Contains(got.Text, "Müller") {
		t.Fatalf("%v %+v", err, got)
	}
	for _, q := range []string{"muller", "MÜLLER", "sao paulo", "zurich", "talks", "u s envoy"} {
		if n, err := db.CountReports(ctx, v, q); err != nil || n != 1 {
			t.Errorf("search %q: %d %v", q, n, err)
		}
	}
	if n, _ := db.CountReports(ctx, v, "paris"); n != 0 {
		t.Errorf("paris found")
	}
	rs, _, err := db.SearchReports(ctx, v, intelcell.ReportFilter{Query: "envoy"})
	if err != nil || len(rs) != 1 || !strings.Contains(rs[0].Snippet, "envoy") {
		t.Errorf("snippet: %v %+v", err, rs)
	}
}

// TestAuditAppendOnly checks that the database refuses changes to the audit
// log, and that the hash chain finds changes made after the guard is dropped.
func TestAuditAppendOnly(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	for i := range 10 {
		e := &intelcell.AuditEntry{Org: 1, OrgName: "alpha", Via: "api", Action: intelcell.AuditSearch, Target: "reports", Detail: fmt.Sprintf("q=w%d", i), Status: 200}
		if err := db.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if n, _, err := intelcell.VerifyAudit(ctx, db); n != 10 || err != nil {
		t.Fatalf("verify: %d %v", n, err)
	}
	for _, q := range []string{`UPDATE audit SET detail = 'x' WHERE seq = 1`, `DELETE FROM audit WHERE seq = 1`, `TRUNCATE audit`} {
		if _, err := db.Pool().Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", q, err)
		}
	}
	if _, err := db.Pool().Exec(ctx, `ALTER TABLE audit DISABLE TRIGGER USER; UPDATE audit SET detail = 'q=innocent' WHERE seq = 4`); err != nil {
		t.Fatal(err)
	}
	var b *intelcell.AuditBreak
	if _, _, err := intelcell.VerifyAudit(ctx, db); !errors.As(err, &b) || b.Seq != 4 {
		t.Errorf("tampering not found: %v", err)
	}
}

// TestConcurrentAuditAppends appends from two stores at once: the chain
// stays one unbroken sequence.
func TestConcurrentAuditAppends(t *testing.T) {
	url := serverURL(t)
	schema := newSchema(t, url)
	a, b := openIn(t, url, schema), openIn(t, url, schema)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i, s := range []*postgres.DB{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 25 {
				e := &intelcell.AuditEntry{Via: "cli", Action: intelcell.AuditCreate, Target: "org", Object: fmt.Sprintf("w%d-%d", i, k)}
				if err := s.AppendAudit(ctx, e, &intelcell.AuditEntry{Via: "cli", Action: intelcell.AuditChange, Target: "org"}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n, _, err := intelcell.VerifyAudit(ctx, b); n != 200 || err != nil {
		t.Errorf("verify: %d %v", n, err)
	}
}

// TestExtendLeases keeps a short lease alive: the job is not claimed again
// while its holder renews it, and is once the holder stops.
func TestExtendLeases(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	ingestReports(t, db, 1)
	jobs, err := db.ClaimJobs(ctx, 1, 150*time.Millisecond)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("claim: %v %d", err, len(jobs))
	}
	for range 3 {
		time.Sleep(100 * time.Millisecond)
		if err := db.ExtendLeases(ctx, jobs, 150*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if again, _ := db.ClaimJobs(ctx, 1, time.Minute); len(again) != 0 {
			t.Fatalf("renewed job claimed again")
		}
	}
	time.Sleep(200 * time.Millisecond)
	again, err := db.ClaimJobs(ctx, 1, time.Minute)
	if err != nil || len(again) != 1 || again[0].Attempts != 2 {
		t.Fatalf("expired job: %v %+v", err, again)
	}
	// The old holder can no longer extend or finish it.
	if err := db.ExtendLeases(ctx, jobs, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishJobs(ctx, []intelcell.JobResult{{Job: jobs[0], Err: errors.New("stale")}}); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.QueueStats(ctx); st["running"] != 1 {
		t.Errorf("stale holder changed the job: %v", st)
	}
}
