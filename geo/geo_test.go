package geo

import (
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

var testGaz = sync.OnceValues(func() (*Gazetteer, error) {
	g, err := Load()
	if err != nil {
		return nil, err
	}
	f, err := os.Open("../kb/data/regions.tsv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return g, g.AddRegions(f)
})

func gaz(t testing.TB) *Gazetteer {
	t.Helper()
	g, err := testGaz()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestLoad(t *testing.T) {
	g := gaz(t)
	if g.Len() < 100_000 {
		t.Errorf("Len = %d, want ≥ 100000", g.Len())
	}
	if w := g.MaxWords(); w < 3 || w > 12 {
		t.Errorf("MaxWords = %d", w)
	}
	admin := 0
	for _, p := range g.places[:g.builtin] {
		if p.Kind == Admin1 {
			admin++
		}
		if len(p.Country) != 3 || p.Name == "" {
			t.Fatalf("bad place %+v", p)
		}
	}
	if admin < 3000 {
		t.Errorf("%d admin1 regions, want ≥ 3000", admin)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Al-Raqqa":             "al raqqa",
		"al Raqqa":             "al raqqa",
		"  AL–RAQQA ":          "al raqqa",
		"Ma'arrat al-Nu'man":   "maarrat al numan",
		"Ma‘arrat an Nu‘mān":   "maarrat an numan",
		"São Paulo":            "sao paulo",
		"Zürich":               "zurich",
		"Łódź":                 "lodz",
		"İstanbul":             "istanbul",
		"St. Petersburg":       "st petersburg",
		"Washington, D.C.":     "washington dc",
		"Deir ez-Zor":          "deir ez zor",
		"Kyiv\u00a0Oblast":     "kyiv oblast",
		"Ærø":                  "aero",
		"Straße":               "strasse",
		"Sana\u2019a":          "sanaa",
		"":                     "",
		" - ":                  "",
		"already normalized 1": "already normalized 1",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Al-Raqqa", "São Paulo", "İstanbul", "ǅemal", "北京", "a  b", "\xff", "Ma‘arrat", "ﬁre", "Ⅻ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, n)
		}
		if n2 := Normalize(n); n2 != n {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, n, n2)
		}
		if strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.Contains(n, "  ") {
			t.Fatalf("Normalize(%q) = %q: bad spaces", s, n)
		}
		for _, r := range n {
			if r != ' ' && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
				t.Fatalf("Normalize(%q) = %q: keeps %q", s, n, r)
			}
		}
		if Normalize(strings.ToUpper(s)) != Normalize(strings.ToLower(s)) && isASCII(s) {
			t.Fatalf("case matters for %q", s)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func resolve(t *testing.T, name string, ctx Context) Place {
	t.Helper()
	p, conf, ok := gaz(t).Resolve(name, ctx)
	if !ok {
		t.Fatalf("Resolve(%q) found nothing", name)
	}
	if conf <= 0 || conf > 1 {
		t.Errorf("Resolve(%q) confidence %v", name, conf)
	}
	t.Logf("%s -> %s (%s, %s, %s, pop %d) conf %.2f", name, p.Name, p.Admin1, p.Country, p.Kind, p.Population, conf)
	return p
}

func TestResolve(t *testing.T) {
	for _, c := range []struct {
		name, country string
		kind          Kind
	}{
		{"Ramadi", "IRQ", City},
		{"Aleppo", "SYR", City},
		{"Tripoli", "LBY", City},
		{"Paris", "FRA", City},
		{"Mosul", "IRQ", City},
		{"al-Raqqa", "SYR", City},
		{"Raqqa", "SYR", City},
		{"Kiev", "UKR", City},
		{"Kyiv", "UKR", City},
		{"Idlib province", "SYR", Admin1},
		{"Anbar", "IRQ", Admin1},
		{"Texas", "USA", Admin1},
		{"Donbass", "UKR", Area},
		{"Strait of Hormuz", "", Area},
		{"Middle East", "", Region},
		{"Gaza Strip", "PSE", Admin1},
		{"Crimea", "UKR", Admin1},
		{"Kurdistan", "IRQ", Area},
		{"Odessa", "UKR", City},
		{"Deir al-Zour", "SYR", City},
		{"Maarrat al-Numan", "SYR", City},
		{"Benghazi", "LBY", City},
		{"Fallujah", "IRQ", City},
	} {
		p := resolve(t, c.name, Context{})
		if p.Country != c.country || p.Kind != c.kind {
			t.Errorf("Resolve(%q) = %+v, want %s %s", c.name, p, c.country, c.kind)
		}
	}
}

func TestResolveContext(t *testing.T) {
	g := gaz(t)
	// Paris, Texas
	texas := resolve(t, "Texas", Context{})
	p := resolve(t, "Paris", Context{Countries: map[string]float64{"USA": 3}, Near: []Place{texas}})
	if p.Country != "USA" || p.Admin1 != "Texas" {
		t.Errorf("Paris in Texas context = %+v", p)
	}
	// only near context: Dallas
	dallas := resolve(t, "Dallas", Context{})
	p = resolve(t, "Paris", Context{Near: []Place{dallas}})
	if p.Country != "USA" || p.Admin1 != "Texas" {
		t.Errorf("Paris near Dallas = %+v", p)
	}
	// Tripoli, Lebanon
	p = resolve(t, "Tripoli", Context{Countries: map[string]float64{"LBN": 1, "SYR": 0.5}})
	if p.Country != "LBN" {
		t.Errorf("Tripoli in Lebanon context = %+v", p)
	}
	// a weak foreign context does not move Aleppo
	p = resolve(t, "Aleppo", Context{Countries: map[string]float64{"USA": 1}})
	if p.Country != "SYR" {
		t.Errorf("Aleppo = %+v", p)
	}
	// confidence drops when candidates compete
	_, c1, _ := g.Resolve("Ramadi", Context{})
	_, c2, _ := g.Resolve("Springfield", Context{})
	if c2 >= c1 {
		t.Errorf("Springfield confidence %.2f ≥ Ramadi %.2f", c2, c1)
	}
}

func TestUnknown(t *testing.T) {
	g := gaz(t)
	for _, s := range []string{"Souffiyahxq", "Qaryat Zzwwq", "", "   "} {
		if _, _, ok := g.Resolve(s, Context{}); ok {
			t.Errorf("Resolve(%q) found a place", s)
		}
		if g.Candidates(s) != nil || g.Has(Normalize(s)) {
			t.Errorf("Candidates/Has(%q) not empty", s)
		}
	}
}

func TestCandidates(t *testing.T) {
	g := gaz(t)
	cs := g.Candidates("paris")
	if len(cs) < 5 {
		t.Fatalf("Candidates(paris) = %d places", len(cs))
	}
	if cs[0].Country != "FRA" {
		t.Errorf("first Paris = %+v", cs[0])
	}
	for i := 1; i < len(cs); i++ {
		if cs[i].Population > cs[i-1].Population {
			t.Errorf("Candidates not most populous first at %d", i)
		}
	}
	if !g.Has("ramadi") || !g.Has("strait of hormuz") || !g.Has("bab al mandab") {
		t.Error("Has misses a known name")
	}
	// Crimea was merged into the GeoNames region, not listed twice.
	if n := len(g.Candidates("Crimea")); n != 1 {
		t.Errorf("Crimea: %d candidates", n)
	}
}

func TestCommonWords(t *testing.T) {
	for _, w := range []string{"of", "mobile", "much", "split", "nice", "reading", "bath", "orange", "victoria"} {
		if !IsCommonWord(w) {
			t.Errorf("IsCommonWord(%q) = false", w)
		}
	}
	for _, w := range []string{"paris", "ramadi", "london", "aleppo", "texas", "baghdad"} {
		if IsCommonWord(w) {
			t.Errorf("IsCommonWord(%q) = true", w)
		}
	}
}

func TestAddRegionsErrors(t *testing.T) {
	g := &Gazetteer{}
	for _, in := range []string{
		"name\tbogus\nX\ty\n",
		"name\tlat\nX\tnorth\n",
		"name\tkind\nX\tcity\n",
		"name\tlat\n\t1\n",
	} {
		if err := g.AddRegions(strings.NewReader(in)); err == nil {
			t.Errorf("AddRegions(%q) accepted", in)
		}
	}
	if err := g.AddRegions(strings.NewReader("# c\n\nname\taliases\tcountry\tlat\tlon\tkind\nFoo Sea\tFoo; Bar Sea\t\t1\t2\tarea\n")); err != nil {
		t.Fatal(err)
	}
	if p, _, ok := g.Resolve("bar sea", Context{}); !ok || p.Name != "Foo Sea" || p.Kind != Area || p.Lon != 2 {
		t.Errorf("added region = %+v %v", p, ok)
	}
}

func TestConcurrent(t *testing.T) {
	g := gaz(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				g.Resolve("Tripoli", Context{Countries: map[string]float64{"LBN": 1}})
				g.Candidates("Paris")
				IsCommonWord("nice")
			}
		}()
	}
	wg.Wait()
}

func BenchmarkLoad(b *testing.B) {
	var g *Gazetteer
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	for i := 0; i < b.N; i++ {
		var err error
		if g, err = Load(); err != nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(start) / time.Duration(b.N)
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	b.ReportMetric(float64(elapsed.Microseconds())/1000, "ms/load")
	b.ReportMetric(heap, "heapMB")
	b.ReportMetric(float64(g.Len()), "entries")
	b.Logf("Load: %v, live heap %.1f MB, %d entries, %d names", elapsed, heap, g.Len(), len(g.keyLines))
	runtime.KeepAlive(g)
}

func BenchmarkResolve(b *testing.B) {
	g := gaz(b)
	ctx := Context{Countries: map[string]float64{"SYR": 2}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.Resolve("Tripoli", ctx)
		g.Has("al raqqa")
	}
}
