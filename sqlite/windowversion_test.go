package sqlite_test

import (
	"context"
	"testing"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/sqlite"
)

// TestFusionWindowVersion: the version of a window of days changes with
// every change a merge of those days depends on, and with none made on
// other days, so cached merges of other windows survive ingest.
func TestFusionWindowVersion(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.CreateOrg(ctx, "alpha"); err != nil {
		t.Fatal(err)
	}
	v, _ := db.OrgViewer(ctx, "alpha", intelcell.RoleOrgAdmin)
	cell := intelcell.Release{Audience: intelcell.AudienceCell, TLP: intelcell.TLPGreen}
	// store saves a report of one event on day, extracted
	store := func(day string) string {
		t.Helper()
		r := &intelcell.Report{Title: "t " + day, Text: "Iraq's army attacked Mosul on " + day + ".", Date: day, Release: cell}
		storeExtracted(t, db, v, r, []intelcell.Event{{Source: iraqMil, Cameo: "190", QuadClass: 4, Date: day}})
		return r.ID
	}
	version := func() int64 {
		t.Helper()
		n, err := db.FusionWindowVersion(ctx, "2017-03-01", "2017-03-10")
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	in := store("2017-03-05")
	out := store("2017-05-05")
	out2 := store("2017-05-06")
	last := version()
	step := func(what string, inside bool, change func()) {
		t.Helper()
		change()
		now := version()
		if changed := now != last; changed != inside {
			t.Errorf("%s: window version changed %v, want %v", what, changed, inside)
		}
		last = now
	}
	step("a report of another day stored", false, func() { store("2017-06-01") })
	step("a report of the window's days stored", true, func() { store("2017-03-07") })
	narrow := intelcell.Release{Audience: intelcell.AudienceOrg, TLP: intelcell.TLPAmber}
	step("another day's report re-released", false, func() {
		if err := db.SetRelease(ctx, v, out, narrow); err != nil {
			t.Fatal(err)
		}
	})
	step("a report of the window re-released", true, func() {
		if err := db.SetRelease(ctx, v, in, narrow); err != nil {
			t.Fatal(err)
		}
	})
	step("a decision about other days' events", false, func() {
		if err := db.CreateDecision(ctx, v, &intelcell.Decision{Kind: intelcell.DecisionSplit, A: out + "-0", B: out2 + "-0"}); err != nil {
			t.Fatal(err)
		}
	})
	step("a decision about an event of the window", true, func() {
		if err := db.CreateDecision(ctx, v, &intelcell.Decision{Kind: intelcell.DecisionJoin, A: in + "-0", B: out + "-0"}); err != nil {
			t.Fatal(err)
		}
	})
}
