package kb

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Problem is one defect found while loading a knowledge-base file.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// row is one data line of a TSV file, addressed by column name.
type row struct {
	file string
	line int
	cols map[string]int
	f    []string
}

func (r *row) get(name string) string {
	if i, ok := r.cols[name]; ok && i < len(r.f) {
		return strings.TrimSpace(r.f[i])
	}
	return ""
}

func (r *row) list(name string) []string {
	v := r.get(name)
	if v == "" {
		return nil
	}
	parts := strings.Split(v, ";")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (r *row) where() string { return fmt.Sprintf("%s:%d", r.file, r.line) }

// columns each section accepts.
var sections = map[string][]string{
	"countries": {"code", "iso2", "cameo", "name", "names", "demonyms", "capital", "metonyms", "lat", "lon", "qid"},
	"orgs":      {"id", "code", "kind", "country", "name", "aliases", "qid"},
	"people":    {"id", "name", "aliases", "country", "qid"},
	"roles":     {"person", "code", "title", "from", "to"},
	"agents":    {"words", "agent", "person"},
	"verbs":     {"code", "pattern"},
	"nouns":     {"code", "pattern"},
	"verbforms": {"lemma", "forms"},
	"regions":   {"name", "aliases", "country", "lat", "lon", "kind"},
}

// sectionOf returns the section a file name belongs to ("orgs_igos.tsv" → "orgs").
func sectionOf(name string) string {
	base := path.Base(name)
	if i := strings.IndexAny(base, "_."); i >= 0 {
		return base[:i]
	}
	return base
}

// readTSV parses one file into rows, reporting malformed lines.
func readTSV(name string, r io.Reader, allowed []string, probs *[]Problem) []*row {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	var cols map[string]int
	var rows []*row
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if cols == nil {
			cols = map[string]int{}
			for i, c := range f {
				c = strings.TrimSpace(c)
				ok := false
				for _, a := range allowed {
					ok = ok || a == c
				}
				if !ok {
					*probs = append(*probs, Problem{name, n, fmt.Sprintf("unknown column %q (this section has: %s)", c, strings.Join(allowed, ", "))})
				}
				cols[c] = i
			}
			continue
		}
		if len(f) != len(cols) {
			*probs = append(*probs, Problem{name, n, fmt.Sprintf("%d fields, the header has %d (fields are separated by one TAB)", len(f), len(cols))})
			if len(f) < len(cols) {
				f = append(f, make([]string, len(cols)-len(f))...)
			}
		}
		rows = append(rows, &row{file: name, line: n, cols: cols, f: f})
	}
	if err := sc.Err(); err != nil {
		*probs = append(*probs, Problem{name, n, "read error: " + err.Error()})
	}
	return rows
}

// readDir reads every .tsv file of fsys into rows per section, in file-name
// order so loading is deterministic.
func readDir(fsys fs.FS, label string, probs *[]Problem) (map[string][]*row, error) {
	out := map[string][]*row{}
	names, err := fs.Glob(fsys, "*.tsv")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		sec := sectionOf(name)
		allowed, ok := sections[sec]
		if !ok {
			*probs = append(*probs, Problem{path.Join(label, name), 0, fmt.Sprintf("unknown section %q (file names start with one of: countries, orgs, people, roles, agents, verbs, nouns, verbforms, regions)", sec)})
			continue
		}
		f, err := fsys.Open(name)
		if err != nil {
			return nil, err
		}
		out[sec] = append(out[sec], readTSV(path.Join(label, name), f, allowed, probs)...)
		f.Close()
	}
	return out, nil
}
