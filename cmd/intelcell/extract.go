package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/cameo"
	"github.com/intelcell/intelcell/extract"
	"github.com/intelcell/intelcell/kb"
)

// maxInputBytes bounds what extract reads from one file or stdin.
const maxInputBytes = 64 << 20

func init() {
	c := &command{name: "extract", usage: "[--json | --jsonl] [--date YYYY-MM-DD] [--title T] [--kb-dir DIR] FILE|-",
		help: "Extract events, actors, quotes and places from a report (a file, or - for standard input).\n" +
			"With --jsonl, read one JSON report per line ({\"id\",\"date\",\"title\",\"text\"}) and write one Document per line."}
	c.run = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fs := newFlags(c, stderr)
		asJSON := fs.Bool("json", false, "print the Document as JSON (the extraction contract)")
		asJSONL := fs.Bool("jsonl", false, "batch mode: JSON Lines in, JSON Lines out, in input order")
		date := fs.String("date", "", "the document date, YYYY-MM-DD (default today)")
		title := fs.String("title", "", "the report's title, analysed as its first line")
		kbDir := fs.String("kb-dir", "", "a directory of knowledge-base files that add to or override the built-in ones")
		workers := fs.Int("workers", runtime.GOMAXPROCS(0), "batch mode: extractions run in parallel")
		pos, err := parseInterleaved(fs, args)
		if err != nil {
			return err
		}
		if *date == "" {
			*date = time.Now().UTC().Format("2006-01-02")
		} else if _, err := time.Parse("2006-01-02", *date); err != nil {
			return wrapUsage("--date %q is not YYYY-MM-DD", *date)
		}
		var in io.Reader = stdin
		name := "-"
		switch {
		case len(pos) > 1:
			return wrapUsage("one input at a time")
		case len(pos) == 1 && pos[0] != "-":
			f, err := os.Open(pos[0])
			if err != nil {
				return err
			}
			defer f.Close()
			in, name = f, pos[0]
		case len(pos) == 0 && !*asJSONL && isTerminal(stdin):
			return wrapUsage("give a FILE, or - to read standard input")
		}
		x, err := extract.Load(kb.Options{Overlay: *kbDir})
		if err != nil {
			return err
		}
		if *asJSONL {
			return runBatch(ctx, x, in, stdout, stderr, *workers, *date)
		}
		data, err := io.ReadAll(io.LimitReader(in, maxInputBytes+1))
		if err != nil {
			return err
		}
		if len(data) > maxInputBytes {
			return fmt.Errorf("%s: input is larger than %d MB", name, maxInputBytes>>20)
		}
		if err := checkText(data); err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		d, err := x.Extract(extract.Input{Text: string(data), Title: *title, Date: *date})
		if err != nil {
			return err
		}
		if d.Truncated {
			fmt.Fprintf(stderr, "intelcell extract: %s: only the first %d MB were analysed\n", name, extract.MaxInput>>20)
		}
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", " ")
			return enc.Encode(d)
		}
		printHuman(stdout, d)
		return nil
	}
	register(c)
}

// checkText refuses input that is clearly not text: NUL bytes or mostly
// invalid UTF-8. Some invalid bytes in otherwise good text are tolerated.
func checkText(b []byte) error {
	probe := b
	if len(probe) > 1<<16 {
		probe = probe[:1<<16]
	}
	for _, c := range probe {
		if c == 0 {
			return fmt.Errorf("binary data (NUL bytes); give UTF-8 text")
		}
	}
	if !utf8.Valid(probe) {
		bad := 0
		for i := 0; i < len(probe); {
			r, n := utf8.DecodeRune(probe[i:])
			if r == utf8.RuneError && n == 1 {
				bad++
			}
			i += n
		}
		if bad*10 > len(probe) {
			return fmt.Errorf("not UTF-8 text (%d invalid bytes in the first %d)", bad, len(probe))
		}
	}
	return nil
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// batchLine is one input line of --jsonl.
type batchLine struct {
	ID    string `json:"id"`
	Date  string `json:"date"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

type batchResult struct {
	line []byte
	err  bool
}

// runBatch extracts JSON Lines in parallel and writes results in input order.
func runBatch(ctx context.Context, x *extract.Extractor, in io.Reader, stdout, stderr io.Writer, workers int, defDate string) error {
	if workers < 1 {
		workers = 1
	}
	type job struct {
		n    int
		line []byte
		out  chan batchResult
	}
	jobs := make(chan job, workers*4)
	order := make(chan chan batchResult, workers*16)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.out <- extractLine(x, j.n, j.line, defDate)
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(jobs)
		defer close(order)
		br := bufio.NewReaderSize(in, 1<<20)
		n := 0
		for {
			line, err := readLine(br, maxInputBytes)
			if len(strings.TrimSpace(string(line))) > 0 {
				n++
				ch := make(chan batchResult, 1)
				select {
				case order <- ch:
				case <-ctx.Done():
					readErr <- ctx.Err()
					return
				}
				jobs <- job{n: n, line: line, out: ch}
			}
			if err != nil {
				if err != io.EOF {
					readErr <- err
				}
				return
			}
		}
	}()
	w := bufio.NewWriterSize(stdout, 1<<16)
	failed := 0
	for ch := range order {
		r := <-ch
		if r.err {
			failed++
		}
		w.Write(r.line)
		w.WriteByte('\n')
	}
	wg.Wait()
	if err := w.Flush(); err != nil {
		return err
	}
	select {
	case err := <-readErr:
		return err
	default:
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "intelcell extract: %d line(s) failed\n", failed)
		return errFailed
	}
	return nil
}

// readLine reads one line of any length up to max bytes; a longer line is
// consumed and returned truncated so that its error can be reported.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var buf []byte
	for {
		chunk, isPrefix, err := br.ReadLine()
		if len(buf) < max {
			buf = append(buf, chunk...)
		}
		if err != nil {
			return buf, err
		}
		if !isPrefix {
			return buf, nil
		}
	}
}

func extractLine(x *extract.Extractor, n int, line []byte, defDate string) (res batchResult) {
	var in batchLine
	fail := func(id, msg string) batchResult {
		b, _ := json.Marshal(map[string]string{"id": id, "error": msg})
		return batchResult{line: b, err: true}
	}
	defer func() {
		if r := recover(); r != nil { // a bug must not take the whole batch down
			res = fail(in.ID, fmt.Sprintf("internal error on line %d: %v", n, r))
		}
	}()
	if len(line) >= maxInputBytes {
		return fail("", fmt.Sprintf("line %d is longer than %d MB", n, maxInputBytes>>20))
	}
	if err := json.Unmarshal(line, &in); err != nil {
		return fail("", fmt.Sprintf("line %d: not a JSON report: %v", n, err))
	}
	if in.Date == "" {
		in.Date = defDate
	}
	if len(in.Date) > 10 {
		in.Date = in.Date[:10] // accept timestamps
	}
	d, err := x.Extract(extract.Input{Text: in.Text, Title: in.Title, Date: in.Date})
	if err != nil {
		return fail(in.ID, intelcell.ErrorMessage(err))
	}
	d.ID = in.ID
	b, err := json.Marshal(d)
	if err != nil {
		return fail(in.ID, err.Error())
	}
	return batchResult{line: b}
}

// printHuman writes a Document for people at a terminal.
func printHuman(w io.Writer, d *intelcell.Document) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	name := func(a *intelcell.Actor) string {
		if a == nil {
			return "—"
		}
		return fmt.Sprintf("%s (%s)", a.Name, a.Code)
	}
	fmt.Fprintf(bw, "Events (%d)\n", len(d.Events))
	for _, e := range d.Events {
		verb := cameo.Name(e.Cameo)
		neg := ""
		if e.Negated {
			neg = "NOT "
		}
		fmt.Fprintf(bw, "  %s  %s —%s%s→ %s  (%s, %s)", e.Date, name(e.Source), neg, verb, name(e.Target), e.Cameo, orDash(e.Plover))
		if e.Killed != nil || e.Wounded != nil {
			fmt.Fprintf(bw, "  [killed %s, wounded %s]", intOrDash(e.Killed), intOrDash(e.Wounded))
		}
		if e.Place != nil {
			fmt.Fprintf(bw, "  %s", e.Place.Name)
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintf(bw, "\nQuotes (%d)\n", len(d.Quotes))
	for _, q := range d.Quotes {
		kind := "indirect"
		if q.Direct {
			kind = "direct"
		}
		text := q.Text
		if utf8.RuneCountInString(text) > 110 {
			text = string([]rune(text)[:107]) + "…"
		}
		fmt.Fprintf(bw, "  %s (%s): “%s”\n", name(q.Speaker), kind, text)
	}
	fmt.Fprintf(bw, "\nPlaces (%d)\n", len(d.Places))
	for _, p := range d.Places {
		c := ""
		if p.Country != nil {
			c = *p.Country
		}
		fmt.Fprintf(bw, "  %-24s %-28s %8.3f %9.3f  %s\n", p.Text, p.Name, p.Lat, p.Lon, c)
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func intOrDash(p *int) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprint(*p)
}
