package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
)

// The property test builds random cells — orgs, sharing groups with random
// members, tokens of every role — and random reports under random release
// policies with synthetic Documents, then asks every read path of the store,
// as every viewer, and compares each answer with what the pure
// intelcell.Visible function and a plain Go filter say it must be. Then it
// changes releases and memberships at random and asks again.

// PropertyRounds and PropertyReports size the property test; MinCases is
// the number of comparisons it must make.
var (
	PropertyRounds  = 3
	PropertyReports = 120
	MinCases        = 10000
)

var (
	vocab   = strings.Fields("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima")
	actors  = []intelcell.Actor{iraq, iran, usaGov, {ID: "Q41:MIL", Code: "GRCMIL", Name: "Greece", Kind: "state", Country: ptr("GRC")}, {ID: "IMGISL", Code: "IMGISL", Name: "Islamic State", Kind: "group"}}
	codes   = []struct{ cameo, plover string }{{"0312", "AGREE"}, {"036", "CONSULT"}, {"040", "CONSULT"}, {"112", "ACCUSE"}, {"190", "ASSAULT"}, {"1823", "ASSAULT"}, {"0314", "AGREE"}}
	places  = []intelcell.Place{{Name: "Baghdad", Lat: 33.3, Lon: 44.4, Country: ptr("IRQ")}, {Name: "Tehran", Lat: 35.7, Lon: 51.4, Country: ptr("IRN")}, {Name: "Athens", Lat: 37.98, Lon: 23.7, Country: ptr("GRC")}}
	tlpsFor = map[intelcell.Audience][]intelcell.TLP{
		intelcell.AudienceOrg:    {intelcell.TLPRed, intelcell.TLPAmberStrict, intelcell.TLPAmber, intelcell.TLPGreen, intelcell.TLPClear},
		intelcell.AudienceGroups: {intelcell.TLPAmber, intelcell.TLPGreen, intelcell.TLPClear},
		intelcell.AudienceCell:   {intelcell.TLPGreen, intelcell.TLPClear},
		intelcell.AudiencePublic: {intelcell.TLPClear},
	}
	goldsteins = []float64{-10, -7.2, -2, 0, 1, 3.4, 7}
	audiences  = []intelcell.Audience{intelcell.AudienceOrg, intelcell.AudienceGroups, intelcell.AudienceCell, intelcell.AudiencePublic}
)

type mEvent struct {
	intelcell.Event
}

type mReport struct {
	id     string
	date   string
	owner  intelcell.OrgID
	rel    intelcell.Release
	words  map[string]bool
	events []mEvent
}

type model struct {
	reports []*mReport
	byID    map[string]*mReport
}

func randRelease(rng *rand.Rand, groups []string) intelcell.Release {
	a := audiences[rng.IntN(len(audiences))]
	var gs []string
	if a == intelcell.AudienceGroups {
		for _, g := range groups {
			if rng.IntN(2) == 0 {
				gs = append(gs, g)
			}
		}
		if len(gs) == 0 && len(groups) > 0 {
			gs = []string{groups[rng.IntN(len(groups))]}
		}
		if len(gs) == 0 {
			a = intelcell.AudienceOrg
		}
	}
	ts := tlpsFor[a]
	return intelcell.Release{Audience: a, Groups: gs, TLP: ts[rng.IntN(len(ts))], Attribution: rng.IntN(2) == 0}
}

func randWords(rng *rand.Rand, n int) []string {
	w := make([]string, n)
	for i := range w {
		w[i] = vocab[rng.IntN(len(vocab))]
	}
	return w
}

func randDate(rng *rand.Rand) string {
	return time.Date(2020, 1, 1+rng.IntN(60), 0, 0, 0, 0, time.UTC).Format("2006-01-02")
}

func randFilter(rng *rand.Rand) intelcell.EventFilter {
	var f intelcell.EventFilter
	for range 1 + rng.IntN(3) {
		switch rng.IntN(8) {
		case 0:
			a := actors[rng.IntN(len(actors))]
			if rng.IntN(2) == 0 {
				f.Actor = a.ID
			} else {
				f.Actor = a.Code
			}
		case 1:
			f.Country = []string{"IRQ", "IRN", "USA", "GRC"}[rng.IntN(4)]
		case 2:
			c := codes[rng.IntN(len(codes))].cameo
			f.Cameo = c[:2+rng.IntN(len(c)-1)]
		case 3:
			f.Plover = codes[rng.IntN(len(codes))].plover
		case 4:
			f.From = randDate(rng)
		case 5:
			f.To = randDate(rng)
		case 6:
			f.BBox = &intelcell.BBox{MinLon: 20 + rng.Float64()*20, MinLat: 30 + rng.Float64()*5, MaxLon: 40 + rng.Float64()*15, MaxLat: 35 + rng.Float64()*5}
		case 7:
			f.Words = strings.Join(randWords(rng, 1+rng.IntN(2)), " ")
		}
	}
	f.Limit = 1 + rng.IntN(12)
	return f
}

func matches(r *mReport, e mEvent, f intelcell.EventFilter) bool {
	is := func(a *intelcell.Actor, x string) bool { return a != nil && (a.ID == x || a.Code == x) }
	if f.Actor != "" && !is(e.Source, f.Actor) && !is(e.Target, f.Actor) {
		return false
	}
	if f.Country != "" && e.Source.CountryCode() != f.Country && e.Target.CountryCode() != f.Country {
		return false
	}
	if f.Cameo != "" && !strings.HasPrefix(e.Cameo, f.Cameo) {
		return false
	}
	if f.Plover != "" && e.Plover != f.Plover {
		return false
	}
	if (f.From != "" && e.Date < f.From) || (f.To != "" && e.Date > f.To) {
		return false
	}
	if b := f.BBox; b != nil && (e.Place == nil || e.Place.Lat < b.MinLat || e.Place.Lat > b.MaxLat || e.Place.Lon < b.MinLon || e.Place.Lon > b.MaxLon) {
		return false
	}
	for _, w := range strings.Fields(f.Words) {
		if !r.words[w] {
			return false
		}
	}
	return true
}

type checker struct {
	t     *testing.T
	s     intelcell.Store
	ctx   context.Context
	cases int
	diffs int
}

func (c *checker) diff(format string, args ...any) {
	c.t.Helper()
	c.diffs++
	if c.diffs <= 20 {
		c.t.Errorf(format, args...)
	}
}

func testVisibilityProperty(t *testing.T, newStore NewStore) {
	c := &checker{t: t, ctx: context.Background()}
	start := time.Now()
	for round := range PropertyRounds {
		c.s = newStore(t)
		c.round(rand.New(rand.NewPCG(uint64(round)+1, 42)))
	}
	t.Logf("%d cases in %d rounds, %d differences, %v", c.cases, PropertyRounds, c.diffs, time.Since(start).Round(time.Millisecond))
	if c.cases < MinCases && !testing.Short() {
		t.Errorf("only %d cases, want at least %d", c.cases, MinCases)
	}
}

func (c *checker) round(rng *rand.Rand) {
	t, s, ctx := c.t, c.s, c.ctx
	nOrgs := 3 + rng.IntN(4)
	orgs := make([]string, nOrgs)
	for i := range orgs {
		orgs[i] = fmt.Sprintf("org%d", i)
	}
	groups := map[string][]string{}
	for g := range 2 + rng.IntN(3) {
		var members []string
		for _, o := range orgs {
			if rng.IntN(3) == 0 {
				members = append(members, o)
			}
		}
		groups[fmt.Sprintf("grp%d", g)] = members
	}
	cl := newCell(t, s, orgs, groups)
	// The store's viewers must carry the memberships the cell was built with.
	for _, o := range orgs {
		var want []string
		for g, ms := range groups {
			if slices.Contains(ms, o) {
				want = append(want, g)
			}
		}
		sort.Strings(want)
		c.cases++
		if got := cl.v(o + "/reader").Groups; !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			c.diff("viewer %s groups %v, want %v", o, got, want)
		}
	}

	m := &model{byID: map[string]*mReport{}}
	docs := map[string]*intelcell.Document{}
	pat := 0
	for range PropertyReports {
		org := orgs[rng.IntN(len(orgs))]
		v := cl.v(org + "/analyst")
		rel := randRelease(rng, v.Groups)
		if rng.IntN(10) == 0 {
			// An invalid policy must be refused.
			bad := rel
			bad.Audience, bad.TLP = intelcell.AudiencePublic, []intelcell.TLP{intelcell.TLPRed, intelcell.TLPAmber, intelcell.TLPGreen, "white"}[rng.IntN(4)]
			c.cases++
			if _, err := s.CreateReport(ctx, v, report("x", "y", bad)); code(err) != intelcell.EINVALID {
				c.diff("invalid release %+v accepted: %v", bad, err)
			}
		}
		title := strings.Join(randWords(rng, 1+rng.IntN(2)), " ")
		text := strings.Join(randWords(rng, 3+rng.IntN(6)), " ")
		r := report(title, text, rel)
		r.Date = randDate(rng)
		created, err := s.CreateReport(ctx, v, r)
		if err != nil {
			t.Fatalf("create %+v: %v", rel, err)
		}
		if !created {
			continue // the org already sent this content
		}
		mr := &mReport{id: r.ID, date: r.Date, owner: v.Org, rel: rel, words: map[string]bool{}}
		for _, w := range strings.Fields(title + " " + text) {
			mr.words[w] = true
		}
		var evs []intelcell.Event
		for range rng.IntN(4) {
			cd := codes[rng.IntN(len(codes))]
			e := intelcell.Event{Cameo: cd.cameo, Plover: cd.plover, Date: randDate(rng), Pattern: fmt.Sprintf("p%d", pat),
				Goldstein: goldsteins[rng.IntN(len(goldsteins))]}
			pat++
			if rng.IntN(5) > 0 {
				e.Source = &actors[rng.IntN(len(actors))]
			}
			if rng.IntN(5) > 0 {
				e.Target = &actors[rng.IntN(len(actors))]
			}
			if rng.IntN(2) == 0 {
				e.Place = &places[rng.IntN(len(places))]
			}
			evs = append(evs, e)
			mr.events = append(mr.events, mEvent{e})
		}
		docs[r.ID] = fakeDoc("2020-03-01", evs...)
		m.reports = append(m.reports, mr)
		m.byID[r.ID] = mr
	}
	runJobs(t, s, func(j *intelcell.Job) *intelcell.Document { return docs[j.ReportID] })

	viewers := []intelcell.Viewer{{}}
	for _, o := range orgs {
		for _, r := range []string{"cell-admin", "admin", "analyst", "reader"} {
			viewers = append(viewers, cl.v(o+"/"+r))
		}
	}
	for _, v := range viewers {
		c.checkViewer(rng, m, v)
	}

	// Change releases and memberships at random, then ask again.
	for _, mr := range m.reports {
		if rng.IntN(4) != 0 {
			continue
		}
		var ownerName string
		for _, o := range orgs {
			if cl.v(o+"/admin").Org == mr.owner {
				ownerName = o
			}
		}
		admin := cl.v(ownerName + "/admin")
		rel := randRelease(rng, admin.Groups)
		if err := s.SetRelease(ctx, admin, mr.id, rel); err != nil {
			t.Fatalf("set release: %v", err)
		}
		mr.rel = rel
	}
	for range 3 {
		g := fmt.Sprintf("grp%d", rng.IntN(len(groups)))
		o := orgs[rng.IntN(len(orgs))]
		if err := s.SetGroupMember(ctx, g, o, rng.IntN(2) == 0); err != nil {
			t.Fatal(err)
		}
	}
	viewers = []intelcell.Viewer{{}}
	for key, secret := range cl.secrets {
		if !strings.HasSuffix(key, "/reader") && !strings.HasSuffix(key, "/cell-admin") {
			continue
		}
		v, err := s.Authenticate(ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		viewers = append(viewers, v)
	}
	for _, v := range viewers {
		c.checkViewer(rng, m, v)
	}
}

func (c *checker) checkViewer(rng *rand.Rand, m *model, v intelcell.Viewer) {
	s, ctx := c.s, c.ctx
	visible := map[string]bool{}
	nVisible := 0
	for _, mr := range m.reports {
		want := intelcell.Visible(v, mr.owner, mr.rel)
		visible[mr.id] = want
		if want {
			nVisible++
		}
		r, _, err := s.FindReport(ctx, v, mr.id)
		c.cases++
		switch {
		case want && err != nil:
			c.diff("viewer %s/%s: report %s (%+v) should be visible: %v", v.OrgName, v.Role, mr.id, mr.rel, err)
		case !want && code(err) != intelcell.ENOTFOUND:
			c.diff("viewer %s/%s: report %s (%+v) should be not found, got %v", v.OrgName, v.Role, mr.id, mr.rel, err)
		case want:
			hidden := !mr.rel.Attribution && v.Org != mr.owner
			if hidden != (r.OrgName == "") {
				c.diff("viewer %s: report %s attribution %v shown as %q", v.OrgName, mr.id, mr.rel.Attribution, r.OrgName)
			}
			for _, g := range r.Release.Groups {
				if v.Org != mr.owner && !v.InGroup(g) {
					c.diff("viewer %s learns group %s", v.OrgName, g)
				}
			}
		}
	}
	c.cases++
	if n, err := s.CountReports(ctx, v, ""); err != nil || n != nVisible {
		c.diff("viewer %s: count %d (%v), want %d", v.OrgName, n, err, nVisible)
	}

	// Search, paginated, and its count.
	for range 4 {
		q := strings.Join(randWords(rng, 1+rng.IntN(2)), " ")
		var want []string
		for _, mr := range m.reports {
			if visible[mr.id] && matches(mr, mEvent{}, intelcell.EventFilter{Words: q}) {
				want = append(want, mr.id)
			}
		}
		var got []string
		f := intelcell.ReportFilter{Query: q, Limit: 1 + rng.IntN(15)}
		if rng.IntN(2) == 0 {
			f.Sort = intelcell.SortNewest
		}
		for {
			rs, next, err := s.SearchReports(ctx, v, f)
			if err != nil {
				c.t.Fatalf("search: %v", err)
			}
			for _, r := range rs {
				got = append(got, r.ID)
				if mr := m.byID[r.ID]; mr != nil && !mr.rel.Attribution && v.Org != mr.owner && r.OrgName != "" {
					c.diff("search shows attribution of %s", r.ID)
				}
			}
			if next == "" {
				break
			}
			f.Cursor = next
		}
		c.cases += 2
		if f.Sort == intelcell.SortNewest {
			// m.reports is in the order they were stored.
			newest := slices.Clone(want)
			slices.Reverse(newest)
			if !slices.Equal(got, newest) {
				c.diff("viewer %s search %q newest first: got %v want %v", v.OrgName, q, got, newest)
			}
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			c.diff("viewer %s search %q: got %v want %v", v.OrgName, q, got, want)
		}
		if n, err := s.CountReports(ctx, v, q); err != nil || n != len(want) {
			c.diff("viewer %s search count %q: %d (%v) want %d", v.OrgName, q, n, err, len(want))
		}
	}

	// Events with random filters, paginated; counts and facets.
	for range 6 {
		f := randFilter(rng)
		if rng.IntN(8) == 0 {
			f = intelcell.EventFilter{Limit: 1 + rng.IntN(50)}
		}
		var want []string
		roots := map[string]int{}
		for _, mr := range m.reports {
			if !visible[mr.id] {
				continue
			}
			for _, e := range mr.events {
				if matches(mr, e, f) {
					want = append(want, e.Pattern)
					roots[e.Cameo[:2]]++
				}
			}
		}
		var got []string
		last := "9999-99-99"
		pages := 0
		for g := f; ; {
			es, next, err := s.FindEvents(ctx, v, g)
			if err != nil {
				c.t.Fatalf("events %+v: %v", g, err)
			}
			pages++
			if len(es) > g.Limit || (next != "" && len(es) != g.Limit) {
				c.diff("page of %d for limit %d", len(es), g.Limit)
			}
			for _, e := range es {
				got = append(got, e.Pattern)
				if e.Date > last {
					c.diff("events out of order")
				}
				last = e.Date
				for _, id := range e.ReportIDs {
					if !visible[id] {
						c.diff("event %s of invisible report %s", e.ID, id)
					}
				}
			}
			if next == "" || pages > 1000 {
				break
			}
			g.Cursor = next
		}
		c.cases += 3
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			c.diff("viewer %s events %+v: got %v want %v", v.OrgName, f, got, want)
		}
		if n, err := s.CountEvents(ctx, v, f); err != nil || n != len(want) {
			c.diff("viewer %s count events %+v: %d (%v) want %d", v.OrgName, f, n, err, len(want))
		}
		facets, err := s.EventFacets(ctx, v, f)
		gotRoots := map[string]int{}
		for _, fc := range facets {
			gotRoots[fc.Key] = fc.Count
		}
		if err != nil || fmt.Sprint(gotRoots) != fmt.Sprint(roots) {
			c.diff("viewer %s facets %+v: %v (%v) want %v", v.OrgName, f, gotRoots, err, roots)
		}
	}

	c.checkOverview(rng, m, v, visible) // overview.go

	// Actor profiles.
	for _, a := range actors {
		var src, tgt, reports int
		for _, mr := range m.reports {
			if !visible[mr.id] {
				continue
			}
			in := false
			for _, e := range mr.events {
				if e.Source != nil && e.Source.ID == a.ID {
					src++
					in = true
				}
				if e.Target != nil && e.Target.ID == a.ID {
					tgt++
					in = true
				}
			}
			if in {
				reports++
			}
		}
		p, err := s.FindActor(ctx, v, a.ID)
		c.cases++
		if reports == 0 {
			if code(err) != intelcell.ENOTFOUND {
				c.diff("viewer %s: actor %s should be not found: %v", v.OrgName, a.ID, err)
			}
			continue
		}
		if err != nil || p.AsSource != src || p.AsTarget != tgt || p.ReportCount != reports {
			c.diff("viewer %s actor %s: %+v (%v), want src %d tgt %d reports %d", v.OrgName, a.ID, p, err, src, tgt, reports)
		}
	}
}
