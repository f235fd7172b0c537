package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/extract"
	apihttp "github.com/intelcell/intelcell/http"
	"github.com/intelcell/intelcell/kb"
	"github.com/intelcell/intelcell/sqlite"
	"github.com/intelcell/intelcell/worker"
)

func init() {
	re := &command{name: "reprocess", usage: "[--run] [--kb-dir DIR] [--data DIR]",
		help: "Queue re-extraction of every report whose Document was made by another extractor or knowledge-base\n" +
			"version than this binary's. A running serve picks the jobs up; --run extracts them here and now."}
	re.run = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fs := newFlags(re, stderr)
		data := dataFlag(fs)
		runNow := fs.Bool("run", false, "extract the queued reports now instead of leaving them to serve")
		workers := fs.Int("workers", runtime.GOMAXPROCS(0), "parallel extractions with --run")
		kbDir := fs.String("kb-dir", "", "a directory of knowledge-base files that add to or override the built-in ones")
		pos, err := parseInterleaved(fs, args)
		if err != nil {
			return err
		}
		if len(pos) > 0 {
			return wrapUsage("reprocess takes no arguments")
		}
		x, err := extract.Load(kb.Options{Overlay: *kbDir})
		if err != nil {
			return err
		}
		db, err := openStore(ctx, *data)
		if err != nil {
			return err
		}
		defer db.Close()
		n, err := db.ReprocessReports(ctx, extract.Version, x.KB().Version())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "queued %d reports for re-extraction (extractor %s, kb %s)\n", n, extract.Version, x.KB().Version())
		if err := auditCLI(ctx, db, intelcell.AuditChange, "reprocess", "", fmt.Sprintf("%d reports; extractor %s kb %s", n, extract.Version, x.KB().Version())); err != nil {
			return err
		}
		if !*runNow || n == 0 {
			return nil
		}
		start := time.Now()
		bar := newProgress(stderr, int64(n), "extracting")
		pool := &worker.Pool{Jobs: db, Extractor: x, Workers: *workers, Logger: debugLogger(stderr), Observe: func(time.Duration, error) { bar.Add(1) }}
		done, err := pool.Drain(ctx)
		bar.Finish()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "extracted %d reports in %v\n", done, time.Since(start).Round(time.Millisecond))
		return nil
	}
	register(re)

	ex := &command{name: "export", usage: "[--format csv|jsonl] [--org NAME] [--actor A --country C --cameo X --plover P --from D --to D --q WORDS] [--out FILE] [--data DIR]",
		help: "Stream the events an org may see as CSV (the GDELT 2.0 columns of GET /api/v1/events?format=csv) or\n" +
			"JSON Lines (format=jsonl), filtered like the API. Without --org the cell must have exactly one org."}
	ex.run = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fs := newFlags(ex, stderr)
		data := dataFlag(fs)
		format := fs.String("format", "csv", "csv or jsonl")
		org := fs.String("org", "", "export what this org may see (the access rule applies as for its tokens)")
		out := fs.String("out", "-", "output file (- for standard output)")
		var f intelcell.EventFilter
		fs.StringVar(&f.Actor, "actor", "", "actor id or code, as source or target")
		fs.StringVar(&f.Country, "country", "", "ISO alpha-3 country of source or target")
		fs.StringVar(&f.Cameo, "cameo", "", "CAMEO code or root")
		fs.StringVar(&f.Plover, "plover", "", "PLOVER type")
		fs.StringVar(&f.From, "from", "", "first date, YYYY-MM-DD")
		fs.StringVar(&f.To, "to", "", "last date, YYYY-MM-DD")
		fs.StringVar(&f.Words, "q", "", "words of the reports")
		pos, err := parseInterleaved(fs, args)
		if err != nil {
			return err
		}
		if len(pos) > 0 {
			return wrapUsage("export takes no arguments")
		}
		if *format != "csv" && *format != "jsonl" {
			return wrapUsage("--format must be csv or jsonl")
		}
		db, err := openStore(ctx, *data)
		if err != nil {
			return err
		}
		defer db.Close()
		if *org == "" {
			orgs, err := db.FindOrgs(ctx)
			if err != nil {
				return err
			}
			if len(orgs) != 1 {
				return wrapUsage("--org is required when the cell has %d orgs", len(orgs))
			}
			*org = orgs[0].Name
		}
		v, err := db.OrgViewer(ctx, *org, intelcell.RoleReader)
		if err != nil {
			return err
		}
		w := stdout
		var file *os.File
		if *out != "-" {
			if file, err = os.Create(*out); err != nil {
				return err
			}
			defer file.Close()
			w = file
		}
		bw := bufio.NewWriterSize(w, 256<<10)
		n, err := apihttp.ExportEvents(ctx, bw, db, v, f, *format)
		if e := bw.Flush(); err == nil {
			err = e
		}
		if file != nil {
			if e := file.Close(); err == nil {
				err = e
			}
		}
		if err != nil {
			return err
		}
		if *out != "-" {
			fmt.Fprintf(stderr, "exported %d events to %s\n", n, *out)
		}
		return auditCLI(ctx, db, intelcell.AuditExport, "events", *org, fmt.Sprintf("format %s; %d events; filter %+v", *format, n, f))
	}
	register(ex)

	bk := &command{name: "backup", usage: "--data DIR OUT",
		help: "Write a consistent copy of the embedded database to the file OUT while the cell runs (SQLite VACUUM INTO:\n" +
			"one read transaction, so serve goes on writing). Restore by putting OUT in a data directory as " + sqlite.FileName + "."}
	bk.run = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fs := newFlags(bk, stderr)
		data := dataFlag(fs)
		pos, err := parseInterleaved(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return wrapUsage("give the output file OUT")
		}
		if _, err := os.Stat(pos[0]); err == nil {
			return fmt.Errorf("%s exists; give a new file", pos[0])
		}
		db, err := openStore(ctx, *data)
		if err != nil {
			return err
		}
		defer db.Close()
		b, ok := db.(interface {
			Backup(ctx context.Context, path string) error
		})
		if !ok {
			return fmt.Errorf("backup works on the embedded database; use pg_dump for PostgreSQL")
		}
		start := time.Now()
		if err := b.Backup(ctx, pos[0]); err != nil {
			return err
		}
		// Check the copy opens and answers.
		cp, err := sqlite.OpenFile(ctx, pos[0])
		if err != nil {
			return fmt.Errorf("backup written but does not open: %w", err)
		}
		ver, err := cp.SchemaVersion(ctx)
		cp.Close()
		if err != nil {
			return fmt.Errorf("backup written but does not answer: %w", err)
		}
		st, err := os.Stat(pos[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backup %s: %.1f MB, schema version %d, in %v\n", pos[0], float64(st.Size())/1e6, ver, time.Since(start).Round(time.Millisecond))
		return auditCLI(ctx, db, intelcell.AuditRead, "backup", pos[0], "")
	}
	register(bk)
}
