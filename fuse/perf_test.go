package fuse

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
)

// synthWindow makes a realistic merged-events window of about n events,
// shaped like the one a viewer loads from a store of 100,000 generated
// reports: 31 days and a day's margin either side (33 days), about 4.6
// events per report, actors from 150 countries (state, military,
// government, police) and 40 named groups and organisations without a
// country, about 300 distinct dyads that most happenings involve, towns
// and country-level places, one to five reports per happening, wire copies
// (a copy group) among them, reports of five orgs of which some the viewer
// may not name, and filler events in every report (statements, other
// dyads) that meet the happenings in the same blocks.
func synthWindow(r *rand.Rand, n int) []Item {
	var actors []*intelcell.Actor
	var states []*intelcell.Actor
	for c := range 150 {
		cc := fmt.Sprintf("K%02d", c)
		st := &intelcell.Actor{ID: "Q" + cc, Code: cc, Name: "Country " + cc, Kind: intelcell.KindState, Country: ptr(cc)}
		actors = append(actors, st)
		states = append(states, st)
		for _, ag := range []string{"MIL", "GOV", "COP"} {
			actors = append(actors, &intelcell.Actor{ID: "Q" + cc + ":" + ag, Code: cc + ag, Name: "Country " + cc, Kind: intelcell.KindState, Country: ptr(cc)})
		}
	}
	for g := range 40 {
		kind := intelcell.KindGroup
		if g%3 == 0 {
			kind = intelcell.KindIGO
		}
		actors = append(actors, &intelcell.Actor{ID: fmt.Sprintf("QG%02d", g), Code: fmt.Sprintf("IGO%03d", g), Name: fmt.Sprint("Group ", g), Kind: kind})
	}
	var places []*intelcell.Place
	for i, st := range states {
		places = append(places, &intelcell.Place{Name: fmt.Sprint("Capital ", i), Lat: float64(i%15) * 3, Lon: float64(i/15) * 3,
			Country: st.Country, Kind: "city"})
		if i%3 == 0 {
			places = append(places, &intelcell.Place{Name: "Land " + *st.Country, Lat: float64(i%15)*3 + 1, Lon: float64(i/15)*3 + 1,
				Country: st.Country, Kind: "country"})
		}
	}
	type dyad struct{ src, tgt *intelcell.Actor }
	dyads := make([]dyad, 300)
	for i := range dyads {
		a, b := actors[r.IntN(len(actors))], actors[r.IntN(len(actors))]
		for b == a {
			b = actors[r.IntN(len(actors))]
		}
		dyads[i] = dyad{a, b}
	}
	codes := []string{"190", "193", "195", "1823", "040", "042", "036", "051", "057", "111", "112", "130", "163", "172", "071", "073", "010", "012"}
	orgs := []string{"gen-01", "gen-02", "gen-03", "", ""}
	start := time.Date(2015, 5, 1, 0, 0, 0, 0, time.UTC)
	day := func(d int) string { return start.AddDate(0, 0, d).Format("2006-01-02") }
	event := func(d dyad, code string, date int) intelcell.Event {
		e := intelcell.Event{Source: d.src, Target: d.tgt, Cameo: code, Plover: "P" + code[:2], QuadClass: quadOf(code),
			Goldstein: float64(len(code)), Date: day(date), Place: places[r.IntN(len(places))], Pattern: "p"}
		if e.QuadClass == 4 && r.IntN(2) == 0 {
			e.Killed = ptr(2 + r.IntN(40))
			e.Wounded = ptr(r.IntN(90))
		}
		return e
	}
	var items []Item
	rep := 0
	for len(items) < n {
		d := r.IntN(33)
		h := event(dyads[r.IntN(len(dyads))], codes[r.IntN(len(codes))], d)
		if r.IntN(10) == 0 { // a happening between two actors outside the usual dyads
			h.Source, h.Target = actors[r.IntN(len(actors))], actors[r.IntN(len(actors))]
		}
		group := ""
		for k := range 1 + r.IntN(5) {
			id := fmt.Sprintf("r%06d", rep)
			rep++
			rd := min(32, d+r.IntN(3))
			if k > 0 && r.IntN(3) == 0 { // a wire copy of the first telling
				if group == "" {
					group = fmt.Sprintf("r%06d", rep-1-k)
				}
			}
			cg := ""
			if group != "" && r.IntN(2) == 0 {
				cg = group
			}
			org := orgs[r.IntN(len(orgs))]
			ev := h
			if r.IntN(5) == 0 {
				ev.Target = nil
			}
			if ev.Killed != nil && r.IntN(3) == 0 {
				ev.Killed = ptr(*ev.Killed + r.IntN(3) - 1)
			}
			if r.IntN(4) == 0 { // dated by the report only
				ev.Date = day(rd)
			}
			if r.IntN(6) == 0 {
				ev.Cameo = ev.Cameo[:2] + "0"
			}
			evs := []intelcell.Event{ev}
			for range 2 + r.IntN(5) { // the other sentences of the report
				switch r.IntN(4) {
				case 0: // a bare statement by a dyad's actor
					s := event(dyads[r.IntN(len(dyads))], "010", rd)
					s.Target = nil
					evs = append(evs, s)
				default:
					evs = append(evs, event(dyads[r.IntN(len(dyads))], codes[r.IntN(len(codes))], max(0, rd-r.IntN(2))))
				}
			}
			for i, e := range evs {
				items = append(items, Item{Key: fmt.Sprintf("%s-%d", id, i), Report: id, Org: org, CopyGroup: cg, ReportDate: day(rd), Event: e})
			}
		}
	}
	return items
}

func synthDecisions(r *rand.Rand, items []Item, n int) []Decision {
	t0 := time.Date(2015, 6, 1, 0, 0, 0, 0, time.UTC)
	var ds []Decision
	for i := range n {
		a, b := items[r.IntN(len(items))], items[r.IntN(len(items))]
		if r.IntN(2) == 0 { // mostly about nearby items
			j := r.IntN(len(items)-20) + 20
			a, b = items[j], items[j-r.IntN(20)]
		}
		ds = append(ds, Decision{Kind: []string{Split, Join}[r.IntN(2)], A: a.Key, B: b.Key, By: "analyst", At: t0.Add(time.Duration(i) * time.Minute)})
	}
	return ds
}

// BenchmarkMergeWindow merges one cold merged-events window: about 6,000
// events of 1,300 reports over 33 days, as at 100,000 stored reports.
func BenchmarkMergeWindow(b *testing.B) {
	r := rand.New(rand.NewPCG(31, 33))
	items := synthWindow(r, 6000)
	ds := synthDecisions(r, items, 20)
	b.ReportAllocs()
	b.ResetTimer()
	var ms []Merged
	for i := 0; i < b.N; i++ {
		ms = Merge(items, ds, Options{})
	}
	b.ReportMetric(float64(len(items)), "items")
	b.ReportMetric(float64(len(ms)), "merged")
}

// mergeDigest is the SHA-256 of the JSON of a Merge result: every field of
// every merged event, in order.
func mergeDigest(t testing.TB, ms []Merged) string {
	b, err := json.Marshal(ms)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// TestMergeGolden pins the exact output of Merge (ids, members, medoids,
// figures, conflicts, cohesion, confidence) on synthetic windows with
// analysts' decisions, so that work on its speed cannot change a result.
// Changing how events are scored or clustered changes these digests on
// purpose: update them then.
func TestMergeGolden(t *testing.T) {
	for _, c := range []struct {
		seed    uint64
		n, ndec int
		window  bool
		want    string
	}{
		{1, 300, 10, true, "6a8bb6c868993375"},
		{2, 2000, 40, true, "2e8658ce8daa00f2"},
		{3, 6000, 20, true, "6fac978c7bf331cf"},
		{4, 3000, 30, false, "90aedbc65b186594"},
	} {
		r := rand.New(rand.NewPCG(c.seed, 77))
		var items []Item
		if c.window {
			items = synthWindow(r, c.n)
		} else {
			items = synthItems(r, c.n)
		}
		ds := synthDecisions(r, items, c.ndec)
		got := mergeDigest(t, Merge(items, ds, Options{}))
		// the order of the input must not matter
		r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
		r.Shuffle(len(ds), func(i, j int) { ds[i], ds[j] = ds[j], ds[i] })
		if again := mergeDigest(t, Merge(items, ds, Options{})); again != got {
			t.Errorf("seed %d: shuffled input gives %s, want %s", c.seed, again, got)
		}
		if got != c.want {
			t.Errorf("seed %d (%d items, %d decisions): digest %s, want %s", c.seed, len(items), len(ds), got, c.want)
		}
	}
}

// parseDay reads dates itself; it must decide exactly as time.Parse.
func TestParseDay(t *testing.T) {
	for d := time.Date(1899, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2102; d = d.AddDate(0, 0, 1) {
		s := d.Format("2006-01-02")
		if got, want := parseDay(s), parseDaySlow(s); got != want {
			t.Fatalf("parseDay(%q) = %d, want %d", s, got, want)
		}
	}
	for _, s := range []string{"", "2017-02-29", "2016-02-29", "2000-02-29", "1900-02-29", "2017-13-01", "2017-00-10", "2017-01-00",
		"2017-01-32", "2017-04-31", "2017-1-01", "2017-01-1", "20170101", "2017/01/01", "+017-01-01", "2017-01-01 ", "0000-01-01",
		"9999-12-31", "2017-0a-01", "２０１７-01-01", "-017-01-01"} {
		if got, want := parseDay(s), parseDaySlow(s); got != want {
			t.Errorf("parseDay(%q) = %d, want %d", s, got, want)
		}
	}
}

// score, which Merge uses, must agree with compare to the last bit.
func TestScoreIsCompare(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	items := append(synthWindow(r, 1500), synthItems(r, 1500)...)
	for _, opt := range []Options{{}, {Threshold: 0.5, DateWindow: 2, ExplicitDateWindow: 1, MaxKm: 10}} {
		opt = opt.withDefaults()
		nm := names{}
		fs := make([]facts, len(items))
		for i := range items {
			fs[i].init(&items[i], nm)
		}
		for range 200000 {
			a, b := &fs[r.IntN(len(fs))], &fs[r.IntN(len(fs))]
			c := compare(a, b, opt)
			s, ok := score(a, b, opt)
			if ok != (c.Conflict == "") || ok && s != c.Score {
				t.Fatalf("score %v %v, compare %+v", s, ok, c)
			}
		}
	}
}

// The candidates are exactly the pairs of one quad class, days within the
// window, sharing a blocking token or with an event without actors.
func TestCandidates(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	items := sortItems(append(synthWindow(r, 700), synthItems(r, 300)...))
	for i := range items {
		if r.IntN(20) == 0 {
			items[i].Event.Source, items[i].Event.Target = nil, nil
		}
	}
	opt := Options{DateWindow: 2}.withDefaults()
	nm := names{}
	fs := make([]facts, len(items))
	for i := range items {
		fs[i].init(&items[i], nm)
	}
	c := newCandidates(fs, nm, opt, nil, nil)
	got := map[[2]int]bool{}
	for i := range fs {
		c.each(i, func(j int32) {
			if got[[2]int{i, int(j)}] {
				t.Fatalf("pair %d %d twice", i, j)
			}
			got[[2]int{i, int(j)}] = true
		})
	}
	want := 0
	for i := range fs {
		for j := i + 1; j < len(fs); j++ {
			a, b := &fs[i], &fs[j]
			d := a.day - b.day
			cand := a.quad == b.quad && d >= -2 && d <= 2 && !a.anonymous && !b.anonymous &&
				(c.star[i] || c.star[j] || slices.ContainsFunc(c.toks[i], func(k int32) bool { return slices.Contains(c.toks[j], k) }))
			if cand {
				want++
			}
			if cand != got[[2]int{i, j}] {
				t.Fatalf("pair %d %d: candidate %v, enumerated %v", i, j, cand, got[[2]int{i, j}])
			}
		}
	}
	if want == 0 || len(got) != want {
		t.Fatalf("%d candidates enumerated, want %d", len(got), want)
	}
}

// groupCopiesIndex is GroupCopies as first written, over an Index.
func groupCopiesIndex(docs []Doc, threshold float64) map[string]string {
	if threshold <= 0 {
		threshold = CopyThreshold
	}
	order := slices.Clone(docs)
	slices.SortStableFunc(order, func(a, b Doc) int {
		if a.Date != b.Date {
			return strings.Compare(a.Date, b.Date)
		}
		return strings.Compare(a.ID, b.ID)
	})
	group := make(map[string]string, len(order))
	x := NewIndex()
	for _, d := range order {
		if _, dup := group[d.ID]; dup {
			continue
		}
		group[d.ID] = d.ID
		if near := x.Near(d.Sig, threshold); len(near) > 0 {
			group[d.ID] = group[near[0].ID]
		}
		x.Add(d.ID, d.Sig)
	}
	return group
}

// GroupCopies must group exactly as the Index does.
func TestGroupCopiesIsIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	words := strings.Fields("army convoy border village market bridge rocket police minister talks ceasefire aid refugees checkpoint mortar shelling patrol envoy summit council")
	text := func(n int) []string {
		var w []string
		for range n {
			w = append(w, words[r.IntN(len(words))])
		}
		return w
	}
	for round := range 20 {
		var docs []Doc
		var wires [][]string
		for range 10 {
			wires = append(wires, text(40))
		}
		for i := range 300 {
			var w []string
			switch r.IntN(4) {
			case 0:
				w = text(40)
			case 1:
				w = nil // no words: an empty signature
			default: // a copy of a wire story, edited
				w = slices.Clone(wires[r.IntN(len(wires))])
				for range r.IntN(12) {
					w[r.IntN(len(w))] = words[r.IntN(len(words))]
				}
			}
			id := fmt.Sprintf("r%03d", i)
			if r.IntN(20) == 0 && i > 0 {
				id = docs[r.IntN(len(docs))].ID // a repeated id
			}
			docs = append(docs, Doc{ID: id, Date: fmt.Sprintf("2020-01-%02d", 1+r.IntN(5)), Sig: Sign(strings.Join(w, " "))})
		}
		for _, thr := range []float64{0, 0.3, 0.6, 0.9} {
			got, want := GroupCopies(docs, thr), groupCopiesIndex(docs, thr)
			if !maps.Equal(got, want) {
				t.Fatalf("round %d threshold %v: groups differ", round, thr)
			}
		}
	}
}

// BenchmarkGroupCopies groups the 1,300 reports of a window, a third of
// them copies.
func BenchmarkGroupCopies(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 5))
	words := strings.Fields("the army said militants attacked a checkpoint near the city on sunday killing four soldiers and wounding several civilians officials reported minister talks government forces")
	var wires [][]string
	var docs []Doc
	for i := range 1300 {
		var w []string
		if r.IntN(3) == 0 && len(wires) > 0 {
			w = slices.Clone(wires[r.IntN(len(wires))])
			w[r.IntN(len(w))] = "x"
		} else {
			for range 80 {
				w = append(w, words[r.IntN(len(words))])
			}
			wires = append(wires, w)
		}
		docs = append(docs, Doc{ID: fmt.Sprintf("r%05d", i), Date: fmt.Sprintf("2020-01-%02d", 1+r.IntN(31)), Sig: Sign(strings.Join(w, " "))})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		GroupCopies(docs, 0)
	}
}
