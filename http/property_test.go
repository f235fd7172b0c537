package http_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/storetest"
)

// TestVisibilityPropertyOverHTTP is the end-to-end property test: random
// cells (orgs, groups with random members, a token of every role per org),
// random reports under random release policies with synthetic Documents
// stored directly through the store, then — for every viewer, including the
// anonymous one and a bad token — every read endpoint of the API over a real
// loopback listener (single report, events with random filters and their
// pages, search and its total, facets and counts, actor profiles, CSV and
// JSON Lines exports, error responses, the audit log) compared with what the
// pure intelcell.Visible function allows. Then releases change (through the
// API) and memberships change, and everything is asked again.
func TestVisibilityPropertyOverHTTP(t *testing.T) {
	p := &httpProp{t: t}
	start := time.Now()
	rounds := 2
	for round := range rounds {
		p.round(rand.New(rand.NewPCG(uint64(round)+101, 7)))
	}
	msg := fmt.Sprintf("HTTP visibility property: %d cases in %d rounds, %d differences, %d requests, %v",
		p.cases.Load(), rounds, p.diffs, p.requests.Load(), time.Since(start).Round(time.Millisecond))
	t.Log(msg)
	fmt.Println(msg)
	if p.cases.Load() < 10000 && !testing.Short() {
		t.Errorf("only %d cases, want at least 10000", p.cases.Load())
	}
}

type httpProp struct {
	t        *testing.T
	e        *cellEnv
	mu       sync.Mutex // guards diffs
	cases    atomic.Int64
	diffs    int
	requests atomic.Int64
	reports  []*propReport
	byID     map[string]*propReport
}

type propReport struct {
	id     string
	date   string
	owner  intelcell.OrgID
	org    string
	rel    intelcell.Release
	words  map[string]bool
	events []intelcell.Event // Pattern = the event's stored id
}

var (
	propVocab  = strings.Fields("amber basalt cobalt dune ember fjord garnet heath iris jasper kelp loam")
	propActors = []*intelcell.Actor{actIRQ, actIRN, actGRC, actXSEC, {ID: "Q30:GOV", Code: "USAGOV", Name: "United States", Kind: "state", Country: strp("USA")}}
	propCodes  = []struct{ cameo, plover string }{{"0312", "AGREE"}, {"036", "CONSULT"}, {"040", "CONSULT"}, {"112", "ACCUSE"}, {"190", "ASSAULT"}, {"1823", "ASSAULT"}}
	propPlaces = []*intelcell.Place{{Name: "Baghdad", Lat: 33.3, Lon: 44.4, Country: strp("IRQ")}, {Name: "Tehran", Lat: 35.7, Lon: 51.4, Country: strp("IRN")}, {Name: "Athens", Lat: 37.98, Lon: 23.7, Country: strp("GRC")}}
	propTLPs   = map[intelcell.Audience][]intelcell.TLP{
		intelcell.AudienceOrg:    {intelcell.TLPRed, intelcell.TLPAmberStrict, intelcell.TLPAmber, intelcell.TLPGreen, intelcell.TLPClear},
		intelcell.AudienceGroups: {intelcell.TLPAmber, intelcell.TLPGreen, intelcell.TLPClear},
		intelcell.AudienceCell:   {intelcell.TLPGreen, intelcell.TLPClear},
		intelcell.AudiencePublic: {intelcell.TLPClear},
	}
)

func propRelease(rng *rand.Rand, groups []string) intelcell.Release {
	a := []intelcell.Audience{intelcell.AudienceOrg, intelcell.AudienceGroups, intelcell.AudienceCell, intelcell.AudiencePublic}[rng.IntN(4)]
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
	ts := propTLPs[a]
	return intelcell.Release{Audience: a, Groups: gs, TLP: ts[rng.IntN(len(ts))], Attribution: rng.IntN(2) == 0}
}

func propWords(rng *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = propVocab[rng.IntN(len(propVocab))]
	}
	return strings.Join(w, " ")
}

func propDate(rng *rand.Rand) string {
	return time.Date(2020, 1, 1+rng.IntN(60), 0, 0, 0, 0, time.UTC).Format("2006-01-02")
}

func (p *httpProp) diff(format string, args ...any) {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.diffs++
	if p.diffs <= 20 {
		p.t.Errorf(format, args...)
	}
}

func (p *httpProp) get(who, path string) (int, []byte) {
	p.requests.Add(1)
	return p.e.get(who, path)
}

func (p *httpProp) round(rng *rand.Rand) {
	t := p.t
	ctx := context.Background()
	orgs := make([]string, 3+rng.IntN(3))
	for i := range orgs {
		orgs[i] = fmt.Sprintf("org%d", i)
	}
	groups := map[string][]string{}
	for g := range 2 + rng.IntN(3) {
		var ms []string
		for _, o := range orgs {
			if rng.IntN(3) == 0 {
				ms = append(ms, o)
			}
		}
		groups[fmt.Sprintf("grp%d", g)] = ms
	}
	p.e = newCellEnv(t, orgs, groups)
	p.reports, p.byID = nil, map[string]*propReport{}
	viewer := func(key string) intelcell.Viewer {
		v, err := p.e.db.Authenticate(ctx, p.e.tokens[key])
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for range 125 {
		org := orgs[rng.IntN(len(orgs))]
		v := viewer(org + "/analyst")
		rel := propRelease(rng, v.Groups)
		title, text := propWords(rng, 1+rng.IntN(2)), propWords(rng, 3+rng.IntN(5))
		r := &intelcell.Report{Title: title, Text: text, Date: propDate(rng), Release: rel}
		created, err := p.e.db.CreateReport(ctx, v, r)
		if err != nil {
			t.Fatal(err)
		}
		if !created {
			continue
		}
		pr := &propReport{id: r.ID, date: r.Date, owner: v.Org, org: org, rel: rel, words: map[string]bool{}}
		for _, w := range strings.Fields(title + " " + text) {
			pr.words[w] = true
		}
		for i := range rng.IntN(4) {
			c := propCodes[rng.IntN(len(propCodes))]
			ev := intelcell.Event{Cameo: c.cameo, Plover: c.plover, Date: propDate(rng), Pattern: r.ID + "-" + strconv.Itoa(i),
				Goldstein: []float64{-10, -4.4, -2, 0, 1, 2.8, 7.4}[rng.IntN(7)]}
			if rng.IntN(5) > 0 {
				ev.Source = propActors[rng.IntN(len(propActors))]
			}
			if rng.IntN(5) > 0 {
				ev.Target = propActors[rng.IntN(len(propActors))]
			}
			if rng.IntN(2) == 0 {
				ev.Place = propPlaces[rng.IntN(len(propPlaces))]
			}
			pr.events = append(pr.events, ev)
		}
		p.e.docs[r.ID] = synthDoc(pr.events...)
		p.reports = append(p.reports, pr)
		p.byID[r.ID] = pr
	}
	p.e.process()

	keys := []string{""}
	for _, o := range orgs {
		for _, r := range []string{"cell-admin", "admin", "analyst", "reader"} {
			keys = append(keys, o+"/"+r)
		}
	}
	// Viewers are checked in parallel (the server serves them concurrently);
	// the audit log, which every request appends to, is then checked one
	// viewer at a time after the first pass of each round.
	check := func(audit bool) {
		vs := make([]intelcell.Viewer, len(keys))
		seeds := make([]uint64, len(keys))
		for i, k := range keys {
			if k != "" {
				vs[i] = viewer(k)
			}
			seeds[i] = rng.Uint64()
		}
		var wg sync.WaitGroup
		next := make(chan int)
		for range 3 {
			wg.Go(func() {
				for i := range next {
					p.checkViewer(rand.New(rand.NewPCG(seeds[i], 1)), keys[i], vs[i])
				}
			})
		}
		for i := range keys {
			next <- i
		}
		close(next)
		wg.Wait()
		p.checkBadToken()
		if audit {
			for i, k := range keys {
				p.checkAudit(k, vs[i])
			}
		}
	}
	check(false)
	// Owners change a quarter of the releases through the API; memberships change.
	for _, pr := range p.reports {
		if rng.IntN(4) != 0 {
			continue
		}
		admin := pr.org + "/admin"
		rel := propRelease(rng, viewer(admin).Groups)
		b, _ := json.Marshal(map[string]any{"audience": rel.Audience, "groups": rel.Groups, "tlp": rel.TLP, "attribution": rel.Attribution})
		if code, body := p.e.do("PUT", "/api/v1/reports/"+pr.id+"/release", admin, string(b)); code != 200 {
			t.Fatalf("release change: %d %s", code, body)
		}
		pr.rel = rel
	}
	for range 3 {
		g := fmt.Sprintf("grp%d", rng.IntN(len(groups)))
		if err := p.e.db.SetGroupMember(ctx, g, orgs[rng.IntN(len(orgs))], rng.IntN(2) == 0); err != nil {
			t.Fatal(err)
		}
	}
	check(true)
}

// checkBadToken: a revoked or unknown token is refused everywhere, before
// anything is looked up.
func (p *httpProp) checkBadToken() {
	var first []byte
	for _, path := range []string{"/api/v1/reports/" + p.reports[0].id, "/api/v1/reports/" + missingID, "/api/v1/events", "/api/v1/search?q=amber", "/api/v1/actors/Q796", "/api/v1/audit", "/api/v1/overview"} {
		code, b := p.get("icl_not-a-token", path)
		p.cases.Add(1)
		if code != 401 || (first != nil && !bytes.Equal(b, first)) {
			p.diff("bad token %s: %d %s", path, code, b)
		}
		first = b
	}
}

func propMatches(r *propReport, e intelcell.Event, q url.Values) bool {
	is := func(a *intelcell.Actor, x string) bool { return a != nil && (a.ID == x || a.Code == x) }
	if x := q.Get("actor"); x != "" && !is(e.Source, x) && !is(e.Target, x) {
		return false
	}
	if x := q.Get("country"); x != "" && e.Source.CountryCode() != x && e.Target.CountryCode() != x {
		return false
	}
	if x := q.Get("cameo"); x != "" && !strings.HasPrefix(e.Cameo, x) {
		return false
	}
	if x := q.Get("plover"); x != "" && e.Plover != x {
		return false
	}
	if (q.Get("from") != "" && e.Date < q.Get("from")) || (q.Get("to") != "" && e.Date > q.Get("to")) {
		return false
	}
	if b := q.Get("bbox"); b != "" {
		var x [4]float64
		for i, s := range strings.Split(b, ",") {
			x[i], _ = strconv.ParseFloat(s, 64)
		}
		if e.Place == nil || e.Place.Lon < x[0] || e.Place.Lat < x[1] || e.Place.Lon > x[2] || e.Place.Lat > x[3] {
			return false
		}
	}
	if x := q.Get("report"); x != "" && r.id != x {
		return false
	}
	return wordsMatch(r, q.Get("q"))
}

func wordsMatch(r *propReport, q string) bool {
	for _, w := range strings.Fields(q) {
		if !r.words[w] {
			return false
		}
	}
	return true
}

func propFilter(rng *rand.Rand, reports []*propReport) url.Values {
	q := url.Values{}
	for range rng.IntN(4) {
		switch rng.IntN(9) {
		case 0:
			a := propActors[rng.IntN(len(propActors))]
			q.Set("actor", []string{a.ID, a.Code}[rng.IntN(2)])
		case 1:
			q.Set("country", []string{"IRQ", "IRN", "USA", "GRC"}[rng.IntN(4)])
		case 2:
			c := propCodes[rng.IntN(len(propCodes))].cameo
			q.Set("cameo", c[:2+rng.IntN(len(c)-1)])
		case 3:
			q.Set("plover", propCodes[rng.IntN(len(propCodes))].plover)
		case 4:
			q.Set("from", propDate(rng))
		case 5:
			q.Set("to", propDate(rng))
		case 6:
			q.Set("bbox", fmt.Sprintf("%.2f,%.2f,%.2f,%.2f", 20+rng.Float64()*20, 30+rng.Float64()*5, 40+rng.Float64()*15, 35+rng.Float64()*5))
		case 7:
			q.Set("q", propWords(rng, 1+rng.IntN(2)))
		case 8:
			q.Set("report", reports[rng.IntN(len(reports))].id)
		}
	}
	return q
}

func (p *httpProp) checkViewer(rng *rand.Rand, who string, v intelcell.Viewer) {
	visible := map[string]bool{}
	for _, r := range p.reports {
		visible[r.id] = intelcell.Visible(v, r.owner, r.rel)
	}
	_, nfReport := p.get(who, "/api/v1/reports/"+missingID)
	_, nfActor := p.get(who, "/api/v1/actors/Q0")
	_, nfEvents := p.get(who, "/api/v1/events?report="+missingID)
	_, nfFacets := p.get(who, "/api/v1/events/facets?report="+missingID)

	// Every report, one by one.
	for _, r := range p.reports {
		code, b := p.get(who, "/api/v1/reports/"+r.id)
		p.cases.Add(1)
		if !visible[r.id] {
			if code != 404 || !bytes.Equal(b, nfReport) {
				p.diff("%q: invisible report %s (%+v) answers %d %s", who, r.id, r.rel, code, b)
			}
			continue
		}
		var got intelcell.Report
		if code != 200 || json.Unmarshal(b, &got) != nil || got.ID != r.id {
			p.diff("%q: visible report %s (%+v) answers %d %s", who, r.id, r.rel, code, b)
			continue
		}
		own := !v.Anonymous() && v.Org == r.owner
		if (r.rel.Attribution || own) != (got.OrgName == r.org) || (got.OrgName != "" && got.OrgName != r.org) {
			p.diff("%q: report %s attribution %v shown as %q", who, r.id, r.rel.Attribution, got.OrgName)
		}
		for _, g := range got.Release.Groups {
			if !own && !v.InGroup(g) {
				p.diff("%q: report %s names group %s", who, r.id, g)
			}
		}
	}

	// Search, paginated, and its total.
	for range 3 {
		q := propWords(rng, 1+rng.IntN(2))
		var want, got []string
		for _, r := range p.reports {
			if visible[r.id] && wordsMatch(r, q) {
				want = append(want, r.id)
			}
		}
		total := -1
		path := "/api/v1/search?q=" + url.QueryEscape(q) + "&limit=" + strconv.Itoa(1+rng.IntN(20))
		for cursor := ""; ; {
			var s struct {
				Reports []*intelcell.Report
				Next    *string
				Total   int
			}
			code, b := p.get(who, path+cursor)
			if code != 200 || json.Unmarshal(b, &s) != nil {
				p.diff("search %s: %d %s", path, code, b)
				return
			}
			total = s.Total
			for _, r := range s.Reports {
				got = append(got, r.ID)
				if m := p.byID[r.ID]; m != nil && r.OrgName != "" && !m.rel.Attribution && m.owner != v.Org {
					p.diff("%q: search attributes unattributed report %s", who, r.ID)
				}
			}
			if s.Next == nil {
				break
			}
			cursor = "&cursor=" + url.QueryEscape(*s.Next)
		}
		p.cases.Add(2)
		sort.Strings(want)
		sort.Strings(got)
		if !slices.Equal(got, want) {
			p.diff("%q: search %q got %v want %v", who, q, got, want)
		}
		if total != len(want) {
			p.diff("%q: search %q total %d want %d", who, q, total, len(want))
		}
	}

	// Events with random filters, paginated; count and facets; exports.
	for i := range 4 {
		q := propFilter(rng, p.reports)
		var want []string
		roots := map[string]int{}
		for _, r := range p.reports {
			if !visible[r.id] {
				continue
			}
			for _, e := range r.events {
				if propMatches(r, e, q) {
					want = append(want, e.Pattern)
					roots[e.Cameo[:2]]++
				}
			}
		}
		sort.Strings(want)
		var got []string
		q.Set("limit", strconv.Itoa(1+rng.IntN(25)))
		for pages := 0; pages < 500; pages++ {
			var ea eventsAnswer
			code, b := p.get(who, "/api/v1/events?"+q.Encode())
			if code != 200 || json.Unmarshal(b, &ea) != nil {
				p.diff("events %s: %d %s", q.Encode(), code, b)
				return
			}
			for _, e := range ea.Events {
				got = append(got, e.ID)
				for _, id := range e.ReportIDs {
					if !visible[id] {
						p.diff("%q: event %s names invisible report %s", who, e.ID, id)
					}
				}
			}
			if ea.Next == nil {
				break
			}
			q.Set("cursor", *ea.Next)
		}
		q.Del("cursor")
		q.Del("limit")
		sort.Strings(got)
		p.cases.Add(1)
		if !slices.Equal(got, want) {
			p.diff("%q: events %s got %v want %v", who, q.Encode(), got, want)
		}
		var f facetsAnswer
		code, b := p.get(who, "/api/v1/events/facets?"+q.Encode())
		json.Unmarshal(b, &f)
		gotRoots := map[string]int{}
		for _, c := range f.ByRoot {
			gotRoots[c.Key] = c.Count
		}
		p.cases.Add(2)
		if code != 200 || f.Count != len(want) {
			p.diff("%q: facets %s count %d want %d", who, q.Encode(), f.Count, len(want))
		}
		if fmt.Sprint(gotRoots) != fmt.Sprint(roots) {
			p.diff("%q: facets %s %v want %v", who, q.Encode(), gotRoots, roots)
		}
		if i >= 2 { // exports, CSV then JSON Lines
			var ids []string
			if i == 2 {
				q.Set("format", "csv")
				_, b := p.get(who, "/api/v1/events?"+q.Encode())
				rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
				if err != nil || len(rows) == 0 {
					p.diff("%q: csv export: %v %s", who, err, b)
					return
				}
				for _, row := range rows[1:] {
					ids = append(ids, row[0])
					for _, id := range strings.Fields(row[len(row)-1]) {
						if !visible[id] {
							p.diff("%q: csv row names invisible report %s", who, id)
						}
					}
				}
			} else {
				q.Set("format", "jsonl")
				_, b := p.get(who, "/api/v1/events?"+q.Encode())
				for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
					if len(line) == 0 {
						continue
					}
					var e struct{ ID string }
					json.Unmarshal(line, &e)
					ids = append(ids, e.ID)
				}
			}
			sort.Strings(ids)
			p.cases.Add(1)
			if !slices.Equal(ids, want) {
				p.diff("%q: export %s got %v want %v", who, q.Encode(), ids, want)
			}
		}
	}

	// A report's events and facets: an invisible report answers as a missing one.
	r := p.reports[rng.IntN(len(p.reports))]
	if !visible[r.id] {
		_, b1 := p.get(who, "/api/v1/events?report="+r.id)
		_, b2 := p.get(who, "/api/v1/events/facets?report="+r.id)
		p.cases.Add(2)
		if !bytes.Equal(b1, nfEvents) || !bytes.Equal(b2, nfFacets) {
			p.diff("%q: events of invisible report %s: %s / %s", who, r.id, b1, b2)
		}
	}

	p.checkOverview(rng, who, visible)

	// Actor profiles.
	for _, a := range propActors {
		var src, tgt, reps int
		for _, r := range p.reports {
			if !visible[r.id] {
				continue
			}
			in := false
			for _, e := range r.events {
				if e.Source != nil && e.Source.ID == a.ID {
					src, in = src+1, true
				}
				if e.Target != nil && e.Target.ID == a.ID {
					tgt, in = tgt+1, true
				}
			}
			if in {
				reps++
			}
		}
		code, b := p.get(who, "/api/v1/actors/"+url.PathEscape(a.ID))
		p.cases.Add(1)
		if reps == 0 {
			if code != 404 || !bytes.Equal(b, nfActor) {
				p.diff("%q: actor %s should be not found: %d %s", who, a.ID, code, b)
			}
			continue
		}
		var ap intelcell.ActorProfile
		if code != 200 || json.Unmarshal(b, &ap) != nil || ap.AsSource != src || ap.AsTarget != tgt || ap.ReportCount != reps {
			p.diff("%q: actor %s: %d %s, want src %d tgt %d reports %d", who, a.ID, code, b, src, tgt, reps)
		}
	}

}

// checkAudit compares the audit log as who reads it with
// storetest.AuditVisible over the whole chain.
func (p *httpProp) checkAudit(who string, v intelcell.Viewer) {
	if who == "" {
		code, _ := p.get(who, "/api/v1/audit")
		p.cases.Add(1)
		if code != 401 {
			p.diff("anonymous audit: %d", code)
		}
		return
	}
	p.e.srv.FlushAudit()
	type key struct {
		t                      int64
		action, target, object string
		status                 int
	}
	var want []key
	err := p.e.db.ScanAudit(context.Background(), func(e *intelcell.AuditEntry) error {
		r, ok := p.byID[e.ReportID]
		var owner intelcell.OrgID
		var rel intelcell.Release
		if ok {
			owner, rel = r.owner, r.rel
		}
		if storetest.AuditVisible(v, e, owner, rel, ok) {
			want = append(want, key{e.Time.UnixMilli(), e.Action, e.Target, e.Object, e.Status})
		}
		return nil
	})
	if err != nil {
		p.t.Fatal(err)
	}
	slices.Reverse(want)
	slices.SortStableFunc(want, func(a, b key) int { return int(b.t - a.t) }) // newest first: by time, then seq
	var got []key
	for cursor := ""; ; {
		var a struct {
			Entries []*intelcell.AuditEntry
			Next    *string
		}
		code, b := p.get(who, "/api/v1/audit?limit=1000"+cursor)
		if code != 200 || json.Unmarshal(b, &a) != nil {
			p.t.Fatalf("audit: %d %s", code, b)
		}
		for _, e := range a.Entries {
			got = append(got, key{e.Time.UnixMilli(), e.Action, e.Target, e.Object, e.Status})
			if v.Role != intelcell.RoleCellAdmin && (e.Seq != 0 || e.Hash != "" || (e.OrgName != v.OrgName && (e.TokenID != "" || e.Detail != ""))) {
				p.diff("%q: audit entry shows too much: %+v", who, e)
			}
		}
		if a.Next == nil {
			break
		}
		cursor = "&cursor=" + url.QueryEscape(*a.Next)
	}
	p.cases.Add(1)
	if !slices.Equal(got, want) {
		p.diff("%q: audit log: got %d entries, want %d", who, len(got), len(want))
	}
}

// checkOverview compares GET /api/v1/overview, for random windows, with the
// overview computed from only the reports who may see.
func (p *httpProp) checkOverview(rng *rand.Rand, who string, visible map[string]bool) {
	var in []storetest.OverviewInput
	for _, r := range p.reports {
		if visible[r.id] {
			in = append(in, storetest.OverviewInput{Date: r.date, Events: r.events})
		}
	}
	for range 3 {
		f := storetest.RandOverviewWindow(rng, func() string { return propDate(rng) })
		q := url.Values{}
		if f.From != "" {
			q.Set("from", f.From)
		}
		if f.To != "" {
			q.Set("to", f.To)
		}
		code, b := p.get(who, "/api/v1/overview?"+q.Encode())
		var got intelcell.Overview
		p.cases.Add(1)
		if code != 200 || json.Unmarshal(b, &got) != nil {
			p.diff("%q: overview %s: %d %s", who, q.Encode(), code, b)
			continue
		}
		from, to, ok := storetest.ResolveOverviewWindow(f, in)
		if !ok {
			from, to = got.From, got.To // nothing visible: the window ends today
		}
		if d := storetest.OverviewDiff(&got, storetest.WantOverview(from, to, in)); d != "" {
			p.diff("%q: overview %s: %s", who, q.Encode(), d)
		}
		for _, a := range got.TopActors {
			if a.Actor.ID == "" || a.Actor.Name == "" {
				p.diff("%q: overview actor without id or name: %+v", who, a)
			}
		}
	}
}
