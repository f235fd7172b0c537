package http

import (
	"context"
	"fmt"
	"math/rand/v2"
	nethttp "net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/fuse"
	"github.com/intelcell/intelcell/sqlite"
)

// BenchmarkColdMerge measures cold GET /api/v1/merged-events requests (a
// 31-day window not in the fusion cache) over a store made by `intelcell
// gen` (e.g. --reports 100000 --orgs 5) in the data directory
// INTELCELL_BENCH_DATA, as org gen-01's analyst, and prints the latency of
// each stage: FusionEvents (load and decode), Items (copy groups),
// FindDecisions, fuse.Merge, and the whole request.
//
//	INTELCELL_BENCH_DATA=/tmp/data100k go test ./http/ -run XXX -bench ColdMerge -benchtime 40x
func BenchmarkColdMerge(b *testing.B) {
	dir := os.Getenv("INTELCELL_BENCH_DATA")
	if dir == "" {
		b.Skip("set INTELCELL_BENCH_DATA to the data directory of a generated store")
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	v, err := db.OrgViewer(ctx, "gen-01", intelcell.RoleAnalyst)
	if err != nil {
		b.Fatal(err)
	}
	s := NewServer(db, nil)
	rng := rand.New(rand.NewPCG(7, 7))
	window := func() (string, string) {
		d := time.Date(2014, 2, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(3*365-62))
		return d.Format("2006-01-02"), d.AddDate(0, 0, DefaultFusionDays-1).Format("2006-01-02")
	}
	// warm the store's caches and the backfill once
	from, to := window()
	if _, err := db.FusionEvents(ctx, v, intelcell.EventFilter{From: from, To: to}); err != nil {
		b.Fatal(err)
	}
	var load, items, decs, merge, total []time.Duration
	var events, reports, merged int
	b.ResetTimer()
	for range b.N {
		from, to := window()
		// the stages, as mergeWindow runs them
		lf := intelcell.EventFilter{From: addDays(from, -fusionMargin), To: addDays(to, fusionMargin)}
		t0 := time.Now()
		set, err := db.FusionEvents(ctx, v, lf)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		its, _ := Items(set)
		t2 := time.Now()
		ids := make([]string, len(set.Events))
		for i, e := range set.Events {
			ids[i] = e.ID
		}
		ds, err := db.FindDecisions(ctx, v, ids)
		if err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		ms := fuse.Merge(its, Decisions(ds), fuse.Options{})
		t4 := time.Now()
		load, items, decs, merge = append(load, t1.Sub(t0)), append(items, t2.Sub(t1)), append(decs, t3.Sub(t2)), append(merge, t4.Sub(t3))
		events, reports, merged = events+len(set.Events), reports+len(set.Reports), merged+len(ms)
		// the whole request, cold: an empty fusion cache
		s.fcache = newFusionCache(fusionCacheEvents)
		req := httptest.NewRequest("GET", "/api/v1/merged-events?limit=1000&from="+from+"&to="+to, nil)
		w := httptest.NewRecorder()
		t5 := time.Now()
		if err := s.handleMergedEvents(w, req, v); err != nil || w.Code != nethttp.StatusOK {
			b.Fatalf("merged-events: %v %d", err, w.Code)
		}
		total = append(total, time.Since(t5))
	}
	b.StopTimer()
	pct := func(ds []time.Duration, p float64) time.Duration {
		ds = slices.Clone(ds)
		slices.Sort(ds)
		return ds[min(len(ds)-1, int(p*float64(len(ds))))]
	}
	row := func(name string, ds []time.Duration) {
		fmt.Printf("  %-22s p50 %7.1f ms  p95 %7.1f ms\n", name, float64(pct(ds, 0.5).Microseconds())/1000, float64(pct(ds, 0.95).Microseconds())/1000)
	}
	fmt.Printf("cold merged-events, %d windows of %d days: %d events from %d reports, %d merged events per window\n",
		b.N, DefaultFusionDays, events/b.N, reports/b.N, merged/b.N)
	row("FusionEvents", load)
	row("Items (copy groups)", items)
	row("FindDecisions", decs)
	row("fuse.Merge", merge)
	row("whole request (cold)", total)
	b.ReportMetric(float64(pct(total, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(total, 0.95).Microseconds())/1000, "p95-ms")
}
