package fuse

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

type corpusArticle struct {
	ID    string `json:"id"`
	Date  string `json:"date"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// loadCorpus reads ../../shared/corpus/*.jsonl (beside the checkout); it
// returns nil when the corpus is absent.
func loadCorpus(t testing.TB) []corpusArticle {
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", "*.jsonl"))
	var out []corpusArticle
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			var a corpusArticle
			if json.Unmarshal(sc.Bytes(), &a) == nil && a.ID != "" {
				out = append(out, a)
			}
		}
		fh.Close()
	}
	return out
}

var bylines = []string{
	"By Maria Ortega, staff correspondent",
	"From our wire services",
	"(Reporting by agency staff; editing by the night desk)",
	"By A. Nwosu | Updated 14:05",
}

var swaps = []string{"reportedly", "on Tuesday", "officials", "the government", "however", "also", "local", "several"}

// reprint makes a lightly edited copy of an article the way outlets reprint
// wire copy: a byline added, a few words changed or dropped, the last
// paragraph (here: the last sixth of the sentences) cut. Which edits apply
// depends on r.
func reprint(r *rand.Rand, a corpusArticle) string {
	text := a.Title + "\n" + a.Text
	words := strings.Fields(text)
	n := 2 + r.IntN(5) // change a few words
	for i := 0; i < n && len(words) > 10; i++ {
		k := r.IntN(len(words))
		switch r.IntN(3) {
		case 0:
			words[k] = swaps[r.IntN(len(swaps))]
		case 1:
			words = append(words[:k], words[k+1:]...)
		default:
			words = append(words[:k], append([]string{swaps[r.IntN(len(swaps))]}, words[k:]...)...)
		}
	}
	text = strings.Join(words, " ")
	if r.IntN(3) > 0 { // cut the last paragraph
		sents := strings.SplitAfter(text, ". ")
		if len(sents) > 6 {
			text = strings.Join(sents[:len(sents)-len(sents)/6], "")
		}
	}
	if r.IntN(2) == 0 {
		text = bylines[r.IntN(len(bylines))] + "\n" + text
	} else {
		text = text + "\n" + bylines[r.IntN(len(bylines))]
	}
	return text
}

// TestDuplicateDetection measures copy detection on the shared corpus with
// synthetic reprints: 200 sampled articles get one to three edited reprints
// each, and every corpus article is a distractor. Pairs in one copy group
// are compared with the truth (an article and its reprints).
func TestDuplicateDetection(t *testing.T) {
	arts := loadCorpus(t)
	if len(arts) == 0 {
		t.Skip("no ../shared/corpus")
	}
	r := rand.New(rand.NewPCG(7, 11))
	var docs []Doc
	truth := map[string]string{} // doc id → original article id
	for _, a := range arts {
		docs = append(docs, Doc{ID: a.ID, Date: a.Date, Sig: Sign(a.Title + "\n" + a.Text)})
		truth[a.ID] = a.ID
	}
	// Articles that are themselves near-identical in the corpus (the ISOT
	// set repeats some stories) share a truth class.
	x := NewIndex()
	for _, d := range docs {
		if near := x.Near(d.Sig, 0.9); len(near) > 0 {
			truth[d.ID] = truth[near[0].ID]
		}
		x.Add(d.ID, d.Sig)
	}
	perm := r.Perm(len(arts))
	sample := perm[:min(200, len(arts))]
	copies := 0
	for _, i := range sample {
		a := arts[i]
		for k := range 1 + r.IntN(3) {
			id := fmt.Sprintf("%s-reprint%d", a.ID, k)
			docs = append(docs, Doc{ID: id, Date: a.Date, Sig: Sign(reprint(r, a))})
			truth[id] = truth[a.ID]
			copies++
		}
	}
	group := GroupCopies(docs, 0)
	tp, fp, fn := 0, 0, 0
	ids := make([]string, 0, len(docs))
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	sort.Strings(ids)
	byTruth, byGroup := map[string][]string{}, map[string][]string{}
	for _, id := range ids {
		byTruth[truth[id]] = append(byTruth[truth[id]], id)
		byGroup[group[id]] = append(byGroup[group[id]], id)
	}
	for _, g := range byGroup {
		for i := range g {
			for j := i + 1; j < len(g); j++ {
				if truth[g[i]] == truth[g[j]] {
					tp++
				} else {
					fp++
					if fp <= 5 {
						t.Logf("false copy: %s ~ %s", g[i], g[j])
					}
				}
			}
		}
	}
	for _, g := range byTruth {
		for i := range g {
			for j := i + 1; j < len(g); j++ {
				if group[g[i]] != group[g[j]] {
					fn++
				}
			}
		}
	}
	p := float64(tp) / float64(max(1, tp+fp))
	rc := float64(tp) / float64(max(1, tp+fn))
	t.Logf("duplicate detection: %d articles + %d reprints; pairs tp %d fp %d fn %d; precision %.3f recall %.3f",
		len(arts), copies, tp, fp, fn, p, rc)
	if p < 0.95 || rc < 0.9 {
		t.Errorf("duplicate detection precision %.3f recall %.3f, want ≥ 0.95 and ≥ 0.9", p, rc)
	}
}

// TestSimilarityDistribution logs how similar distinct corpus articles are,
// which sets CopyThreshold.
func TestSimilarityDistribution(t *testing.T) {
	arts := loadCorpus(t)
	if len(arts) == 0 {
		t.Skip("no ../shared/corpus")
	}
	r := rand.New(rand.NewPCG(3, 5))
	var sigs []Signature
	for _, a := range arts {
		sigs = append(sigs, Sign(a.Title+"\n"+a.Text))
	}
	hist := make([]int, 11)
	for range 20000 {
		i, j := r.IntN(len(sigs)), r.IntN(len(sigs))
		if i != j {
			hist[int(sigs[i].Similarity(sigs[j])*10)]++
		}
	}
	var reprints []float64
	for range 300 {
		a := arts[r.IntN(len(arts))]
		reprints = append(reprints, Sign(a.Title+"\n"+a.Text).Similarity(Sign(reprint(r, a))))
	}
	sort.Float64s(reprints)
	t.Logf("random pairs by tenth of similarity: %v", hist)
	t.Logf("reprint similarity: min %.2f p5 %.2f median %.2f", reprints[0], reprints[len(reprints)/20], reprints[len(reprints)/2])
}
