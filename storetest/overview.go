package storetest

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
)

// OverviewInput is one report a viewer may see, as the overview model needs
// it: its report date and its events.
type OverviewInput struct {
	Date   string
	Events []intelcell.Event
}

// WantOverview computes, in plain Go, the Overview of the window from..to
// over the given reports — which must be exactly those the viewer may see.
// Stores (and the HTTP API) are checked against it.
func WantOverview(from, to string, reports []OverviewInput) *intelcell.Overview {
	o := &intelcell.Overview{From: from, To: to, ReportsPerDay: []intelcell.Count{}, EventsPerDay: []intelcell.Count{},
		TopActors: []intelcell.ActorCount{}, TopDyads: []intelcell.DyadCount{}, ByRoot: []intelcell.Count{}}
	in := func(d string) bool { return d >= from && d <= to }
	repDays, evDays, roots := map[string]int{}, map[string]int{}, map[string]int{}
	type agg struct {
		a, b intelcell.Actor
		n    int
		sum  float64
	}
	actors, dyads := map[string]*agg{}, map[[2]string]*agg{}
	key := func(a *intelcell.Actor) string { return cmp.Or(a.ID, a.Code) }
	named := func(a *intelcell.Actor) intelcell.Actor {
		c := *a
		c.ID, c.Role = key(a), ""
		return c
	}
	for _, r := range reports {
		if in(r.Date) {
			repDays[r.Date]++
			o.Reports++
		}
		for _, e := range r.Events {
			if !in(e.Date) {
				continue
			}
			o.Events++
			evDays[e.Date]++
			roots[e.Cameo[:2]]++
			var seen []string
			for _, a := range []*intelcell.Actor{e.Source, e.Target} {
				if a == nil || key(a) == "" || (len(seen) == 1 && seen[0] == key(a)) {
					continue
				}
				seen = append(seen, key(a))
				g := actors[key(a)]
				if g == nil {
					g = &agg{a: named(a)}
					actors[key(a)] = g
				}
				g.n++
				g.sum += e.Goldstein
			}
			if e.Source != nil && e.Target != nil {
				k := [2]string{key(e.Source), key(e.Target)}
				g := dyads[k]
				if g == nil {
					g = &agg{a: named(e.Source), b: named(e.Target)}
					dyads[k] = g
				}
				g.n++
				g.sum += e.Goldstein
			}
		}
	}
	o.Actors = len(actors)
	for d, n := range repDays {
		o.ReportsPerDay = append(o.ReportsPerDay, intelcell.Count{Key: d, Count: n})
	}
	for d, n := range evDays {
		o.EventsPerDay = append(o.EventsPerDay, intelcell.Count{Key: d, Count: n})
	}
	for r, n := range roots {
		o.ByRoot = append(o.ByRoot, intelcell.Count{Key: r, Count: n})
	}
	for _, g := range actors {
		o.TopActors = append(o.TopActors, intelcell.ActorCount{Actor: g.a, Count: g.n, Goldstein: intelcell.MeanGoldstein(g.sum, g.n)})
	}
	for _, g := range dyads {
		o.TopDyads = append(o.TopDyads, intelcell.DyadCount{Source: g.a, Target: g.b, Count: g.n, Goldstein: intelcell.MeanGoldstein(g.sum, g.n)})
	}
	intelcell.SortOverview(o)
	o.TopActors = o.TopActors[:min(len(o.TopActors), intelcell.OverviewTop)]
	o.TopDyads = o.TopDyads[:min(len(o.TopDyads), intelcell.OverviewTop)]
	return o
}

// DefaultOverviewEnd is where the default overview window of a viewer who
// may see the given reports ends: the latest date of its events and reports
// ("" when it sees nothing: the store's today).
func DefaultOverviewEnd(reports []OverviewInput) string {
	newest := ""
	for _, r := range reports {
		newest = max(newest, r.Date)
		for _, e := range r.Events {
			newest = max(newest, e.Date)
		}
	}
	return newest
}

// OverviewDiff describes how got differs from want ("" when it does not):
// every count, the rankings in order with each actor's id, code and name,
// and mean Goldstein scores to within rounding.
func OverviewDiff(got, want *intelcell.Overview) string {
	var d []string
	add := func(format string, args ...any) { d = append(d, fmt.Sprintf(format, args...)) }
	if got.From != want.From || got.To != want.To {
		add("window %s..%s, want %s..%s", got.From, got.To, want.From, want.To)
	}
	if got.Reports != want.Reports || got.Events != want.Events || got.Actors != want.Actors {
		add("totals reports %d events %d actors %d, want %d %d %d", got.Reports, got.Events, got.Actors, want.Reports, want.Events, want.Actors)
	}
	if fmt.Sprint(got.ReportsPerDay) != fmt.Sprint(want.ReportsPerDay) {
		add("reports per day %v, want %v", got.ReportsPerDay, want.ReportsPerDay)
	}
	if fmt.Sprint(got.EventsPerDay) != fmt.Sprint(want.EventsPerDay) {
		add("events per day %v, want %v", got.EventsPerDay, want.EventsPerDay)
	}
	if fmt.Sprint(got.ByRoot) != fmt.Sprint(want.ByRoot) {
		add("by root %v, want %v", got.ByRoot, want.ByRoot)
	}
	actor := func(a intelcell.Actor) string { return a.ID + "/" + a.Code + "/" + a.Name }
	near := func(a, b float64) bool { return math.Abs(a-b) < 0.0051 }
	if len(got.TopActors) != len(want.TopActors) {
		add("%d top actors, want %d", len(got.TopActors), len(want.TopActors))
	} else {
		for i, g := range got.TopActors {
			w := want.TopActors[i]
			if actor(g.Actor) != actor(w.Actor) || g.Count != w.Count || !near(g.Goldstein, w.Goldstein) {
				add("top actor %d: %s %d %.2f, want %s %d %.2f", i, actor(g.Actor), g.Count, g.Goldstein, actor(w.Actor), w.Count, w.Goldstein)
			}
		}
	}
	if len(got.TopDyads) != len(want.TopDyads) {
		add("%d top dyads, want %d", len(got.TopDyads), len(want.TopDyads))
	} else {
		for i, g := range got.TopDyads {
			w := want.TopDyads[i]
			if actor(g.Source) != actor(w.Source) || actor(g.Target) != actor(w.Target) || g.Count != w.Count || !near(g.Goldstein, w.Goldstein) {
				add("top dyad %d: %s→%s %d %.2f, want %s→%s %d %.2f", i, actor(g.Source), actor(g.Target), g.Count, g.Goldstein,
					actor(w.Source), actor(w.Target), w.Count, w.Goldstein)
			}
		}
	}
	return strings.Join(d, "; ")
}

// RandOverviewWindow returns a random overview filter for dates drawn by
// date: the default window, an open end, or both ends.
func RandOverviewWindow(rng *rand.Rand, date func() string) intelcell.OverviewFilter {
	switch rng.IntN(4) {
	case 0:
		return intelcell.OverviewFilter{}
	case 1:
		return intelcell.OverviewFilter{To: date()}
	}
	a, b := date(), date()
	return intelcell.OverviewFilter{From: min(a, b), To: max(a, b)}
}

// ResolveOverviewWindow is OverviewWindow as a store applies it for a
// viewer who sees the given reports; ok is false when the viewer sees
// nothing and the default window ends on the store's today.
func ResolveOverviewWindow(f intelcell.OverviewFilter, reports []OverviewInput) (from, to string, ok bool) {
	end := DefaultOverviewEnd(reports)
	if f.To == "" && end == "" {
		return "", "", false
	}
	from, to, err := intelcell.OverviewWindow(f, end, time.Time{})
	return from, to, err == nil
}

// checkOverview compares the store's overview for v with the model's.
func (c *checker) checkOverview(rng *rand.Rand, m *model, v intelcell.Viewer, visible map[string]bool) {
	var in []OverviewInput
	for _, mr := range m.reports {
		if !visible[mr.id] {
			continue
		}
		oi := OverviewInput{Date: mr.date}
		for _, e := range mr.events {
			oi.Events = append(oi.Events, e.Event)
		}
		in = append(in, oi)
	}
	for range 2 {
		f := RandOverviewWindow(rng, func() string { return randDate(rng) })
		got, err := c.s.Overview(c.ctx, v, f)
		c.cases++
		if err != nil {
			c.diff("viewer %s/%s overview %+v: %v", v.OrgName, v.Role, f, err)
			continue
		}
		from, to, ok := ResolveOverviewWindow(f, in)
		if !ok {
			from, to = got.From, got.To // the store's today
		}
		if d := OverviewDiff(got, WantOverview(from, to, in)); d != "" {
			c.diff("viewer %s/%s overview %+v: %s", v.OrgName, v.Role, f, d)
		}
	}
}

// testOverview checks the overview on a small cell by hand: what each org
// sees, the default window, explicit windows, names and mean Goldstein
// scores, and refused windows.
func testOverview(t *testing.T, s intelcell.Store) {
	ctx := context.Background()
	c := newCell(t, s, []string{"alpha", "beta"}, nil)
	an, beta := c.v("alpha/analyst"), c.v("beta/reader")
	grc := intelcell.Actor{ID: "Q41", Code: "GRC", Name: "Greece", Kind: "state", Country: ptr("GRC")}
	shared := report("shared", "Iran and Iraq agreed", relCell)
	shared.Date = "2020-03-01"
	private := report("private", "Greece accused Iran", relOrg)
	private.Date = "2020-03-02"
	old := report("old", "an old report", relCell)
	old.Date = "2019-01-01"
	must[[]bool](t)(s.CreateReports(ctx, an, []*intelcell.Report{shared, private, old}))
	ev := func(src, tgt *intelcell.Actor, cameo, date string, g float64) intelcell.Event {
		return intelcell.Event{Source: src, Target: tgt, Cameo: cameo, Plover: "X", Date: date, Goldstein: g}
	}
	docs := map[string]*intelcell.Document{
		shared.ID: fakeDoc(shared.Date, ev(&iran, &iraq, "0312", "2020-02-28", 4.5), ev(&iraq, &iran, "057", "2020-02-29", 8),
			ev(&iran, &iraq, "040", "2020-02-29", 1), ev(&iran, &iran, "010", "2020-02-29", 0), ev(nil, &iraq, "190", "2020-02-29", -10)),
		private.ID: fakeDoc(private.Date, ev(&grc, &iran, "112", "2020-03-02", -2), ev(&grc, &iran, "112", "2020-03-01", -2)),
		old.ID:     fakeDoc(old.Date, ev(&grc, &iraq, "040", "2019-01-01", 1)),
	}
	// The actors' roles are report-specific and are not shown.
	docs[shared.ID].Events[0].Source = &intelcell.Actor{ID: iran.ID, Code: iran.Code, Name: iran.Name, Kind: iran.Kind, Country: iran.Country, Role: "x"}
	runJobs(t, s, func(j *intelcell.Job) *intelcell.Document { return docs[j.ReportID] })
	input := func(rs ...*intelcell.Report) []OverviewInput {
		var out []OverviewInput
		for _, r := range rs {
			out = append(out, OverviewInput{Date: r.Date, Events: docs[r.ID].Events})
		}
		return out
	}

	o := must[*intelcell.Overview](t)(s.Overview(ctx, an, intelcell.OverviewFilter{}))
	if o.From != "2019-12-04" || o.To != "2020-03-02" {
		t.Errorf("alpha's default window %s..%s, want the 90 days up to its newest event, 2019-12-04..2020-03-02", o.From, o.To)
	}
	if d := OverviewDiff(o, WantOverview("2019-12-04", "2020-03-02", input(shared, private, old))); d != "" {
		t.Errorf("alpha: %s", d)
	}
	if o.Reports != 2 || o.Events != 7 || o.Actors != 3 || len(o.TopActors) != 3 || o.TopActors[0].Actor.ID != iran.ID || o.TopActors[0].Count != 6 ||
		o.TopActors[0].Goldstein != 1.58 || o.TopActors[0].Actor.Name != "Iran" || o.TopActors[0].Actor.Role != "" {
		t.Errorf("alpha overview %+v", o)
	}
	// Two dyads of two events each: by source id, Greece (Q41) before Iran (Q794).
	if len(o.TopDyads) != 4 || o.TopDyads[0].Source.ID != grc.ID || o.TopDyads[0].Count != 2 || o.TopDyads[0].Goldstein != -2 ||
		o.TopDyads[1].Source.ID != iran.ID || o.TopDyads[1].Target.ID != iraq.ID || o.TopDyads[1].Count != 2 || o.TopDyads[1].Goldstein != 2.75 {
		t.Errorf("alpha dyads %+v", o.TopDyads)
	}
	// beta sees only the shared reports: nothing of alpha's private one, not
	// even in the default window's end.
	o = must[*intelcell.Overview](t)(s.Overview(ctx, beta, intelcell.OverviewFilter{}))
	if o.To != "2020-03-01" {
		t.Errorf("beta's default window ends %s, want 2020-03-01 (its newest visible report; its newest event is of 2020-02-29)", o.To)
	}
	if d := OverviewDiff(o, WantOverview(o.From, "2020-03-01", input(shared, old))); d != "" {
		t.Errorf("beta: %s", d)
	}
	for _, a := range o.TopActors {
		if a.Actor.ID == grc.ID {
			t.Errorf("beta sees alpha's private actor: %+v", o.TopActors)
		}
	}
	f := intelcell.OverviewFilter{From: "2019-01-01", To: "2020-03-01"}
	o = must[*intelcell.Overview](t)(s.Overview(ctx, beta, f))
	if d := OverviewDiff(o, WantOverview(f.From, f.To, input(shared, old))); d != "" || o.Reports != 2 || o.Events != 6 {
		t.Errorf("beta, explicit window: %s %+v", d, o)
	}
	o = must[*intelcell.Overview](t)(s.Overview(ctx, an, intelcell.OverviewFilter{To: "2020-03-01"}))
	if o.From != "2019-12-03" || o.Events != 6 || o.Reports != 1 {
		t.Errorf("alpha, window ending 2020-03-01: %+v", o)
	}
	// Nothing visible: an empty overview of the 90 days up to today.
	o = must[*intelcell.Overview](t)(s.Overview(ctx, intelcell.Viewer{}, intelcell.OverviewFilter{}))
	if o.Reports != 0 || o.Events != 0 || len(o.TopActors) != 0 || len(o.EventsPerDay) != 0 || o.From == "" || o.To == "" {
		t.Errorf("anonymous overview %+v", o)
	}
	for _, f := range []intelcell.OverviewFilter{{From: "2020-03-02", To: "2020-03-01"}, {To: "yesterday"}, {From: "2020-13-01", To: "2020-12-01"}, {From: "1990-01-01", To: "2020-01-01"}} {
		if _, err := s.Overview(ctx, an, f); code(err) != intelcell.EINVALID {
			t.Errorf("overview %+v: %v, want invalid", f, err)
		}
	}
}
