package fuse

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
)

func ptr[T any](v T) *T { return &v }

var (
	isis   = &intelcell.Actor{ID: "Q2429253", Code: "IMGMUSISI", Name: "Islamic State", Kind: intelcell.KindGroup}
	iraq   = &intelcell.Actor{ID: "Q796", Code: "IRQ", Name: "Iraq", Kind: intelcell.KindState, Country: ptr("IRQ")}
	iraqM  = &intelcell.Actor{ID: "Q796:MIL", Code: "IRQMIL", Name: "Iraq", Kind: intelcell.KindState, Country: ptr("IRQ")}
	syriaM = &intelcell.Actor{ID: "Q858:MIL", Code: "SYRMIL", Name: "Syria", Kind: intelcell.KindState, Country: ptr("SYR")}
	mosul  = &intelcell.Place{Name: "Mosul", Lat: 36.335, Lon: 43.1189, Country: ptr("IRQ"), Kind: "city"}
	tikrit = &intelcell.Place{Name: "Tikrit", Lat: 34.6, Lon: 43.68, Country: ptr("IRQ"), Kind: "city"}
)

func attack(key, org, date string, src, tgt *intelcell.Actor, place *intelcell.Place, killed *int) Item {
	return Item{Key: key, Report: strings.Split(key, "/")[0], Org: org, ReportDate: date,
		Event: intelcell.Event{Source: src, Target: tgt, Cameo: "190", Plover: "ASSAULT", QuadClass: 4,
			Date: date, Place: place, Killed: killed}}
}

func clusterOf(ms []Merged) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for _, it := range m.Items {
			out[it.Key] = m.ID
		}
	}
	return out
}

func TestCompare(t *testing.T) {
	base := attack("a/0", "", "2017-03-05", isis, iraqM, mosul, ptr(4))
	for _, c := range []struct {
		name     string
		b        Item
		conflict string
		min      float64
	}{
		{"same", attack("b/0", "", "2017-03-05", isis, iraqM, mosul, ptr(4)), "", 0.95},
		{"country vs its military, target missing", attack("b/0", "", "2017-03-05", isis, nil, mosul, ptr(5)), "", 0.75},
		{"IRQ for IRQMIL", attack("b/0", "", "2017-03-05", isis, iraq, mosul, nil), "", 0.8},
		{"other country", attack("b/0", "", "2017-03-05", isis, syriaM, mosul, nil), "target", 0},
		{"state for group", attack("b/0", "", "2017-03-05", iraqM, iraqM, mosul, nil), "source", 0},
		{"far away", attack("b/0", "", "2017-03-05", isis, iraqM, tikrit, nil), "place", 0},
		{"tenfold toll", attack("b/0", "", "2017-03-05", isis, iraqM, mosul, ptr(40)), "killed", 0},
		{"two days later", attack("b/0", "", "2017-03-07", isis, iraqM, mosul, nil), "date", 0},
	} {
		got := Compare(&base, &c.b, Options{})
		if got.Conflict != c.conflict || got.Score < c.min {
			t.Errorf("%s: %+v, want conflict %q score ≥ %.2f", c.name, got, c.conflict, c.min)
		}
	}
	// an explicit date one day before a report-dated event of the next day
	// may be the same event; two explicit dates a day apart are not.
	a := attack("a/0", "", "2017-03-06", isis, iraqM, mosul, nil)
	a.Event.Date = "2017-03-05"
	b := attack("b/0", "", "2017-03-06", isis, iraqM, mosul, nil)
	if c := Compare(&a, &b, Options{}); c.Conflict != "" {
		t.Errorf("explicit vs report date: %+v", c)
	}
	b.Event.Date = "2017-03-04"
	if c := Compare(&a, &b, Options{}); c.Conflict != "date" {
		t.Errorf("two explicit dates: %+v", c)
	}
}

// A~B and B~C but A and C conflict (4 killed against 40): the three must
// not end in one merged event.
func TestMergeNotTransitive(t *testing.T) {
	items := []Item{
		attack("a/0", "", "2017-03-05", isis, iraqM, mosul, ptr(4)),
		attack("b/0", "", "2017-03-05", isis, iraqM, mosul, nil),
		attack("c/0", "", "2017-03-05", isis, iraqM, mosul, ptr(40)),
	}
	if c := Compare(&items[0], &items[1], Options{}); c.Conflict != "" {
		t.Fatalf("a~b: %+v", c)
	}
	if c := Compare(&items[1], &items[2], Options{}); c.Conflict != "" {
		t.Fatalf("b~c: %+v", c)
	}
	cl := clusterOf(Merge(items, nil, Options{}))
	if cl["a/0"] == cl["c/0"] {
		t.Errorf("a and c merged through b: %v", cl)
	}
	if cl["a/0"] != cl["b/0"] && cl["b/0"] != cl["c/0"] {
		t.Errorf("b merged with neither: %v", cl)
	}
}

func TestMergeSourcesAndFigures(t *testing.T) {
	items := []Item{
		attack("wire/0", "wire", "2017-03-05", isis, iraqM, mosul, ptr(4)),
		attack("reprint/0", "daily", "2017-03-05", isis, iraqM, mosul, ptr(4)),
		attack("wire2/0", "wire", "2017-03-06", isis, iraqM, mosul, ptr(5)),
		attack("ngo/0", "ngo", "2017-03-06", isis, nil, mosul, ptr(6)),
		attack("anon/0", "", "2017-03-06", isis, iraq, mosul, nil),
	}
	items[1].CopyGroup, items[0].CopyGroup = "wire", "wire"
	ms := Merge(items, nil, Options{})
	if len(ms) != 1 {
		t.Fatalf("%d merged events, want 1", len(ms))
	}
	m := ms[0]
	// wire+reprint (copy) and wire2 (same org) count once; ngo; anon alone
	if m.Sources != 3 {
		t.Errorf("sources %d, want 3", m.Sources)
	}
	if m.Killed == nil || m.Killed.String() != "4–6" || len(m.Killed.Values) != 3 {
		t.Errorf("killed %+v, want 4–6 from three values", m.Killed)
	}
	if m.FirstSeen != "2017-03-05" || m.LastSeen != "2017-03-06" {
		t.Errorf("seen %s..%s", m.FirstSeen, m.LastSeen)
	}
	if m.ID != MergedID("reprint/0") { // earliest by date, then key
		t.Errorf("id %s, want that of reprint/0", m.ID)
	}
	if len(m.Conflicts) == 0 || m.Conflicts[0].Field != "target" {
		t.Errorf("conflicts %+v, want the target kept", m.Conflicts)
	}
	if m.Confidence <= 0.5 || m.Confidence > 1 {
		t.Errorf("confidence %.3f", m.Confidence)
	}
	// a later report joining keeps the id
	more := append(items, attack("late/0", "x", "2017-03-06", isis, iraqM, mosul, ptr(5)))
	if ms2 := Merge(more, nil, Options{}); len(ms2) != 1 || ms2[0].ID != m.ID {
		t.Errorf("id changed when a later report joined")
	}
}

func TestDecisions(t *testing.T) {
	items := []Item{
		attack("a/0", "", "2017-03-05", isis, iraqM, mosul, ptr(4)),
		attack("b/0", "", "2017-03-05", isis, iraqM, mosul, ptr(4)),
		attack("c/0", "", "2017-03-05", isis, iraqM, tikrit, nil),
	}
	t0 := time.Date(2017, 3, 6, 0, 0, 0, 0, time.UTC)
	cl := clusterOf(Merge(items, nil, Options{}))
	if cl["a/0"] != cl["b/0"] || cl["a/0"] == cl["c/0"] {
		t.Fatalf("without decisions: %v", cl)
	}
	split := Decision{Kind: Split, A: "a/0", B: "b/0", By: "analyst1", At: t0}
	join := Decision{Kind: Join, A: "c/0", B: "a/0", By: "analyst2", At: t0.Add(time.Hour)}
	cl = clusterOf(Merge(items, []Decision{join, split}, Options{}))
	if cl["a/0"] == cl["b/0"] || cl["a/0"] != cl["c/0"] {
		t.Errorf("with split a|b and join a+c: %v", cl)
	}
	// the later decision on a pair wins
	rejoin := Decision{Kind: Join, A: "b/0", B: "a/0", By: "analyst3", At: t0.Add(2 * time.Hour)}
	cl = clusterOf(Merge(items, []Decision{rejoin, split}, Options{}))
	if cl["a/0"] != cl["b/0"] {
		t.Errorf("later join did not override the split: %v", cl)
	}
	// decisions about items not given (invisible to the viewer) change nothing
	ghost := Decision{Kind: Join, A: "a/0", B: "hidden/0", At: t0}
	if len(Merge(items, []Decision{ghost}, Options{})) != len(Merge(items, nil, Options{})) {
		t.Error("a decision about an absent item changed the result")
	}
}

// An event with neither an identified actor nor a place ("officials said",
// "militants attacked", of no known country) cannot be told from any other
// such event of its type and days: it stays alone, while the same events
// with a place, or with a sector of a known country, merge; an analyst may
// still join them.
func TestMergeAnonymousStaysAlone(t *testing.T) {
	officials := &intelcell.Actor{ID: "GOV", Code: "GOV", Name: "officials", Kind: intelcell.KindSector}
	iraqis := &intelcell.Actor{ID: "Q796:GOV", Code: "IRQGOV", Name: "Iraqi officials", Kind: intelcell.KindSector, Country: ptr("IRQ")}
	statement := func(key string, src *intelcell.Actor, place *intelcell.Place) Item {
		return Item{Key: key, Report: strings.Split(key, "/")[0], ReportDate: "2017-03-05",
			Event: intelcell.Event{Source: src, Cameo: "010", Plover: "", QuadClass: 1, Date: "2017-03-05", Place: place}}
	}
	for _, c := range []struct {
		name   string
		a, b   Item
		merged bool
	}{
		{"anonymous", statement("a/0", officials, nil), statement("b/0", officials, nil), false},
		{"one anonymous", statement("a/0", officials, nil), statement("b/0", officials, mosul), false},
		{"with a place", statement("a/0", officials, mosul), statement("b/0", officials, mosul), true},
		{"of a country", statement("a/0", iraqis, nil), statement("b/0", iraqis, nil), true},
		{"no actor, no place", statement("a/0", nil, nil), statement("b/0", nil, nil), false},
	} {
		cl := clusterOf(Merge([]Item{c.a, c.b}, nil, Options{}))
		if got := cl["a/0"] == cl["b/0"]; got != c.merged {
			t.Errorf("%s: merged %v, want %v", c.name, got, c.merged)
		}
	}
	join := Decision{Kind: Join, A: "a/0", B: "b/0", At: time.Date(2017, 3, 6, 0, 0, 0, 0, time.UTC)}
	if cl := clusterOf(Merge([]Item{statement("a/0", officials, nil), statement("b/0", officials, nil)}, []Decision{join}, Options{})); cl["a/0"] != cl["b/0"] {
		t.Errorf("an analyst's join of two anonymous events was ignored: %v", cl)
	}
}

// Per viewer: Merge over the visible subset is what the viewer gets; no
// merged event of a subset may mention an item outside it, and counting
// must use only the subset.
func TestMergeSubsetOnlyUsesVisible(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	items := synthItems(r, 300)
	for range 20 {
		var sub []Item
		visible := map[string]bool{}
		for _, it := range items {
			if r.IntN(2) == 0 {
				sub = append(sub, it)
				visible[it.Key] = true
			}
		}
		for _, m := range Merge(sub, nil, Options{}) {
			orgs := map[string]bool{}
			for _, it := range m.Items {
				if !visible[it.Key] {
					t.Fatalf("merged event %s holds invisible item %s", m.ID, it.Key)
				}
				orgs[it.Org] = true
			}
			if m.Sources > len(m.Reports) || m.Sources < 1 || m.Sources > len(orgs) {
				t.Fatalf("sources %d for %d reports of %d orgs", m.Sources, len(m.Reports), len(orgs))
			}
		}
	}
}

func TestIndexNear(t *testing.T) {
	x := NewIndex()
	a := "Islamic State militants killed four Iraqi soldiers in an attack on an army checkpoint near Mosul on Sunday, Iraqi officials said. The attackers used a car bomb."
	x.Add("a", Sign(a))
	x.Add("b", Sign("The central bank raised interest rates by a quarter point on Wednesday, citing inflation."))
	x.Add("empty", Sign("  ,,, "))
	near := x.Near(Sign("By staff\n"+strings.Replace(a, "four", "4", 1)), 0.4)
	if len(near) != 1 || near[0].ID != "a" {
		t.Errorf("near = %v", near)
	}
	x.Remove("a")
	if near := x.Near(Sign(a), 0.1); len(near) != 0 || x.Len() != 2 {
		t.Errorf("after remove: %v, len %d", near, x.Len())
	}
	if s := Sign(a); s.Similarity(s) != 1 || Sign("").Similarity(Sign("")) != 0 {
		t.Error("similarity of self")
	}
}

func FuzzSign(f *testing.F) {
	f.Add("Islamic State militants killed four soldiers near Mosul.")
	f.Add("")
	f.Add("\xff\xfe a’b 'c' Ünïcödé 123")
	f.Fuzz(func(t *testing.T, s string) {
		a := Sign(s)
		if a != Sign(s) {
			t.Fatal("not deterministic")
		}
		sim := a.Similarity(a)
		if len(Words(s)) > 0 && sim != 1 || len(Words(s)) == 0 && sim != 0 {
			t.Fatalf("self-similarity %v for %q", sim, s)
		}
		b, _ := a.MarshalBinary()
		var c Signature
		if err := c.UnmarshalBinary(b); err != nil || c != a {
			t.Fatal("binary round trip")
		}
	})
}

func FuzzUnmarshalSignature(f *testing.F) {
	good, _ := Sign("a b c d e").MarshalBinary()
	f.Add(good)
	f.Add([]byte("MH"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Signature
		if err := s.UnmarshalBinary(b); err == nil {
			out, _ := s.MarshalBinary()
			if string(out) != string(b) {
				t.Fatal("accepted input does not round-trip")
			}
		} else if s != (Signature{}) {
			t.Fatal("failed decode changed the signature")
		}
	})
}

// synthItems makes about n events: happenings among 150 actors in 80
// towns over 28 days, each told by one to six reports with the usual noise
// (a missing target, a figure off by one, an implicit date a day late),
// two events per report.
func synthItems(r *rand.Rand, n int) []Item {
	var actors []*intelcell.Actor
	for c := range 30 {
		cc := fmt.Sprintf("C%02d", c)
		actors = append(actors, &intelcell.Actor{ID: "Q" + cc, Code: cc, Kind: intelcell.KindState, Country: ptr(cc)})
		for _, ag := range []string{"MIL", "GOV", "COP", "REB"} {
			actors = append(actors, &intelcell.Actor{ID: "Q" + cc + ":" + ag, Code: cc + ag, Kind: intelcell.KindState, Country: ptr(cc)})
		}
	}
	var places []*intelcell.Place
	for i := range 80 {
		places = append(places, &intelcell.Place{Name: fmt.Sprint("town", i), Lat: float64(i%9) * 2, Lon: float64(i/9) * 2,
			Country: actors[(i%30)*5].Country, Kind: "city"})
	}
	codes := []string{"190", "1823", "195", "040", "010", "073", "112"}
	var items []Item
	rep := 0
	for len(items) < n {
		day := 1 + r.IntN(28)
		code := codes[r.IntN(len(codes))]
		e := intelcell.Event{Source: actors[r.IntN(len(actors))], Target: actors[r.IntN(len(actors))], Cameo: code,
			QuadClass: quadOf(code), Place: places[r.IntN(len(places))]}
		if e.QuadClass == 4 {
			e.Killed = ptr(1 + r.IntN(10))
		}
		for range 1 + r.IntN(6) {
			ev := e
			rd := day + r.IntN(2)
			ev.Date = time.Date(2017, 3, day, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
			if r.IntN(4) == 0 {
				ev.Target = nil
			}
			if ev.Killed != nil && r.IntN(3) == 0 {
				ev.Killed = ptr(*ev.Killed + 1)
			}
			id := fmt.Sprintf("r%05d", rep)
			rep++
			for k := range 2 {
				it := Item{Key: fmt.Sprintf("%s/%d", id, k), Report: id, Org: fmt.Sprintf("org%d", r.IntN(12)),
					ReportDate: time.Date(2017, 3, rd, 0, 0, 0, 0, time.UTC).Format("2006-01-02"), Event: ev}
				if k == 1 { // the second event: a statement by the source
					it.Event = intelcell.Event{Source: ev.Source, Cameo: "010", QuadClass: 1, Date: it.ReportDate}
				}
				items = append(items, it)
			}
		}
	}
	return items
}

func quadOf(code string) int {
	switch code[:2] {
	case "01", "04":
		return 1
	case "07":
		return 2
	case "11":
		return 3
	}
	return 4
}

func BenchmarkSign(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	words := strings.Fields("the army said militants attacked a checkpoint near the city on sunday killing four soldiers and wounding several civilians officials reported minister talks government forces")
	var texts []string
	for range 64 {
		var sb strings.Builder
		for range 600 { // about a 3.5 KB article
			sb.WriteString(words[r.IntN(len(words))])
			sb.WriteByte(' ')
		}
		texts = append(texts, sb.String())
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = Sign(texts[i%len(texts)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}

func BenchmarkMerge(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 9))
	items := synthItems(r, 20000) // 10,000 reports, 2 events each, over 28 days
	reports := map[string]bool{}
	for _, it := range items {
		reports[it.Report] = true
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Merge(items, nil, Options{})
	}
	b.ReportMetric(float64(b.N*len(reports))/b.Elapsed().Seconds(), "reports/s")
}
