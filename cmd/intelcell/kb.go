package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/intelcell/intelcell/kb"
	"github.com/intelcell/intelcell/lex"
)

func init() {
	c := &command{name: "kb", usage: "check|stats|lookup NAME [--date YYYY-MM-DD] [--kb-dir DIR]",
		help: "Inspect the knowledge base: check validates every file (file:line for each problem),\n" +
			"stats counts entries per section, lookup shows what a name resolves to and why."}
	c.run = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fs := newFlags(c, stderr)
		kbDir := fs.String("kb-dir", "", "a directory of knowledge-base files that add to or override the built-in ones")
		date := fs.String("date", time.Now().UTC().Format("2006-01-02"), "lookup: the date roles are resolved for")
		pos, err := parseInterleaved(fs, args)
		if err != nil {
			return err
		}
		if len(pos) == 0 {
			return wrapUsage("say check, stats or lookup")
		}
		start := time.Now()
		k, err := kb.Load(kb.Options{Overlay: *kbDir})
		if err != nil {
			return err
		}
		loaded := time.Since(start)
		switch pos[0] {
		case "check":
			for _, p := range k.Problems {
				fmt.Fprintln(stdout, p)
			}
			if len(k.Problems) > 0 {
				fmt.Fprintf(stderr, "%d problem(s)\n", len(k.Problems))
				return errFailed
			}
			fmt.Fprintf(stdout, "ok: knowledge base %s has no problems (loaded in %v)\n", k.Version(), loaded.Round(time.Millisecond))
			return nil
		case "stats":
			st := k.Stats()
			keys := make([]string, 0, len(st))
			for key := range st {
				keys = append(keys, key)
			}
			sort.Strings(keys)
			for _, key := range keys {
				fmt.Fprintf(stdout, "%-24s %7d\n", key, st[key])
			}
			fmt.Fprintf(stdout, "%-24s %7s\n", "load time", loaded.Round(time.Millisecond))
			return nil
		case "lookup":
			if len(pos) < 2 {
				return wrapUsage("lookup needs a NAME")
			}
			return lookup(stdout, k, strings.Join(pos[1:], " "), *date)
		}
		return wrapUsage("unknown kb command %q", pos[0])
	}
	register(c)
}

func lookup(w io.Writer, k *kb.KB, name, date string) error {
	norm := strings.Fields(lex.NormalizePhrase(name))
	if len(norm) == 0 {
		return wrapUsage("empty name")
	}
	found := 0
	for _, r := range k.Resolve(name, date) {
		found++
		e := r.Entity
		fmt.Fprintf(w, "%s → %s  [%s, %s]  code %s", name, e.Name, e.Kind, r.How, r.Code)
		if e.Country != "" {
			fmt.Fprintf(w, "  country %s", e.Country)
		}
		if e.QID != "" {
			fmt.Fprintf(w, "  %s", e.QID)
		}
		fmt.Fprintln(w)
		if r.Role.Title != "" {
			fmt.Fprintf(w, "    on %s: %s (%s, %s to %s)\n", date, r.Role.Title, r.Role.Code, r.Role.From, orDash(r.Role.To))
		}
		for _, ro := range e.Roles {
			fmt.Fprintf(w, "    role: %-28s %-10s %s to %s\n", ro.Title, ro.Code, ro.From, orDash(ro.To))
		}
	}
	for _, a := range k.AgentsFor(norm[0]) {
		if strings.Join(a.Toks, " ") == strings.Join(norm, " ") {
			found++
			fmt.Fprintf(w, "%s → agent word, code %s (person title: %v)\n", name, a.Code, a.Person)
		}
	}
	if found == 0 {
		fmt.Fprintf(w, "%s: not in the knowledge base\n", name)
		return errFailed
	}
	return nil
}
