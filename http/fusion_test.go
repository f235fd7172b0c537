package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/cameo"
	"github.com/intelcell/intelcell/fuse"
	apihttp "github.com/intelcell/intelcell/http"
)

// mergedAnswer is the JSON of GET /api/v1/merged-events.
type mergedAnswer struct {
	Merged []apihttp.MergedEvent `json:"merged_events"`
	Next   *string               `json:"next"`
}

// fuseReport is the test's own record of one stored report.
type fuseReport struct {
	id, org, title, text, date string
	owner                      intelcell.OrgID
	rel                        intelcell.Release
	events                     []intelcell.Event
}

type happening struct {
	src, tgt      *intelcell.Actor
	cameo, plover string
	place         *intelcell.Place
	date          string
	killed        int
	wire          []string // the wire story's words
}

var fuseVocab = strings.Fields("army convoy border village market bridge rocket police minister talks ceasefire aid " +
	"refugees checkpoint mortar shelling patrol envoy summit council protest strike fuel harbour river valley")

func fuseEvent(h *happening, rng *rand.Rand) intelcell.Event {
	c, _ := cameo.Lookup(h.cameo)
	e := intelcell.Event{Source: h.src, Target: h.tgt, Cameo: h.cameo, Plover: h.plover, Goldstein: c.Goldstein, QuadClass: c.QuadClass,
		Date: h.date, Place: h.place, Pattern: "p"}
	if h.killed > 0 && rng.IntN(3) > 0 {
		k := h.killed + rng.IntN(3) - 1
		e.Killed = &k
	}
	if rng.IntN(8) == 0 { // a sibling code of the same root
		e.Cameo = h.cameo[:2] + "0"
	}
	return e
}

// randomCell stores a random cell through the store and the API: orgs,
// groups, reports under random releases whose synthetic Documents tell the
// same few happenings (wire copies with light edits, and re-tellings in
// other words), and random split/join decisions by random analysts.
func randomCell(t testing.TB, rng *rand.Rand) (*cellEnv, []*fuseReport, map[string][]string, []fuse.Decision) {
	ctx := context.Background()
	orgs := make([]string, 2+rng.IntN(3))
	for i := range orgs {
		orgs[i] = fmt.Sprintf("org%d", i)
	}
	groups := map[string][]string{}
	for g := range 1 + rng.IntN(3) {
		var ms []string
		for _, o := range orgs {
			if rng.IntN(2) == 0 {
				ms = append(ms, o)
			}
		}
		if len(ms) == 0 {
			ms = []string{orgs[rng.IntN(len(orgs))]}
		}
		name := fmt.Sprintf("g%d", g)
		groups[name] = ms
	}
	e := newCellEnv(t, orgs, groups)
	actors := propActors
	hs := make([]*happening, 2+rng.IntN(4))
	for i := range hs {
		code := propCodes[rng.IntN(len(propCodes))]
		src := actors[rng.IntN(len(actors))]
		tgt := actors[rng.IntN(len(actors))]
		if tgt == src {
			tgt = nil
		}
		h := &happening{src: src, tgt: tgt, cameo: code.cameo, plover: code.plover, place: propPlaces[rng.IntN(len(propPlaces))],
			date: time.Date(2020, 1, 1+rng.IntN(10), 0, 0, 0, 0, time.UTC).Format("2006-01-02")}
		if code.plover == "ASSAULT" {
			h.killed = 1 + rng.IntN(6)
		}
		for range 30 + rng.IntN(20) {
			h.wire = append(h.wire, fuseVocab[rng.IntN(len(fuseVocab))])
		}
		hs[i] = h
	}
	var reports []*fuseReport
	for range 5 + rng.IntN(10) {
		org := orgs[rng.IntN(len(orgs))]
		v, err := e.db.OrgViewer(ctx, org, intelcell.RoleAnalyst)
		if err != nil {
			t.Fatal(err)
		}
		h := hs[rng.IntN(len(hs))]
		var words []string
		if rng.IntN(2) == 0 { // a copy of the wire story, lightly edited
			words = slices.Clone(h.wire)
			for range rng.IntN(3) {
				words[rng.IntN(len(words))] = fuseVocab[rng.IntN(len(fuseVocab))]
			}
		} else {
			for range 30 {
				words = append(words, fuseVocab[rng.IntN(len(fuseVocab))])
			}
		}
		d, _ := time.Parse("2006-01-02", h.date)
		r := &fuseReport{org: org, owner: v.Org, rel: propRelease(rng, cellViewer(org, groups).Groups), title: "report " + strconv.Itoa(len(reports)),
			text: strings.Join(words, " "), date: d.AddDate(0, 0, rng.IntN(3)).Format("2006-01-02")}
		r.events = append(r.events, fuseEvent(h, rng))
		if rng.IntN(3) == 0 {
			r.events = append(r.events, fuseEvent(hs[rng.IntN(len(hs))], rng))
		}
		rep := &intelcell.Report{Title: r.title, Text: r.text, Date: r.date, Release: r.rel}
		if _, err := e.db.CreateReport(ctx, v, rep); err != nil {
			t.Fatal(err)
		}
		r.id = rep.ID
		doc := synthDoc(r.events...)
		doc.Date = r.date
		e.docs[r.id] = doc
		reports = append(reports, r)
	}
	e.process()
	// decisions by random analysts about pairs of events they may see
	var ds []fuse.Decision
	for range rng.IntN(4) {
		if d, ok := randomDecision(e, rng, reports, groups); ok {
			ds = append(ds, d)
		}
	}
	return e, reports, groups, ds
}

// cellViewer is the viewer of an org, from the test's own record of the
// groups ("" = anonymous).
func cellViewer(org string, groups map[string][]string) intelcell.Viewer {
	if org == "" {
		return intelcell.Viewer{}
	}
	n, _ := strconv.Atoi(strings.TrimPrefix(org, "org"))
	v := intelcell.Viewer{Org: intelcell.OrgID(n + 1), OrgName: org}
	for g, ms := range groups {
		if slices.Contains(ms, org) {
			v.Groups = append(v.Groups, g)
		}
	}
	return v
}

// expectMerged computes, from the test's own record and the pure Visible
// function alone, the merged events a viewer must get: fuse.Merge over the
// viewer's visible events, with copy groups over the viewer's visible
// reports, orgs named only where the viewer may learn them, and every
// recorded decision (fuse ignores those about events not given).
func expectMerged(v intelcell.Viewer, reports []*fuseReport, ds []fuse.Decision) ([]fuse.Merged, map[string]bool) {
	visible := map[string]bool{}
	var docs []fuse.Doc
	var items []fuse.Item
	for _, r := range reports {
		if !intelcell.Visible(v, r.owner, r.rel) {
			continue
		}
		visible[r.id] = true
		if len(r.events) > 0 {
			docs = append(docs, fuse.Doc{ID: r.id, Date: r.date, Sig: fuse.Sign(r.title + "\n" + r.text)})
		}
	}
	copies := fuse.GroupCopies(docs, 0)
	for _, r := range reports {
		if !visible[r.id] {
			continue
		}
		org := ""
		if r.rel.Attribution || (!v.Anonymous() && v.Org == r.owner) {
			org = r.org
		}
		for i, e := range r.events {
			items = append(items, fuse.Item{Key: r.id + "-" + strconv.Itoa(i), Report: r.id, Org: org, CopyGroup: copies[r.id], ReportDate: r.date, Event: e})
		}
	}
	return fuse.Merge(items, ds, fuse.Options{}), visible
}

// fusionCells is how many random cells TestFusionPerViewerProperty checks.
var fusionCells = 300

// TestFusionPerViewerProperty: for random cells and every viewer (each org
// and the anonymous viewer), the merged events and corroboration counts the
// API serves equal fuse.Merge over exactly the events of the reports that
// the pure intelcell.Visible function lets that viewer see; no answer names
// a report, event or org the viewer may not learn; GET /merged-events/{id}
// answers 404 exactly when the event naming the merged event is invisible.
func TestFusionPerViewerProperty(t *testing.T) {
	cells := fusionCells
	if testing.Short() {
		cells = min(cells, 30)
	}
	start := time.Now()
	var cases, diffs, mergedSeen, multi int
	diff := func(format string, args ...any) {
		t.Helper()
		diffs++
		if diffs <= 20 {
			t.Errorf(format, args...)
		}
	}
	for cell := range cells {
		rng := rand.New(rand.NewPCG(uint64(cell)+1, 66))
		e, reports, groups, ds := randomCell(t, rng)
		// Each cell is checked, changed through the API (a release changed
		// by its org's admin, a new decision), and checked again: answers
		// the server keeps between requests (the fusion cache) must follow
		// every change.
		for phase := range 2 {
			if phase == 1 {
				r := reports[rng.IntN(len(reports))]
				rel := propRelease(rng, cellViewer(r.org, groups).Groups)
				rb, _ := json.Marshal(map[string]any{"audience": rel.Audience, "groups": rel.Groups, "tlp": rel.TLP, "attribution": rel.Attribution})
				if code, body := e.do("PUT", "/api/v1/reports/"+r.id+"/release", r.org+"/admin", string(rb)); code != 200 && code != 204 {
					t.Fatalf("release change: %d %s", code, body)
				}
				r.rel = rel
				if d, ok := randomDecision(e, rng, reports, groups); ok {
					ds = append(ds, d)
				}
			}
			checkCell(t, e, cell, reports, groups, ds, &cases, &mergedSeen, &multi, diff)
		}
	}
	msg := fmt.Sprintf("fusion per-viewer property: %d cells, %d cases, %d merged events checked (%d from several reports), %d differences, %v",
		cells, cases, mergedSeen, multi, diffs, time.Since(start).Round(time.Millisecond))
	t.Log(msg)
	fmt.Println(msg)
	if multi == 0 {
		t.Error("no merged event had several reports: the generator does not exercise merging")
	}
}

// checkCell compares every viewer's merged events (list and by id) with
// expectMerged over the test's own record of the cell.
func checkCell(t *testing.T, e *cellEnv, cell int, reports []*fuseReport, groups map[string][]string, ds []fuse.Decision,
	cases, mergedSeen, multi *int, diff func(string, ...any)) {
	t.Helper()
	viewers := []string{""}
	for o := range len(e.tokens) / 4 {
		viewers = append(viewers, fmt.Sprintf("org%d", o))
	}
	allIDs := map[string]string{} // merged id → naming event key, over every viewer
	for _, org := range viewers {
		v := cellViewer(org, groups)
		want, visible := expectMerged(v, reports, ds)
		who := ""
		if org != "" {
			who = org + "/reader"
		}
		var got mergedAnswer
		e.getJSON(who, "/api/v1/merged-events?from=2019-12-01&to=2020-02-29&limit=1000", &got)
		*cases++
		byID := map[string]apihttp.MergedEvent{}
		for _, m := range got.Merged {
			byID[m.ID] = m
			for _, rid := range m.ReportIDs {
				if !visible[rid] {
					diff("cell %d viewer %q: merged %s names invisible report %s", cell, org, m.ID, rid)
				}
			}
			for _, eid := range m.EventIDs {
				rid, _, _ := strings.Cut(eid, "-")
				if !visible[rid] {
					diff("cell %d viewer %q: merged %s names invisible event %s", cell, org, m.ID, eid)
				}
			}
		}
		if len(got.Merged) != len(want) {
			diff("cell %d viewer %q: %d merged events, want %d", cell, org, len(got.Merged), len(want))
		}
		for i := range want {
			w := apihttp.Present(&want[i])
			allIDs[w.ID] = want[i].Items[0].Key
			*mergedSeen++
			if len(w.ReportIDs) > 1 {
				*multi++
			}
			g, ok := byID[w.ID]
			if !ok {
				diff("cell %d viewer %q: merged %s (reports %v) missing", cell, org, w.ID, w.ReportIDs)
				continue
			}
			if !slices.Equal(g.ReportIDs, w.ReportIDs) || !slices.Equal(g.EventIDs, w.EventIDs) || g.Corroboration != w.Corroboration ||
				!slices.Equal(g.Sources, w.Sources) || g.UnnamedSources != w.UnnamedSources || g.Confidence != w.Confidence ||
				g.DateFrom != w.DateFrom || g.DateTo != w.DateTo || g.Cameo != w.Cameo || rangeStr(g.Killed) != rangeStr(w.Killed) {
				diff("cell %d viewer %q: merged %s\n got  reports %v events %v corroboration %d sources %v+%d conf %v killed %s\n want reports %v events %v corroboration %d sources %v+%d conf %v killed %s",
					cell, org, w.ID, g.ReportIDs, g.EventIDs, g.Corroboration, g.Sources, g.UnnamedSources, g.Confidence, rangeStr(g.Killed),
					w.ReportIDs, w.EventIDs, w.Corroboration, w.Sources, w.UnnamedSources, w.Confidence, rangeStr(w.Killed))
			}
		}
	}
	// single merged events: 404 exactly when the naming event is invisible
	for _, org := range viewers {
		v := cellViewer(org, groups)
		who := ""
		if org != "" {
			who = org + "/reader"
		}
		for mid, key := range allIDs {
			rid, _, _ := strings.Cut(key, "-")
			seen := false
			for _, r := range reports {
				if r.id == rid {
					seen = intelcell.Visible(v, r.owner, r.rel)
				}
			}
			code, body := e.get(who, "/api/v1/merged-events/"+mid)
			*cases++
			if want := map[bool]int{true: 200, false: 404}[seen]; code != want {
				diff("cell %d viewer %q: GET merged %s: %d, want %d", cell, org, mid, code, want)
			}
			if code == 404 && !strings.Contains(string(body), `"not_found"`) {
				diff("cell %d: 404 body %s", cell, body)
			}
		}
	}
}

// randomDecision records a split or join decision by a random org's
// analyst about two events it may see.
func randomDecision(e *cellEnv, rng *rand.Rand, reports []*fuseReport, groups map[string][]string) (fuse.Decision, bool) {
	orgs := slices.Sorted(func(yield func(string) bool) {
		seen := map[string]bool{}
		for _, r := range reports {
			if !seen[r.org] && !yield(r.org) {
				return
			}
			seen[r.org] = true
		}
	})
	org := orgs[rng.IntN(len(orgs))]
	v := cellViewer(org, groups)
	var seen []string
	for _, r := range reports {
		if intelcell.Visible(v, r.owner, r.rel) {
			for i := range r.events {
				seen = append(seen, r.id+"-"+strconv.Itoa(i))
			}
		}
	}
	if len(seen) < 2 {
		return fuse.Decision{}, false
	}
	a, b := seen[rng.IntN(len(seen))], seen[rng.IntN(len(seen))]
	if a == b {
		return fuse.Decision{}, false
	}
	kind := []string{"split", "join"}[rng.IntN(2)]
	code, body := e.do("POST", "/api/v1/merged-events/decisions", org+"/analyst", fmt.Sprintf(`{"kind":%q,"a":%q,"b":%q}`, kind, a, b))
	if code != 201 {
		e.t.Fatalf("decision: %d %s", code, body)
	}
	var d intelcell.Decision
	if err := json.Unmarshal(body, &d); err != nil {
		e.t.Fatal(err)
	}
	return fuse.Decision{Kind: d.Kind, A: d.A, B: d.B, At: d.At}, true
}

func rangeStr(r *fuse.Range) string {
	if r == nil {
		return "-"
	}
	return r.String()
}

// TestLeakMergedEventsNeverRevealInvisibleReports: org A holds a private
// report of the same strike that org B and (unattributed) org C report to
// the cell. B's merged event must not reveal the existence, id, event id,
// org or count of A's report — not in the list, not by id, not through the
// corroboration, the confidence, the stories, the actor profile, nor
// through A's decisions — while C's report counts without naming C.
func TestLeakMergedEventsNeverRevealInvisibleReports(t *testing.T) {
	e := newCellEnv(t, []string{"orgA", "orgB", "orgC"}, map[string][]string{"ac": {"orgA", "orgC"}})
	k := func(n int) *int { return &n }
	strike := func(killed int) intelcell.Event {
		ev := ev(actXSEC, actIRQ, "190", "ASSAULT", "p")
		ev.Killed, ev.Place, ev.QuadClass, ev.Goldstein = k(killed), propPlaces[0], 4, -10
		return ev
	}
	secretA := e.submit("orgA/analyst", "Zorblax strike", "The Zorblax Front attacked Baghdad; our source counts seven dead.", relOrg, strike(7))
	secretA2 := e.submit("orgA/analyst", "Zorblax strike again", "A second private account of the attack by the Zorblax Front in Baghdad.", relOrg, strike(7))
	pubB := e.submit("orgB/analyst", "Attack in Baghdad", "Militants of the Zorblax Front attacked Baghdad, killing four.", relCellA, strike(4))
	hiddenC := e.submit("orgC/analyst", "Baghdad attack", "An attack by the Zorblax Front on Baghdad left five people dead.", relCellU, strike(5))
	e.process()

	// A joins its two private events and splits its own from B's: neither
	// may change what B sees.
	for _, d := range []string{
		fmt.Sprintf(`{"kind":"join","a":%q,"b":%q}`, secretA+"-0", secretA2+"-0"),
		fmt.Sprintf(`{"kind":"split","a":%q,"b":%q}`, secretA+"-0", pubB+"-0"),
	} {
		if code, body := e.do("POST", "/api/v1/merged-events/decisions", "orgA/analyst", d); code != 201 {
			t.Fatalf("A's decision: %d %s", code, body)
		}
	}
	var asB mergedAnswer
	e.getJSON("orgB/reader", "/api/v1/merged-events?from=2020-01-15&to=2020-02-15", &asB)
	if len(asB.Merged) != 1 {
		t.Fatalf("B sees %d merged events, want 1: %+v", len(asB.Merged), asB.Merged)
	}
	m := asB.Merged[0]
	if !sameSet(m.ReportIDs, []string{pubB, hiddenC}) || m.Corroboration != 2 || !slices.Equal(m.Sources, []string{"orgB"}) || m.UnnamedSources != 1 {
		t.Errorf("B's merged event: reports %v corroboration %d sources %v + %d unnamed; want B's and C's, 2, [orgB] + 1", m.ReportIDs, m.Corroboration, m.Sources, m.UnnamedSources)
	}
	if m.Killed == nil || m.Killed.Min != 4 || m.Killed.Max != 5 {
		t.Errorf("B's killed range %s, want 4–5 (A's 7 is invisible)", rangeStr(m.Killed))
	}
	// the same answer as in a cell where A's reports never existed
	want, _ := expectMerged(cellViewer("orgB", nil), []*fuseReport{
		{id: pubB, org: "orgB", owner: 2, rel: intelcell.Release{Audience: "cell", TLP: "green", Attribution: true}, title: "Attack in Baghdad",
			text: "Militants of the Zorblax Front attacked Baghdad, killing four.", date: "2020-02-01", events: e.docs[pubB].Events},
		{id: hiddenC, org: "orgC", owner: 3, rel: intelcell.Release{Audience: "cell", TLP: "green"}, title: "Baghdad attack",
			text: "An attack by the Zorblax Front on Baghdad left five people dead.", date: "2020-02-01", events: e.docs[hiddenC].Events},
	}, nil)
	if len(want) != 1 || want[0].ID != m.ID || want[0].Confidence != m.Confidence {
		t.Errorf("B's merged event %s (confidence %v) differs from one computed without A's reports: %+v", m.ID, m.Confidence, want)
	}
	// every answer B can get: no trace of A's reports or of C's name
	var asA mergedAnswer
	e.getJSON("orgA/reader", "/api/v1/merged-events?from=2020-01-15&to=2020-02-15", &asA)
	paths := []string{"/api/v1/merged-events?from=2020-01-15&to=2020-02-15", "/api/v1/merged-events", "/api/v1/stories",
		"/api/v1/merged-events/" + m.ID, "/api/v1/merged-events/decisions", "/api/v1/actors/Q99999/profile", "/api/v1/actors/Q796/profile"}
	for _, am := range asA.Merged {
		paths = append(paths, "/api/v1/merged-events/"+am.ID)
	}
	for _, p := range paths {
		code, body := e.get("orgB/reader", p)
		for _, secret := range []string{secretA, secretA2, "orgA", "orgC", `"7"`, `"value":7`} {
			if strings.Contains(string(body), secret) {
				t.Errorf("GET %s as B (%d) reveals %s: %s", p, code, secret, body)
			}
		}
	}
	// A's merged events that contain only A's reports are 404 for B, exactly like a missing id
	missingCode, missingBody := e.get("orgB/reader", "/api/v1/merged-events/m0000000000000000")
	for _, am := range asA.Merged {
		if slices.Contains(am.ReportIDs, pubB) || slices.Contains(am.ReportIDs, hiddenC) {
			continue
		}
		code, body := e.get("orgB/reader", "/api/v1/merged-events/"+am.ID)
		if code != 404 || string(body) != string(missingBody) || missingCode != 404 {
			t.Errorf("A's private merged event %s as B: %d %s; a missing id: %d %s", am.ID, code, body, missingCode, missingBody)
		}
	}
	// A's split between its own event and B's was applied for A only
	if len(asA.Merged) < 2 {
		t.Errorf("A's split decision not applied for A: %+v", asA.Merged)
	}
	// A's decisions are in the audit log, attributed to A with their kind
	// and events; B's view of the log has no trace of them.
	e.srv.FlushAudit()
	var logA struct{ Entries []intelcell.AuditEntry }
	e.getJSON("orgA/analyst", "/api/v1/audit?limit=1000", &logA)
	var kinds []string
	for _, en := range logA.Entries {
		if en.Target == "decision" {
			if en.OrgName != "orgA" || en.TokenID == "" || en.Action != intelcell.AuditCreate || en.Status != 201 || !strings.Contains(en.Object, secretA+"-0") {
				t.Errorf("decision audit entry %+v", en)
			}
			kinds = append(kinds, en.Detail)
		}
	}
	if len(kinds) != 2 || !strings.Contains(strings.Join(kinds, " "), "kind=join") || !strings.Contains(strings.Join(kinds, " "), "kind=split") {
		t.Errorf("A's audit log has decisions %v, want a join and a split", kinds)
	}
	_, logB := e.get("orgB/analyst", "/api/v1/audit?limit=1000")
	for _, secret := range []string{secretA, secretA2, `"decision"`} {
		if strings.Contains(string(logB), secret) {
			t.Errorf("B's audit log reveals %s", secret)
		}
	}
	// B may not make decisions about A's events: 404 like a missing event
	c1, b1 := e.do("POST", "/api/v1/merged-events/decisions", "orgB/analyst", fmt.Sprintf(`{"kind":"join","a":%q,"b":%q}`, pubB+"-0", secretA+"-0"))
	c2, b2 := e.do("POST", "/api/v1/merged-events/decisions", "orgB/analyst", fmt.Sprintf(`{"kind":"join","a":%q,"b":%q}`, pubB+"-0", missingID+"-0"))
	if c1 != 404 || c2 != 404 || string(b1) != string(b2) {
		t.Errorf("B's decision about A's event: %d %s; about a missing event: %d %s", c1, b1, c2, b2)
	}
	// the anonymous viewer sees nothing at all
	var anon mergedAnswer
	e.getJSON("", "/api/v1/merged-events?from=2020-01-15&to=2020-02-15", &anon)
	if len(anon.Merged) != 0 {
		t.Errorf("anonymous sees %v", anon.Merged)
	}
	// B's decision splits B's and C's events for everyone who sees both
	if code, body := e.do("POST", "/api/v1/merged-events/decisions", "orgB/analyst", fmt.Sprintf(`{"kind":"split","a":%q,"b":%q}`, pubB+"-0", m.ID)); code != 201 {
		// m.ID names the merged event by its earliest event, which is B's or C's
		t.Logf("split by merged id: %d %s", code, body)
	}
	if code, body := e.do("POST", "/api/v1/merged-events/decisions", "orgB/analyst", fmt.Sprintf(`{"kind":"split","a":%q,"b":%q}`, pubB+"-0", hiddenC+"-0")); code != 201 {
		t.Fatalf("B's split: %d %s", code, body)
	}
	for _, who := range []string{"orgB/reader", "orgC/reader"} {
		var after mergedAnswer
		e.getJSON(who, "/api/v1/merged-events?from=2020-01-15&to=2020-02-15", &after)
		for _, am := range after.Merged {
			if slices.Contains(am.ReportIDs, pubB) && slices.Contains(am.ReportIDs, hiddenC) {
				t.Errorf("%s: B's split not applied: %v", who, am.ReportIDs)
			}
		}
	}
	var ds struct{ Decisions []intelcell.Decision }
	e.getJSON("orgC/reader", "/api/v1/merged-events/decisions", &ds)
	for _, d := range ds.Decisions {
		if d.Org != "" || d.Token != "" || strings.HasPrefix(d.A, secretA) || strings.HasPrefix(d.B, secretA) {
			t.Errorf("C sees decision %+v", d)
		}
	}
}

// TestActorProfileAndStories checks the profile's series, dyads, places and
// quotes, and that stories group the reports of one happening.
func TestActorProfileAndStories(t *testing.T) {
	e := newCellEnv(t, []string{"orgA", "orgB"}, nil)
	a := ev(actIRQ, actIRN, "190", "ASSAULT", "p")
	a.Goldstein, a.QuadClass, a.Place = -10, 4, propPlaces[0]
	b := ev(actIRQ, actGRC, "036", "CONSULT", "p")
	b.Goldstein, b.QuadClass, b.Date = 4, 1, "2020-02-02"
	r1 := e.submit("orgA/analyst", "one", "Iraq attacked Iran in Baghdad on Saturday morning, officials said.", relCellA, a, b)
	e.docs[r1].Quotes = []intelcell.Quote{{Speaker: actIRQ, Text: "we will answer", Direct: true, Span: intelcell.Span{Start: 0, End: 5}}}
	e.submit("orgB/analyst", "two", "Iraqi forces struck Iranian positions near Baghdad, a statement said.", relCellA, a)
	secret := e.submit("orgB/analyst", "three", "Private note on an Iraqi meeting with Greece.", relOrg, b)
	e.process()
	var p apihttp.Profile
	e.getJSON("orgA/reader", "/api/v1/actors/Q796/profile", &p)
	if len(p.Series) != 2 || p.Series[0].Count != 2 || p.Series[1].Count != 1 {
		t.Errorf("series %+v", p.Series)
	}
	if len(p.Opponents) != 1 || p.Opponents[0].Actor.Code != "IRN" || p.Opponents[0].Count != 2 || p.Opponents[0].Goldstein != -10 {
		t.Errorf("opponents %+v", p.Opponents)
	}
	if len(p.Partners) != 1 || p.Partners[0].Actor.Code != "GRC" || p.Partners[0].Count != 1 {
		t.Errorf("partners %+v (B's private meeting must not count)", p.Partners)
	}
	if len(p.Quotes) != 1 || p.Quotes[0].Text != "we will answer" || len(p.Places) != 1 || p.Places[0].Name != "Baghdad" {
		t.Errorf("quotes %+v places %+v", p.Quotes, p.Places)
	}
	var st struct {
		Stories []fuse.Story `json:"stories"`
	}
	e.getJSON("orgA/reader", "/api/v1/stories?from=2020-01-20&to=2020-02-10", &st)
	found := false
	for _, s := range st.Stories {
		if len(s.Reports) == 2 {
			found = true
		}
		if slices.Contains(s.Reports, secret) {
			t.Errorf("story reveals B's private report: %+v", s)
		}
	}
	if !found {
		t.Errorf("stories %+v: want the two reports of the strike together", st.Stories)
	}
	if code, _ := e.get("orgA/reader", "/api/v1/actors/Q0000/profile"); code != 404 {
		t.Errorf("unknown actor profile: %d", code)
	}
}

// TestMergedEventsLatency measures (prints, does not assert) the latency of
// GET /api/v1/merged-events over a store of a few thousand reports.
func TestMergedEventsLatency(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement")
	}
	ctx := context.Background()
	e := newCellEnv(t, []string{"org0", "org1", "org2"}, map[string][]string{"g": {"org0", "org1"}})
	rng := rand.New(rand.NewPCG(9, 9))
	const nReports, days = 4000, 120
	hs := make([]*happening, 1500)
	for i := range hs {
		code := propCodes[rng.IntN(len(propCodes))]
		src, tgt := propActors[rng.IntN(len(propActors))], propActors[rng.IntN(len(propActors))]
		hs[i] = &happening{src: src, tgt: tgt, cameo: code.cameo, plover: code.plover, place: propPlaces[rng.IntN(len(propPlaces))],
			date: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(days)).Format("2006-01-02"), killed: rng.IntN(5)}
		for range 60 {
			hs[i].wire = append(hs[i].wire, fuseVocab[rng.IntN(len(fuseVocab))])
		}
	}
	t0 := time.Now()
	for o := range 3 {
		org := fmt.Sprintf("org%d", o)
		v, _ := e.db.OrgViewer(ctx, org, intelcell.RoleAnalyst)
		var rs []*intelcell.Report
		for i := range nReports / 3 {
			h := hs[rng.IntN(len(hs))]
			words := slices.Clone(h.wire)
			words[rng.IntN(len(words))] = strconv.Itoa(i)
			rel := []intelcell.Release{{Audience: "cell", TLP: "green", Attribution: true}, {Audience: "groups", Groups: []string{"g"}, TLP: "amber"},
				{Audience: "org", TLP: "red", Attribution: true}}[rng.IntN(3)]
			if o == 2 && rel.Audience == "groups" {
				rel = intelcell.Release{Audience: "cell", TLP: "green"}
			}
			r := &intelcell.Report{Title: fmt.Sprintf("%s %d", org, i), Text: strings.Join(words, " "), Date: h.date, Release: rel}
			rs = append(rs, r)
			evs := []intelcell.Event{fuseEvent(h, rng), fuseEvent(hs[rng.IntN(len(hs))], rng), fuseEvent(hs[rng.IntN(len(hs))], rng)}
			e.docs["pending:"+r.Title] = synthDoc(evs...)
		}
		if _, err := e.db.CreateReports(ctx, v, rs); err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			e.docs[r.ID] = e.docs["pending:"+r.Title]
		}
	}
	e.process()
	load := time.Since(t0)
	var n int
	for _, who := range []string{"org0/reader", "org2/reader"} {
		var lat []time.Duration
		var ans mergedAnswer
		for i := range 15 {
			from := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i*7)%(days-30)).Format("2006-01-02")
			t1 := time.Now()
			e.getJSON(who, "/api/v1/merged-events?limit=1000&from="+from+"&to="+addDays(from, 29), &ans)
			lat = append(lat, time.Since(t1))
			n = len(ans.Merged)
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		msg := fmt.Sprintf("merged-events latency, %d reports (%d events) stored in %v, 30-day window as %s: p50 %v p95 %v max %v (last page: %d merged events)",
			nReports, 3*nReports, load.Round(time.Millisecond), who, lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)*95/100].Round(time.Millisecond),
			lat[len(lat)-1].Round(time.Millisecond), n)
		t.Log(msg)
		fmt.Println(msg)
	}
}

func addDays(date string, n int) string {
	d, _ := time.Parse("2006-01-02", date)
	return d.AddDate(0, 0, n).Format("2006-01-02")
}
