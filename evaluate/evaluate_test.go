package evaluate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/intelcell/intelcell/extract"
	"github.com/intelcell/intelcell/kb"
)

// sharedDir is the outside gold data beside the checkout; the tests skip
// cleanly without it.
func sharedDir(t *testing.T) string {
	dir := filepath.Join("..", "..", "shared")
	if v := os.Getenv("INTELCELL_SHARED"); v != "" {
		dir = v
	}
	if _, err := os.Stat(filepath.Join(dir, "eval", "seed.gold.json")); err != nil {
		t.Skipf("no shared evaluation data at %s (set INTELCELL_SHARED)", dir)
	}
	return dir
}

func load(t *testing.T) *extract.Extractor {
	x, err := extract.Load(kb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// The floors below are regression guards, set under the figures measured when
// they were last raised; the figures themselves are logged on every run.

func TestSeedScore(t *testing.T) {
	dir := sharedDir(t)
	g, text, err := LoadGold(filepath.Join(dir, "eval", "seed.gold.json"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := load(t).Extract(extract.Input{Text: text, Date: g.Date})
	if err != nil {
		t.Fatal(err)
	}
	s, err := ScoreSeed(g, text, d)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(s.String())
	for _, m := range s.Misses {
		t.Log("  " + m)
	}
	if s.MustNot > 0 {
		t.Errorf("%d must-not events", s.MustNot)
	}
	if s.Total < 0.80 {
		t.Errorf("seed total %.2f fell below 0.80", s.Total)
	}
}

func TestPloverSentences(t *testing.T) {
	dir := sharedDir(t)
	p, err := Plover(load(t), filepath.Join(dir, "eval", "plover-gsr-dev.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Log(p.String())
	if p.TypeRecall < 0.75 || p.FalsePerSentence > 0.2 {
		t.Errorf("PLOVER regression: %s", p)
	}
}

func TestGeoparsing(t *testing.T) {
	dir := sharedDir(t)
	x := load(t)
	for _, set := range [][3]string{{"TR-News", "TR-News.xml", "toponym"}, {"GeoVirus", "GeoVirus.xml", "location"}} {
		g, err := Geo(x, set[0], filepath.Join(dir, "eval", "geo", set[1]), set[2])
		if err != nil {
			t.Fatal(err)
		}
		t.Log(g.String())
		if g.Acc161 < 0.7 || g.Recognised < 0.7 {
			t.Errorf("geoparsing regression: %s", g)
		}
	}
}

func TestCorpusNeverFails(t *testing.T) {
	dir := sharedDir(t)
	x := load(t)
	files, _ := filepath.Glob(filepath.Join(dir, "corpus", "*.jsonl"))
	n := 0
	for _, f := range files {
		docs, err := Corpus(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range docs {
			if _, err := x.Extract(in); err != nil {
				t.Errorf("%s: %v", f, err)
			}
			n++
		}
	}
	t.Logf("%d corpus articles extracted", n)
}
