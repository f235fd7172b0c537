package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/extract"
	"github.com/intelcell/intelcell/ingest"
	"github.com/intelcell/intelcell/kb"
	"github.com/intelcell/intelcell/worker"
)

// ingestExts are the files a directory walk takes.
var ingestExts = map[string]bool{".txt": true, ".text": true, ".html": true, ".htm": true, ".jsonl": true, ".ndjson": true}

func init() {
	c := &command{name: "ingest", usage: "--org NAME [--audience A] [--tlp T] [--groups G,H] [--attribution] [--date D] [--data DIR | --db URL] FILE|DIR|-",
		help: "Store reports from a text or HTML file, a JSON Lines file ({\"id\",\"date\",\"title\",\"text\",\"url\"} per line),\n" +
			"a directory of them, or standard input, then extract them. Prints a summary; exits non-zero if anything failed."}
	c.run = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fset := newFlags(c, stderr)
		data := dataFlag(fset)
		org := fset.String("org", "", "the submitting org")
		audience := fset.String("audience", "", "release audience: org, groups, cell or public (default: the org's default release)")
		tlp := fset.String("tlp", "", "TLP 2.0 label: clear, green, amber, amber+strict or red (default: the one matching the audience)")
		groups := fset.String("groups", "", "comma-separated sharing groups (with --audience groups)")
		attribution := fset.Bool("attribution", false, "let others see which org sent the reports")
		date := fset.String("date", "", "date of reports that have none, YYYY-MM-DD (default today)")
		noExtract := fset.Bool("no-extract", false, "only store and queue; leave extraction to a running server")
		workers := fset.Int("workers", runtime.GOMAXPROCS(0), "parallel extractions")
		kbDir := fset.String("kb-dir", "", "a directory of knowledge-base files that add to or override the built-in ones")
		pos, err := parseInterleaved(fset, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return wrapUsage("give one FILE, DIR or -")
		}
		if *org == "" {
			return wrapUsage("--org is required")
		}
		if *date == "" {
			*date = time.Now().UTC().Format("2006-01-02")
		}
		rel := intelcell.Release{Audience: intelcell.Audience(*audience), TLP: intelcell.TLP(*tlp), Attribution: *attribution}
		if rel.TLP == "" {
			rel.TLP = map[intelcell.Audience]intelcell.TLP{"org": "amber+strict", "groups": "amber", "cell": "green", "public": "clear"}[rel.Audience]
		}
		for _, g := range strings.Split(*groups, ",") {
			if g = strings.TrimSpace(g); g != "" {
				rel.Groups = append(rel.Groups, g)
			}
		}
		if *audience == "" && (*tlp != "" || *groups != "" || *attribution) {
			return wrapUsage("--audience is required with --tlp, --groups or --attribution")
		}
		if *audience == "" {
			rel = intelcell.Release{} // the store applies the org's default release
		} else if err := rel.Validate(); err != nil {
			return wrapUsage("%s", intelcell.ErrorMessage(err))
		}
		db, err := openStore(ctx, *data)
		if err != nil {
			return err
		}
		defer db.Close()
		v, err := db.OrgViewer(ctx, *org, intelcell.RoleAnalyst)
		if err != nil {
			return err
		}
		var x *extract.Extractor
		if !*noExtract {
			if x, err = extract.Load(kb.Options{Overlay: *kbDir}); err != nil {
				return err
			}
		}
		start := time.Now()
		bar := newProgress(stderr, -1, "storing") // progress.go: only on a terminal
		var st ingestStats
		batch := make([]*intelcell.Report, 0, 500)
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			created, err := db.CreateReports(ctx, v, batch)
			if err != nil {
				// One bad report must not sink the batch: retry one by one.
				for _, r := range batch {
					ok, err := db.CreateReport(ctx, v, r)
					st.count(ok, err, stderr, r.URL)
				}
			} else {
				for _, ok := range created {
					st.count(ok, nil, stderr, "")
				}
			}
			bar.Add(len(batch))
			batch = batch[:0]
			return ctx.Err()
		}
		add := func(name string, r *intelcell.Report, err error) error {
			if err != nil {
				st.failed++
				fmt.Fprintf(stderr, "%s: %v\n", name, err)
				return nil
			}
			if r.Date == "" {
				r.Date = *date
			}
			if r.Source == "" {
				r.Source = name
			}
			r.Release = rel
			batch = append(batch, r)
			if len(batch) == cap(batch) {
				return flush()
			}
			return nil
		}
		if err := walkInputs(pos[0], stdin, add); err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
		stored := time.Since(start)
		bar.Finish()
		extracted := 0
		var extractFailed atomic.Int64
		if x != nil {
			bar = newProgress(stderr, int64(st.created), "extracting")
			pool := &worker.Pool{Jobs: db, Extractor: x, Workers: *workers, Logger: debugLogger(stderr), Observe: func(_ time.Duration, err error) {
				bar.Add(1)
				if err != nil {
					extractFailed.Add(1)
				}
			}}
			extracted, err = pool.Drain(ctx)
			bar.Finish()
			if err != nil {
				return err
			}
		}
		el := time.Since(start)
		st.extractFailed = int(extractFailed.Load())
		fmt.Fprintf(stdout, "ingested %d reports (%d new, %d duplicates), %d failed; stored in %v, extracted %d (%d errors) in %v total: %.0f reports/s\n",
			st.created+st.dups, st.created, st.dups, st.failed, stored.Round(time.Millisecond), extracted, st.extractFailed,
			el.Round(time.Millisecond), float64(st.created+st.dups)/el.Seconds())
		if st.failed > 0 || st.extractFailed > 0 {
			return errFailed
		}
		return nil
	}
	register(c)
}

type ingestStats struct{ created, dups, failed, extractFailed int }

func (s *ingestStats) count(created bool, err error, stderr io.Writer, name string) {
	switch {
	case err != nil:
		s.failed++
		fmt.Fprintf(stderr, "%s: %s\n", name, intelcell.ErrorMessage(err))
	case created:
		s.created++
	default:
		s.dups++
	}
}

// walkInputs reads FILE, every ingestible file under DIR, or stdin ("-"),
// and calls add for each report or bad input.
func walkInputs(arg string, stdin io.Reader, add func(name string, r *intelcell.Report, err error) error) error {
	if arg == "-" {
		data, err := io.ReadAll(io.LimitReader(stdin, 1<<30))
		if err != nil {
			return err
		}
		return readInput("-", data, add)
	}
	st, err := os.Stat(arg)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		data, err := os.ReadFile(arg)
		if err != nil {
			return err
		}
		return readInput(arg, data, add)
	}
	return filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && path != arg {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !ingestExts[strings.ToLower(filepath.Ext(path))] {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return add(path, nil, err)
		}
		return readInput(path, data, add)
	})
}

func readInput(name string, data []byte, add func(string, *intelcell.Report, error) error) error {
	ext := strings.ToLower(filepath.Ext(name))
	trimmed := strings.TrimSpace(string(data[:min(len(data), 1)]))
	if ext == ".jsonl" || ext == ".ndjson" || (name == "-" && trimmed == "{") {
		return ingest.ReadJSONL(strings.NewReader(string(data)), func(n int, r *intelcell.Report, err error) error {
			return add(fmt.Sprintf("%s:%d", name, n), r, err)
		})
	}
	r, err := ingest.Document(data)
	return add(name, r, err)
}

// debugLogger logs at debug level to stderr when INTELCELL_DEBUG is set.
func debugLogger(stderr io.Writer) *slog.Logger {
	if os.Getenv("INTELCELL_DEBUG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
