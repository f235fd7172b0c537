package extract

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intelcell/intelcell/kb"
)

// BenchmarkLoad measures start-up: knowledge base and gazetteer.
func BenchmarkLoad(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Load(kb.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func corpus(b *testing.B) []Input {
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", "*.jsonl"))
	if len(files) == 0 {
		b.Skip("no corpus in ../shared/corpus")
	}
	var out []Input
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			var r struct{ Date, Title, Text string }
			if json.Unmarshal(sc.Bytes(), &r) == nil {
				if len(r.Date) > 10 {
					r.Date = r.Date[:10]
				}
				out = append(out, Input{Text: r.Text, Title: r.Title, Date: r.Date})
			}
		}
		fh.Close()
	}
	return out
}

// BenchmarkCorpus extracts the shared news corpus with one worker per CPU, as
// batch mode does, and reports articles/s and MB/s.
func BenchmarkCorpus(b *testing.B) {
	docs := corpus(b)
	x := extractor(b)
	size := 0
	for _, d := range docs {
		size += len(d.FullText())
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		var next atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < runtime.GOMAXPROCS(0); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					j := int(next.Add(1)) - 1
					if j >= len(docs) {
						return
					}
					if _, err := x.Extract(docs[j]); err != nil {
						b.Error(err)
					}
				}
			}()
		}
		wg.Wait()
	}
	b.ReportMetric(float64(len(docs)*b.N)/time.Since(start).Seconds(), "articles/s")
}

// FuzzQuotes checks the quote scanner's invariants on quote-heavy input:
// spans inside the text, and a direct quote's text found inside its span.
func FuzzQuotes(f *testing.F) {
	for _, s := range []string{
		"“I think”, Kerry replied.", "He said: «Non». “Open “nested” quote", "'single' and ‘curly’ and don't",
		"„German“ and “unbalanced“.", "\"a\" \"b\" \"", "“\n\n”", "‘’“”«»\"'",
	} {
		f.Add(s)
	}
	x := extractor(f)
	f.Fuzz(func(t *testing.T, s string) {
		d, err := x.Extract(Input{Text: s, Date: "2016-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range d.Quotes {
			if q.Span.Start < 0 || q.Span.End > len(s) || q.Span.Start > q.Span.End {
				t.Fatalf("quote span %+v outside %d bytes", q.Span, len(s))
			}
		}
	})
}
