package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/kb"
)

var (
	loadOnce sync.Once
	shared   *Extractor
	loadErr  error
)

// extractor loads the real knowledge base and gazetteer once per test binary.
func extractor(tb testing.TB) *Extractor {
	tb.Helper()
	loadOnce.Do(func() { shared, loadErr = Load(kb.Options{}) })
	if loadErr != nil {
		tb.Fatal(loadErr)
	}
	return shared
}

func run(tb testing.TB, text, date string) *intelcell.Document {
	tb.Helper()
	d, err := extractor(tb).Extract(Input{Text: text, Date: date})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// checkSpans asserts every span of a document lies inside the text and that
// mention and place texts equal the bytes they point at.
func checkSpans(tb testing.TB, text string, d *intelcell.Document) {
	tb.Helper()
	in := func(s, e int) bool { return 0 <= s && s <= e && e <= len(text) }
	for _, m := range d.Mentions {
		if !in(m.Start, m.End) || clean(text[m.Start:m.End]) != m.Text {
			tb.Fatalf("mention %+v does not match the text", m)
		}
	}
	for _, p := range d.Places {
		if !in(p.Start, p.End) || clean(text[p.Start:p.End]) != p.Text {
			tb.Fatalf("place %+v does not match the text", p)
		}
	}
	for _, e := range d.Events {
		if !in(e.Span.Start, e.Span.End) || !in(e.Trigger.Start, e.Trigger.End) {
			tb.Fatalf("event span %+v outside the text", e.Span)
		}
	}
	for _, q := range d.Quotes {
		if !in(q.Span.Start, q.Span.End) || !utf8.ValidString(q.Text) {
			tb.Fatalf("quote span %+v outside the text", q.Span)
		}
	}
}

func TestBadInputGivesPartialDocument(t *testing.T) {
	cases := map[string]string{
		"empty":             "",
		"invalid utf8":      "Iraq \xff\xfe attacked \xc3 Syria on Monday.",
		"nul bytes":         "Iraq\x00 attacked\x00 Syria.",
		"only quotes":       `"""" ““”” «» ''' ‘’`,
		"unbalanced":        `“He said Iraq will attack, Kerry replied. And “then`,
		"long line":         strings.Repeat("word ", 200000),
		"punctuation":       strings.Repeat(".,;:!?", 10000),
		"hyphens":           strings.Repeat("-", 5000) + "Iraq" + strings.Repeat("-x", 5000),
		"deep coordination": strings.Repeat("Iraq, Syria and ", 3000) + "Iran met.",
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			d := run(t, text, "2015-09-28")
			checkSpans(t, text, d)
		})
	}
}

func TestHugeInputIsCutAndSaysSo(t *testing.T) {
	text := strings.Repeat("Iraq condemned Iran on Monday. ", MaxInput/30+1000)
	d := run(t, text, "2015-09-28")
	if !d.Truncated || len(d.Events) == 0 {
		t.Errorf("a %d-byte input should be analysed up to %d bytes and marked truncated (truncated=%v, %d events)", len(text), MaxInput, d.Truncated, len(d.Events))
	}
	checkSpans(t, text, d)
}

func TestBadDate(t *testing.T) {
	if _, err := extractor(t).Extract(Input{Text: "x", Date: "28/09/2015"}); intelcell.ErrorCode(err) != intelcell.EINVALID {
		t.Fatalf("want EINVALID for a bad date, got %v", err)
	}
}

func TestTitleOffsets(t *testing.T) {
	in := Input{Title: "Iraq and Syria", Text: "Russia met Iran.", Date: "2015-09-28"}
	d, err := extractor(t).Extract(in)
	if err != nil {
		t.Fatal(err)
	}
	checkSpans(t, in.FullText(), d)
	found := false
	for _, m := range d.Mentions {
		found = found || m.Text == "Russia" && m.Start == len("Iraq and Syria\n")
	}
	if !found {
		t.Errorf("offsets should count into title + newline + text: %+v", d.Mentions)
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"Iraq has agreed to set up a cell with Russia, Syria and Iran, a spokesman said on Sunday.",
		"“I think so”, Kerry replied. «Non», dit-il. 'quoted' he said",
		"US officials insist they are not coordinating with Iran.",
		"An air strike by an Iraqi warplane killed four people and wounded seven others in northern Ramadi.",
		"\xff\xfe\x00", "", "Mr. U.S.-led Lt. Gen. “", "tens of thousands of refugees fled; dozens died",
	} {
		f.Add(s)
	}
	x := extractor(f)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := x.Extract(Input{Text: s, Date: "2015-09-28"})
		if err != nil {
			t.Fatal(err)
		}
		checkSpans(t, s, d)
	})
}

// TestDeterministicAndConcurrent extracts the same report from many
// goroutines at once and expects byte-identical Documents: no global state,
// no map-order dependence.
func TestDeterministicAndConcurrent(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "examples", "report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	x := extractor(t)
	want, _ := json.Marshal(run(t, string(raw), "2016-10-11"))
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				d, err := x.Extract(Input{Text: string(raw), Date: "2016-10-11"})
				if err != nil {
					errs <- err.Error()
					return
				}
				if got, _ := json.Marshal(d); string(got) != string(want) {
					errs <- "documents differ between runs"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}
