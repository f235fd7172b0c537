package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/extract"
	"github.com/intelcell/intelcell/kb"
	"github.com/intelcell/intelcell/worker"
)

// genVerbs are past-tense event phrases written for the generator, from
// every quad class: "%s" is the target.
var genVerbs = []string{
	"met with %s", "held talks with %s", "agreed to expand cooperation with %s", "signed a trade agreement with %s",
	"praised %s", "pledged aid to %s", "sent humanitarian aid to %s", "called for negotiations with %s",
	"urged %s to release the prisoners", "accused %s of violating the ceasefire", "criticized %s", "condemned %s",
	"rejected a proposal from %s", "threatened %s with sanctions", "imposed sanctions on %s", "expelled diplomats of %s",
	"warned %s", "demanded an apology from %s", "launched airstrikes against %s", "attacked %s",
	"shelled positions of %s", "arrested members of %s", "deployed troops near the border with %s", "mediated between rival factions and %s",
}

var genTopics = []string{"border security", "energy supplies", "refugees", "counter-terrorism", "the water dispute", "trade tariffs", "the election", "reconstruction"}

// generator composes synthetic reports from the knowledge base: countries,
// their capitals and demonym-free names, organisations and armed groups, and
// people with the role they held on the report's date.
type generator struct {
	rng       *rand.Rand
	countries []*kb.Entity
	orgs      []*kb.Entity
	people    []*kb.Entity
}

func newGenerator(k *kb.KB, seed uint64) *generator {
	g := &generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	for _, c := range k.Countries {
		if c.Capital != "" && !strings.ContainsAny(c.Name, "(,") {
			g.countries = append(g.countries, c)
		}
	}
	for _, o := range k.Orgs {
		if (o.Kind == kb.KindIGO || o.Kind == kb.KindGroup || o.Kind == kb.KindNGO) && !strings.ContainsAny(o.Name, "(,") {
			g.orgs = append(g.orgs, o)
		}
	}
	for _, p := range k.People {
		if len(p.Roles) > 0 {
			g.people = append(g.people, p)
		}
	}
	return g
}

func (g *generator) pick(n int) int { return g.rng.IntN(n) }

func (g *generator) actor() string {
	if g.pick(4) == 0 && len(g.orgs) > 0 {
		return "the " + strings.TrimPrefix(g.orgs[g.pick(len(g.orgs))].Name, "the ")
	}
	return g.countries[g.pick(len(g.countries))].Name
}

func (g *generator) person(date string) (string, bool) {
	for range 8 {
		p := g.people[g.pick(len(g.people))]
		if r, ok := p.RoleAt(date); ok && r.Title != "" {
			return fmt.Sprintf("%s, the %s,", p.Name, r.Title), true
		}
	}
	return "", false
}

// report returns one synthetic report dated between 2014 and 2016.
func (g *generator) report(i int) *intelcell.Report {
	day := time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.pick(3*365))
	date := day.Format("2006-01-02")
	place := g.countries[g.pick(len(g.countries))]
	var sents []string
	a, b := g.actor(), g.actor()
	for a == b {
		b = g.actor()
	}
	first := fmt.Sprintf("%s %s", a, fmt.Sprintf(genVerbs[g.pick(len(genVerbs))], b))
	sents = append(sents, fmt.Sprintf("%s in %s on %s.", upperFirst(first), place.Capital, day.AddDate(0, 0, -g.pick(4)).Weekday()))
	for n := 2 + g.pick(4); len(sents) < n; {
		switch g.pick(5) {
		case 0:
			if who, ok := g.person(date); ok {
				sents = append(sents, fmt.Sprintf("%s said the talks on %s would continue.", who, genTopics[g.pick(len(genTopics))]))
			}
		case 1:
			sents = append(sents, fmt.Sprintf("At least %d people were killed and %d wounded in clashes near %s, officials said.", 2+g.pick(40), g.pick(90), place.Capital))
		case 2:
			x, y := g.actor(), g.actor()
			sents = append(sents, fmt.Sprintf("%s and %s agreed to cooperate on %s.", upperFirst(x), y, genTopics[g.pick(len(genTopics))]))
		case 3:
			sents = append(sents, fmt.Sprintf(`"We will not accept this," a spokesman for %s told reporters in %s.`, g.actor(), place.Capital))
		default:
			x := g.actor()
			sents = append(sents, fmt.Sprintf("%s %s.", upperFirst(x), fmt.Sprintf(genVerbs[g.pick(len(genVerbs))], g.actor())))
		}
	}
	return &intelcell.Report{
		Title: upperFirst(first), Text: strings.Join(sents, " "), Date: date,
		Source: "gen", URL: fmt.Sprintf("https://example.org/gen/%d", i),
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// genRelease spreads reports over every audience: 40% org, 20% groups, 30%
// cell, 10% public.
func genRelease(g *generator, groups []string) intelcell.Release {
	switch n := g.pick(10); {
	case n < 4:
		return intelcell.Release{Audience: intelcell.AudienceOrg, TLP: intelcell.TLPAmberStrict, Attribution: true}
	case n < 6 && len(groups) > 0:
		return intelcell.Release{Audience: intelcell.AudienceGroups, Groups: []string{groups[g.pick(len(groups))]}, TLP: intelcell.TLPAmber, Attribution: g.pick(2) == 0}
	case n < 9:
		return intelcell.Release{Audience: intelcell.AudienceCell, TLP: intelcell.TLPGreen, Attribution: true}
	}
	return intelcell.Release{Audience: intelcell.AudiencePublic, TLP: intelcell.TLPClear, Attribution: true}
}

func init() {
	c := &command{name: "gen", usage: "--reports N --orgs K [--seed S] [--no-extract] [--data DIR]",
		help: "Generate synthetic reports for load tests: sentences composed from the knowledge base's countries, capitals,\n" +
			"organisations, armed groups and office holders, spread over K orgs (gen-01…), their sharing groups (one per\n" +
			"4 orgs) and every kind of release, stored in batches and extracted like ingested reports."}
	c.run = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fs := newFlags(c, stderr)
		data := dataFlag(fs)
		n := fs.Int("reports", 1000, "how many reports")
		k := fs.Int("orgs", 5, "how many orgs")
		seed := fs.Uint64("seed", 1, "random seed (same seed, same reports)")
		noExtract := fs.Bool("no-extract", false, "only store and queue; leave extraction to serve")
		workers := fs.Int("workers", runtime.GOMAXPROCS(0), "parallel extractions")
		pos, err := parseInterleaved(fs, args)
		if err != nil {
			return err
		}
		if len(pos) > 0 || *n < 1 || *k < 1 || *k > 1000 {
			return wrapUsage("give --reports N (≥1) and --orgs K (1 to 1000)")
		}
		x, err := extract.Load(kb.Options{})
		if err != nil {
			return err
		}
		db, err := openStore(ctx, *data)
		if err != nil {
			return err
		}
		defer db.Close()
		start := time.Now()
		names := make([]string, *k)
		for i := range names {
			names[i] = fmt.Sprintf("gen-%02d", i+1)
			if _, err := db.CreateOrg(ctx, names[i]); err != nil && intelcell.ErrorCode(err) != intelcell.ECONFLICT {
				return err
			}
		}
		var groups []string // group gen-gN holds orgs 4N-3 … 4N
		for i := 0; i < *k; i += 4 {
			name := fmt.Sprintf("gen-g%d", i/4+1)
			if _, err := db.CreateGroup(ctx, name, names[i:min(i+4, *k)]); err != nil && intelcell.ErrorCode(err) != intelcell.ECONFLICT {
				return err
			}
			groups = append(groups, name)
		}
		viewers := make([]intelcell.Viewer, *k)
		for i, name := range names {
			if viewers[i], err = db.OrgViewer(ctx, name, intelcell.RoleAnalyst); err != nil {
				return err
			}
		}
		g := newGenerator(x.KB(), *seed)
		bar := newProgress(stderr, int64(*n), "storing")
		created := 0
		const batch = 1000
		for done := 0; done < *n; {
			oi := (done / batch) % *k
			v := viewers[oi]
			var rs []*intelcell.Report
			for len(rs) < batch && done < *n {
				r := g.report(done)
				r.Release = genRelease(g, v.Groups)
				rs = append(rs, r)
				done++
			}
			ok, err := db.CreateReports(ctx, v, rs)
			if err != nil {
				return err
			}
			for _, c := range ok {
				if c {
					created++
				}
			}
			bar.Add(len(rs))
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		bar.Finish()
		stored := time.Since(start)
		fmt.Fprintf(stdout, "generated %d reports (%d new) for %d orgs in %d groups; stored in %v (%.0f reports/s)\n",
			*n, created, *k, len(groups), stored.Round(time.Millisecond), float64(*n)/stored.Seconds())
		if *noExtract {
			return nil
		}
		t := time.Now()
		bar = newProgress(stderr, int64(created), "extracting")
		pool := &worker.Pool{Jobs: db, Extractor: x, Workers: *workers, Logger: debugLogger(stderr), Observe: func(time.Duration, error) { bar.Add(1) }}
		ext, err := pool.Drain(ctx)
		bar.Finish()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "extracted %d reports in %v (%.0f reports/s)\n", ext, time.Since(t).Round(time.Millisecond), float64(ext)/time.Since(t).Seconds())
		return nil
	}
	register(c)
}
