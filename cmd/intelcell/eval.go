package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/intelcell/intelcell/evaluate"
	"github.com/intelcell/intelcell/extract"
	"github.com/intelcell/intelcell/kb"
)

func init() {
	c := &command{name: "eval", usage: "[--shared DIR] [--only seed|plover|geo] [-v]",
		help: "Measure extraction accuracy on the gold data in DIR (default ../shared): the seed article,\n" +
			"the PLOVER sentences and the geoparsing sets. Prints the same figures as the Python scorers."}
	c.run = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fs := newFlags(c, stderr)
		shared := fs.String("shared", "../shared", "the shared data directory")
		only := fs.String("only", "", "run one evaluation: seed, plover or geo")
		verbose := fs.Bool("v", false, "print every miss")
		kbDir := fs.String("kb-dir", "", "knowledge-base overlay directory")
		if _, err := parseInterleaved(fs, args); err != nil {
			return err
		}
		x, err := extract.Load(kb.Options{Overlay: *kbDir})
		if err != nil {
			return err
		}
		want := func(s string) bool { return *only == "" || *only == s }
		if want("seed") {
			g, text, err := evaluate.LoadGold(filepath.Join(*shared, "eval", "seed.gold.json"))
			if err != nil {
				return err
			}
			d, err := x.Extract(extract.Input{Text: text, Date: g.Date})
			if err != nil {
				return err
			}
			s, err := evaluate.ScoreSeed(g, text, d)
			if err != nil {
				return err
			}
			if *verbose {
				for _, m := range s.Misses {
					fmt.Fprintln(stdout, "  "+m)
				}
			}
			fmt.Fprintln(stdout, "seed "+s.String())
		}
		if want("plover") {
			p, err := evaluate.Plover(x, filepath.Join(*shared, "eval", "plover-gsr-dev.json"))
			if err != nil {
				return err
			}
			if *verbose {
				for _, m := range p.Misses {
					fmt.Fprintln(stdout, "  missed "+m)
				}
			}
			types := make([]string, 0, len(p.PerType))
			for t := range p.PerType {
				types = append(types, t)
			}
			sort.Strings(types)
			var parts []string
			for _, t := range types {
				parts = append(parts, fmt.Sprintf("%s %d/%d", t, p.PerType[t][0], p.PerType[t][1]))
			}
			fmt.Fprintln(stdout, p.String())
			fmt.Fprintln(stdout, "  by type: "+strings.Join(parts, ", "))
		}
		if want("geo") {
			for _, set := range [][3]string{{"TR-News", "TR-News.xml", "toponym"}, {"GeoVirus", "GeoVirus.xml", "location"}} {
				g, err := evaluate.Geo(x, set[0], filepath.Join(*shared, "eval", "geo", set[1]), set[2])
				if err != nil {
					return err
				}
				fmt.Fprintln(stdout, g.String())
			}
		}
		return nil
	}
	register(c)

	b := &command{name: "bench", usage: "[--shared DIR] [--repeat N] [--workers N] [--cpuprofile FILE]",
		help: "Measure extraction speed on the corpus in DIR/corpus/*.jsonl: knowledge-base load time,\n" +
			"articles/s, MB/s and peak memory, with extractions in parallel as in batch mode."}
	b.run = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fs := newFlags(b, stderr)
		shared := fs.String("shared", "../shared", "the shared data directory")
		repeat := fs.Int("repeat", 3, "passes over the corpus")
		workers := fs.Int("workers", runtime.GOMAXPROCS(0), "parallel extractions")
		cpuprof := fs.String("cpuprofile", "", "write a CPU profile to this file")
		if _, err := parseInterleaved(fs, args); err != nil {
			return err
		}
		start := time.Now()
		x, err := extract.Load(kb.Options{})
		if err != nil {
			return err
		}
		load := time.Since(start)
		files, _ := filepath.Glob(filepath.Join(*shared, "corpus", "*.jsonl"))
		if len(files) == 0 {
			return fmt.Errorf("no corpus in %s/corpus", *shared)
		}
		var docs []extract.Input
		bytes := 0
		for _, f := range files {
			in, err := evaluate.Corpus(f)
			if err != nil {
				return err
			}
			docs = append(docs, in...)
		}
		for _, d := range docs {
			bytes += len(d.FullText())
		}
		if *cpuprof != "" {
			f, err := os.Create(*cpuprof)
			if err != nil {
				return err
			}
			defer f.Close()
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
		var events atomic.Int64
		t0 := time.Now()
		for r := 0; r < *repeat; r++ {
			next := atomic.Int64{}
			var wg sync.WaitGroup
			for w := 0; w < *workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := int(next.Add(1)) - 1
						if i >= len(docs) {
							return
						}
						d, err := x.Extract(docs[i])
						if err == nil {
							events.Add(int64(len(d.Events)))
						}
					}
				}()
			}
			wg.Wait()
		}
		el := time.Since(t0)
		n := len(docs) * *repeat
		fmt.Fprintf(stdout, "knowledge base + gazetteer load: %v\n", load.Round(time.Millisecond))
		fmt.Fprintf(stdout, "extracted %d articles (%d passes over %d, %.1f MB) in %v with %d workers\n",
			n, *repeat, len(docs), float64(bytes)/1e6, el.Round(time.Millisecond), *workers)
		fmt.Fprintf(stdout, "throughput: %.0f articles/s, %.2f MB/s, %.1f events/article\n",
			float64(n)/el.Seconds(), float64(bytes**repeat)/1e6/el.Seconds(), float64(events.Load())/float64(n))
		fmt.Fprintf(stdout, "peak RSS: %s\n", peakRSS())
		return nil
	}
	register(b)
}

// peakRSS reads the process's peak resident set size (Linux).
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "unknown"
}
