package postgres_test

import (
	"bytes"
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/fuse"
	"github.com/intelcell/intelcell/postgres"
)

// finishAll claims and finishes every queued job with the Document doc
// gives it.
func finishAll(t *testing.T, db *postgres.DB, doc func(j *intelcell.Job) *intelcell.Document) {
	t.Helper()
	ctx := context.Background()
	for {
		jobs, err := db.ClaimJobs(ctx, 50, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 0 {
			return
		}
		var res []intelcell.JobResult
		for _, j := range jobs {
			res = append(res, intelcell.JobResult{Job: j, Doc: doc(j)})
		}
		if err := db.FinishJobs(ctx, res); err != nil {
			t.Fatal(err)
		}
	}
}

// docWith returns a Document of the job's report with n events.
func docWith(j *intelcell.Job, n int) *intelcell.Document {
	d := docFor(j)
	for len(d.Events) < n {
		d.Events = append(d.Events, d.Events[0])
	}
	d.Events = d.Events[:n]
	return d
}

// sigOf is the signature the store must keep for a report.
func sigOf(r *intelcell.Report) []byte {
	b, _ := fuse.Sign(r.Title + "\n" + r.Text).MarshalBinary()
	return b
}

// checkFusion checks, for the reports rs of viewer v with n events each,
// that FusionEvents carries each report's stored signature and that
// FusionEventDate finds each event by its merged-event name and no other.
func checkFusion(t *testing.T, db *postgres.DB, v intelcell.Viewer, rs []*intelcell.Report, n int) {
	t.Helper()
	ctx := context.Background()
	set, err := db.FusionEvents(ctx, v, intelcell.EventFilter{From: "2020-01-01", To: "2020-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Events) != len(rs)*n || len(set.Reports) != len(rs) {
		t.Errorf("%d events of %d reports, want %d of %d", len(set.Events), len(set.Reports), len(rs)*n, len(rs))
	}
	for _, r := range rs {
		if fr := set.Reports[r.ID]; fr == nil || !bytes.Equal(fr.Sig, sigOf(r)) {
			t.Errorf("report %s: %+v, want its signature", r.ID, fr)
		}
		for i := range n + 1 {
			eid := r.ID + "-" + strconv.Itoa(i)
			id, date, err := db.FusionEventDate(ctx, v, fuse.MergedID(eid))
			if i < n && (err != nil || id != eid || date != r.Date) {
				t.Errorf("merged event of %s: %q %q %v", eid, id, date, err)
			}
			if i == n && intelcell.ErrorCode(err) != intelcell.ENOTFOUND {
				t.Errorf("merged event of %s, which does not exist: %q %v", eid, id, err)
			}
		}
	}
}

// count returns the rows of a table.
func count(t *testing.T, db *postgres.DB, table string) int {
	t.Helper()
	var n int
	if err := db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFusionSavedWithDocument checks that signatures and merged-event names
// are written with the Document, and that fusion reads them rather than
// the texts: a text changed behind the store's back does not change the
// signature FusionEvents gives.
func TestFusionSavedWithDocument(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	v, rs := ingestReports(t, db, 5)
	if n := count(t, db, "report_signatures") + count(t, db, "fusion_keys"); n != 0 {
		t.Fatalf("%d fusion rows before any Document", n)
	}
	finishAll(t, db, func(j *intelcell.Job) *intelcell.Document { return docWith(j, 3) })
	if s, k := count(t, db, "report_signatures"), count(t, db, "fusion_keys"); s != 5 || k != 15 {
		t.Errorf("%d signatures and %d names, want 5 and 15", s, k)
	}
	checkFusion(t, db, v, rs, 3)

	// Reprocessing with fewer events drops the names of the events gone.
	if n, err := db.ReprocessReports(ctx, "other", "kb2"); err != nil || n != 5 {
		t.Fatalf("reprocess: %d %v", n, err)
	}
	finishAll(t, db, func(j *intelcell.Job) *intelcell.Document { return docWith(j, 2) })
	if s, k := count(t, db, "report_signatures"), count(t, db, "fusion_keys"); s != 5 || k != 10 {
		t.Errorf("after reprocessing: %d signatures and %d names, want 5 and 10", s, k)
	}
	checkFusion(t, db, v, rs, 2)

	if _, err := db.Pool().Exec(ctx, `UPDATE reports SET text = 'something else entirely'`); err != nil {
		t.Fatal(err)
	}
	checkFusion(t, db, v, rs, 2)
}

// TestFusionMigrationBackfill upgrades a schema at version 3, whose reports
// were extracted before signatures and names were stored and whose
// decisions table was created on first use: migration 4 keeps the
// decisions, and fusion fills in what is missing on first use, also when
// two stores do so at once.
func TestFusionMigrationBackfill(t *testing.T) {
	url := serverURL(t)
	for _, hadDecisions := range []bool{true, false} {
		t.Run("decisions="+strconv.FormatBool(hadDecisions), func(t *testing.T) {
			schema := newSchema(t, url)
			ctx := context.Background()
			old := openIn(t, url, schema)
			v, rs := ingestReports(t, old, 600) // more than one backfill batch
			finishAll(t, old, func(j *intelcell.Job) *intelcell.Document { return docWith(j, 2) })
			d := &intelcell.Decision{Kind: intelcell.DecisionSplit, A: rs[0].ID + "-0", B: rs[1].ID + "-1"}
			if hadDecisions {
				if err := old.CreateDecision(ctx, v, d); err != nil {
					t.Fatal(err)
				}
			}
			// Back to version 3 as the earlier code left it: no signatures
			// or names; fusion_decisions only if a decision was made.
			// Later migrations (5: the generation counter) are undone too.
			undo := `DROP FUNCTION bump_generation() CASCADE; DROP TABLE generation;
				DROP TABLE report_signatures, fusion_keys; DELETE FROM schema_migrations WHERE version >= 4;`
			if !hadDecisions {
				undo += `DROP TABLE fusion_decisions;`
			}
			if _, err := old.Pool().Exec(ctx, undo); err != nil {
				t.Fatal(err)
			}
			old.Close()

			a, b := openIn(t, url, schema), openIn(t, url, schema)
			if ver, err := a.SchemaVersion(ctx); err != nil || ver < 4 {
				t.Fatalf("schema version %d %v", ver, err)
			}
			ds, err := a.FindDecisions(ctx, v, nil)
			if err != nil {
				t.Fatal(err)
			}
			if hadDecisions && (len(ds) != 1 || ds[0].ID != d.ID || ds[0].A != d.A || ds[0].Org != "alpha") {
				t.Errorf("decisions after the upgrade: %+v, want %+v", ds, d)
			}
			if !hadDecisions && len(ds) != 0 {
				t.Errorf("decisions after the upgrade: %+v", ds)
			}
			if n := count(t, a, "report_signatures") + count(t, a, "fusion_keys"); n != 0 {
				t.Fatalf("%d fusion rows before first use", n)
			}
			var wg sync.WaitGroup
			for _, s := range []*postgres.DB{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := s.FusionEvents(ctx, v, intelcell.EventFilter{From: "2020-01-01", To: "2020-12-31"}); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if s, k := count(t, a, "report_signatures"), count(t, a, "fusion_keys"); s != len(rs) || k != 2*len(rs) {
				t.Errorf("after the backfill: %d signatures and %d names, want %d and %d", s, k, len(rs), 2*len(rs))
			}
			checkFusion(t, b, v, rs, 2)
			// New decisions go to the same table.
			if err := b.CreateDecision(ctx, v, &intelcell.Decision{Kind: intelcell.DecisionJoin, A: rs[2].ID + "-0", B: rs[3].ID + "-0"}); err != nil {
				t.Fatal(err)
			}
			want := 1
			if hadDecisions {
				want = 2
			}
			if ds, err := a.FindDecisions(ctx, v, nil); err != nil || len(ds) != want {
				t.Errorf("decisions: %d (%v), want %d", len(ds), err, want)
			}
		})
	}
}
