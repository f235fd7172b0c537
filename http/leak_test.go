package http_test

// Named regression tests, one per class of leak that our anchors (MISP,
// OpenCTI, Aleph) suffered between organisations, each on the real HTTP
// server (loopback listener) over a real SQLite file. Documents are
// synthetic (no extraction): what is tested is who learns what.

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
	apihttp "github.com/intelcell/intelcell/http"
	"github.com/intelcell/intelcell/sqlite"
)

// cellEnv is a server on loopback over a SQLite file with orgs, groups and
// a token of every role per org; jobs are finished with synthetic Documents.
type cellEnv struct {
	t      testing.TB
	url    string
	srv    *apihttp.Server
	db     intelcell.Store
	tokens map[string]string // "org/role" → secret
	docs   map[string]*intelcell.Document
	client *nethttp.Client
}

// openTestStore opens the store a cell test runs on: a fresh SQLite file by
// default; the PostgreSQL variants of the property test swap it.
var openTestStore = func(t testing.TB) intelcell.Store {
	db, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func newCellEnv(t testing.TB, orgs []string, groups map[string][]string) *cellEnv {
	t.Helper()
	ctx := context.Background()
	db := openTestStore(t)
	srv := apihttp.NewServer(db, nil)
	hs := httptest.NewServer(srv)
	e := &cellEnv{t: t, url: hs.URL, srv: srv, db: db, tokens: map[string]string{}, docs: map[string]*intelcell.Document{},
		client: &nethttp.Client{Transport: &nethttp.Transport{MaxIdleConnsPerHost: 8}}}
	t.Cleanup(func() { hs.Close(); srv.FlushAudit(); db.Close() })
	for _, o := range orgs {
		if _, err := db.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
		for _, r := range []intelcell.Role{intelcell.RoleCellAdmin, intelcell.RoleOrgAdmin, intelcell.RoleAnalyst, intelcell.RoleReader} {
			_, secret, err := db.CreateToken(ctx, o, r)
			if err != nil {
				t.Fatal(err)
			}
			e.tokens[o+"/"+string(r)] = secret
		}
	}
	for g, ms := range groups {
		if _, err := db.CreateGroup(ctx, g, ms); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// do sends a request as who ("" = anonymous; a key of tokens or a raw secret).
func (e *cellEnv) do(method, path, who, body string) (int, []byte) {
	e.t.Helper()
	req, err := nethttp.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if who != "" {
		tok, ok := e.tokens[who]
		if !ok {
			tok = who
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, b
}

func (e *cellEnv) get(who, path string) (int, []byte) {
	e.t.Helper()
	return e.do("GET", path, who, "")
}

// getJSON GETs path and decodes a 200 answer into v.
func (e *cellEnv) getJSON(who, path string, v any) {
	e.t.Helper()
	code, b := e.get(who, path)
	if code != 200 {
		e.t.Fatalf("GET %s as %s: %d %s", path, who, code, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		e.t.Fatalf("GET %s: %v", path, err)
	}
}

// submit posts a report through the API and returns its id.
func (e *cellEnv) submit(who, title, text string, release map[string]any, events ...intelcell.Event) string {
	e.t.Helper()
	req := map[string]any{"title": title, "text": text, "date": "2020-02-01"}
	if release != nil {
		req["release"] = release
	}
	b, _ := json.Marshal(req)
	code, body := e.do("POST", "/api/v1/reports", who, string(b))
	var m struct{ ID string }
	if code != 202 || json.Unmarshal(body, &m) != nil {
		e.t.Fatalf("submit as %s: %d %s", who, code, body)
	}
	e.docs[m.ID] = synthDoc(events...)
	return m.ID
}

// process finishes every queued job with its synthetic Document.
func (e *cellEnv) process() {
	e.t.Helper()
	ctx := context.Background()
	for {
		jobs, err := e.db.ClaimJobs(ctx, 100, time.Minute)
		if err != nil {
			e.t.Fatal(err)
		}
		if len(jobs) == 0 {
			return
		}
		res := make([]intelcell.JobResult, len(jobs))
		for i, j := range jobs {
			d := e.docs[j.ReportID]
			if d == nil {
				d = synthDoc()
			}
			res[i] = intelcell.JobResult{Job: j, Doc: d}
		}
		if err := e.db.FinishJobs(ctx, res); err != nil {
			e.t.Fatal(err)
		}
	}
}

// synthDoc is a Document with the given events and their actors as mentions.
func synthDoc(events ...intelcell.Event) *intelcell.Document {
	d := &intelcell.Document{Date: "2020-02-01", Mentions: []intelcell.Mention{}, Events: events, Quotes: []intelcell.Quote{}, Places: []intelcell.Place{}, Extractor: "test", KB: "kb"}
	if d.Events == nil {
		d.Events = []intelcell.Event{}
	}
	for _, ev := range events {
		for _, a := range []*intelcell.Actor{ev.Source, ev.Target} {
			if a != nil {
				d.Mentions = append(d.Mentions, intelcell.Mention{Start: 0, End: 1, Text: a.Name, Actor: *a})
			}
		}
	}
	return d
}

func strp(s string) *string { return &s }

var (
	actIRQ   = &intelcell.Actor{ID: "Q796", Code: "IRQ", Name: "Iraq", Kind: "state", Country: strp("IRQ")}
	actIRN   = &intelcell.Actor{ID: "Q794", Code: "IRN", Name: "Iran", Kind: "state", Country: strp("IRN")}
	actGRC   = &intelcell.Actor{ID: "Q41", Code: "GRC", Name: "Greece", Kind: "state", Country: strp("GRC")}
	actXSEC  = &intelcell.Actor{ID: "Q99999", Code: "XSECRET", Name: "Zorblax Front", Kind: "group"}
	relOrg   = map[string]any{"audience": "org", "tlp": "red", "attribution": true}
	relCellA = map[string]any{"audience": "cell", "tlp": "green", "attribution": true}
	relCellU = map[string]any{"audience": "cell", "tlp": "green", "attribution": false}
	relPubA  = map[string]any{"audience": "public", "tlp": "clear", "attribution": true}
)

func ev(src, tgt *intelcell.Actor, cameo, plover, pattern string) intelcell.Event {
	return intelcell.Event{Source: src, Target: tgt, Cameo: cameo, Plover: plover, Date: "2020-02-01", Pattern: pattern}
}

// missingID is a well-formed report id that no report has.
const missingID = "00000000deadbeef"

type searchAnswer struct {
	Reports []map[string]any `json:"reports"`
	Total   int              `json:"total"`
}

type eventsAnswer struct {
	Events []struct {
		ID        string   `json:"id"`
		Pattern   string   `json:"pattern"`
		ReportIDs []string `json:"report_ids"`
	} `json:"events"`
	Next *string `json:"next"`
}

type facetsAnswer struct {
	Count  int               `json:"count"`
	ByRoot []intelcell.Count `json:"by_root"`
}

type auditAnswer struct {
	Entries []map[string]any `json:"entries"`
	Next    *string          `json:"next"`
}

// csvRows returns the data rows of a CSV export.
func csvRows(t testing.TB, b []byte) [][]string {
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("csv: %v %q", err, b)
	}
	return rows[1:]
}

// TestLeakSearchIgnoringRule: full-text search (and the word filter of
// events) must apply the rule before matching, paginating and counting.
func TestLeakSearchIgnoringRule(t *testing.T) {
	e := newCellEnv(t, []string{"alpha", "beta"}, nil)
	secret := e.submit("alpha/analyst", "Quarterly", "the quixotic zanzibarite plan", relOrg, ev(actIRQ, actIRN, "190", "ASSAULT", "p1"))
	e.submit("beta/analyst", "Quarterly", "an ordinary plan", relCellA, ev(actIRQ, actIRN, "040", "CONSULT", "p2"))
	e.process()
	for _, who := range []string{"beta/reader", "beta/cell-admin", ""} {
		var s searchAnswer
		e.getJSON(who, "/api/v1/search?q=zanzibarite", &s)
		if len(s.Reports) != 0 || s.Total != 0 {
			t.Errorf("%q finds alpha's private report: %+v", who, s)
		}
		e.getJSON(who, "/api/v1/search?q=quarterly+plan&limit=1", &s)
		for _, r := range s.Reports {
			if r["id"] == secret {
				t.Errorf("%q: search on shared words returns the private report", who)
			}
		}
		var evs eventsAnswer
		e.getJSON(who, "/api/v1/events?q=zanzibarite", &evs)
		if len(evs.Events) != 0 {
			t.Errorf("%q: event word filter matches the private report: %+v", who, evs)
		}
	}
	var s searchAnswer
	e.getJSON("alpha/reader", "/api/v1/search?q=zanzibarite", &s)
	if s.Total != 1 || len(s.Reports) != 1 || s.Reports[0]["id"] != secret {
		t.Errorf("the owner does not find its own report: %+v", s)
	}
}

// TestLeakCountsAndFacetsOfInvisibleItems: totals, facets, actor-profile
// counts and export row counts count only visible items.
func TestLeakCountsAndFacetsOfInvisibleItems(t *testing.T) {
	e := newCellEnv(t, []string{"alpha", "beta"}, nil)
	e.submit("alpha/analyst", "a", "private words one", relOrg,
		ev(actIRQ, actIRN, "190", "ASSAULT", "a1"), ev(actIRQ, actIRN, "193", "ASSAULT", "a2"), ev(actIRN, actIRQ, "112", "ACCUSE", "a3"))
	e.submit("beta/analyst", "b", "shared words two", relCellA, ev(actIRQ, actIRN, "040", "CONSULT", "b1"))
	e.process()
	for _, who := range []string{"beta/reader", "beta/cell-admin"} {
		var f facetsAnswer
		e.getJSON(who, "/api/v1/events/facets", &f)
		if f.Count != 1 || len(f.ByRoot) != 1 || f.ByRoot[0].Key != "04" {
			t.Errorf("%s facets count invisible events: %+v", who, f)
		}
		e.getJSON(who, "/api/v1/events/facets?actor=Q796&cameo=19", &f)
		if f.Count != 0 || len(f.ByRoot) != 0 {
			t.Errorf("%s filtered facets: %+v", who, f)
		}
		var p intelcell.ActorProfile
		e.getJSON(who, "/api/v1/actors/Q796", &p)
		if p.ReportCount != 1 || p.AsSource != 1 || p.AsTarget != 0 || p.Mentions != 1 || len(p.ByRoot) != 1 {
			t.Errorf("%s actor profile counts invisible items: %+v", who, p)
		}
		var s searchAnswer
		e.getJSON(who, "/api/v1/search?q=words", &s)
		if s.Total != 1 {
			t.Errorf("%s search total %d", who, s.Total)
		}
		if _, b := e.get(who, "/api/v1/events?format=csv"); len(csvRows(t, b)) != 1 {
			t.Errorf("%s csv export rows: %s", who, b)
		}
		if _, b := e.get(who, "/api/v1/events?format=jsonl"); bytes.Count(b, []byte("\n")) != 1 {
			t.Errorf("%s jsonl export lines: %s", who, b)
		}
	}
	var f facetsAnswer
	e.getJSON("", "/api/v1/events/facets", &f)
	if f.Count != 0 {
		t.Errorf("anonymous facets: %+v", f)
	}
	e.getJSON("alpha/reader", "/api/v1/events/facets", &f)
	if f.Count != 4 {
		t.Errorf("alpha facets: %+v", f)
	}
}

// TestLeakCorrelationAndDedupHints: submitting content another org holds
// must answer exactly as for new content (no "duplicate", no shared id), and
// events, report ids and actor profiles never point to the other org's copy.
func TestLeakCorrelationAndDedupHints(t *testing.T) {
	e := newCellEnv(t, []string{"alpha", "beta"}, nil)
	text := "The Zorblax Front met Iraqi envoys in secret."
	a := e.submit("alpha/analyst", "Envoys", text, relOrg, ev(actXSEC, actIRQ, "040", "CONSULT", "a1"))
	// beta submits the very same text: a new report of its own, like any new content.
	b, _ := json.Marshal(map[string]any{"title": "Envoys", "text": text, "date": "2020-02-01", "release": relOrg})
	code, first := e.do("POST", "/api/v1/reports", "beta/analyst", string(b))
	var r1 map[string]any
	json.Unmarshal(first, &r1)
	if code != 202 || r1["duplicate"] != false || r1["id"] == a || r1["status"] != "queued" || bytes.Contains(first, []byte(a)) {
		t.Fatalf("beta's submission of alpha's text: %d %s", code, first)
	}
	bid := r1["id"].(string)
	e.docs[bid] = synthDoc(ev(actXSEC, actIRQ, "040", "CONSULT", "b1"))
	// Its own second submission is its own duplicate, and nothing more.
	code, second := e.do("POST", "/api/v1/reports", "beta/analyst", string(b))
	var r2 map[string]any
	json.Unmarshal(second, &r2)
	if code != 202 || r2["duplicate"] != true || r2["id"] != bid {
		t.Errorf("beta's resubmission: %d %s", code, second)
	}
	e.process()
	_, rb := e.get("beta/reader", "/api/v1/reports/"+bid)
	var rep map[string]any
	json.Unmarshal(rb, &rep)
	if bytes.Contains(rb, []byte(a)) || bytes.Contains(rb, []byte("alpha")) || len(rep["sources"].([]any)) != 1 {
		t.Errorf("beta's report mentions alpha's copy: %s", rb)
	}
	var evs eventsAnswer
	e.getJSON("beta/reader", "/api/v1/events?actor=Q99999", &evs)
	if len(evs.Events) != 1 || len(evs.Events[0].ReportIDs) != 1 || evs.Events[0].ReportIDs[0] != bid {
		t.Errorf("beta's events point beyond its report: %+v", evs)
	}
	var p intelcell.ActorProfile
	e.getJSON("beta/reader", "/api/v1/actors/Q99999", &p)
	if p.ReportCount != 1 || p.AsSource != 1 {
		t.Errorf("beta's actor profile counts alpha's copy: %+v", p)
	}
	var s searchAnswer
	e.getJSON("beta/reader", "/api/v1/search?q=Zorblax", &s)
	if s.Total != 1 || len(s.Reports) != 1 || s.Reports[0]["id"] != bid {
		t.Errorf("beta's search: %+v", s)
	}
	// Nor does the audit log tell beta that alpha submitted it.
	e.srv.FlushAudit()
	_, ab := e.get("beta/admin", "/api/v1/audit?limit=1000")
	if bytes.Contains(ab, []byte(a)) || bytes.Contains(ab, []byte("alpha")) {
		t.Errorf("beta's audit view mentions alpha's copy: %s", ab)
	}
}

// TestLeakAuditLogAcrossOrgs: the audit log is the cell's memory of who
// looked at what; another org's reads, searches and exports — and entries
// about reports one may not see — never show.
func TestLeakAuditLogAcrossOrgs(t *testing.T) {
	e := newCellEnv(t, []string{"alpha", "beta", "gamma"}, map[string][]string{"ab": {"alpha", "beta"}})
	private := e.submit("alpha/analyst", "p", "private text", relOrg)
	shared := e.submit("alpha/analyst", "s", "shared text", relCellU)
	grp := e.submit("alpha/analyst", "g", "group text", map[string]any{"audience": "groups", "groups": []string{"ab"}, "attribution": true})
	e.process()
	e.get("alpha/reader", "/api/v1/reports/"+private)
	e.get("alpha/reader", "/api/v1/search?q=alphasecretquery")
	e.get("alpha/reader", "/api/v1/events?format=csv&actor=alphaexportfilter")
	e.get("beta/reader", "/api/v1/reports/"+shared)
	e.get("beta/reader", "/api/v1/search?q=betasecretquery")
	e.get("beta/reader", "/api/v1/reports/"+private) // a 404: beta's own attempt
	e.do("PUT", "/api/v1/reports/"+grp+"/release", "alpha/admin", `{"audience":"groups","groups":["ab"],"tlp":"amber","attribution":true}`)
	e.srv.FlushAudit()

	get := func(who, q string) []map[string]any {
		var a auditAnswer
		e.getJSON(who, "/api/v1/audit"+q, &a)
		return a.Entries
	}
	// gamma: only its own (none yet) and the owner's creation of the cell
	// report, without the (unattributed) owner.
	for _, en := range get("gamma/reader", "?limit=1000") {
		if en["report"] != shared || en["action"] != "create" || en["org"] != nil || en["token"] != nil || en["seq"] != nil || en["hash"] != nil {
			t.Errorf("gamma sees %v", en)
		}
	}
	// beta: its own entries (except those about reports it cannot see), the
	// owner's creations/changes of reports it sees; never alpha's reads or searches.
	_, raw := e.get("beta/reader", "/api/v1/audit?limit=1000")
	for _, s := range []string{"alphasecretquery", "alphaexportfilter", private, e.tokens["alpha/reader"]} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("beta's audit view contains %q: %s", s, raw)
		}
	}
	var sawOwn, sawGroupChange bool
	for _, en := range get("beta/reader", "?limit=1000") {
		switch {
		case en["org"] == "beta":
			sawOwn = sawOwn || strings.Contains(fmt.Sprint(en["detail"]), "betasecretquery")
		case en["report"] == grp && en["action"] == "change":
			sawGroupChange = en["org"] == "alpha" && en["detail"] == nil
		case en["action"] == "create" && (en["report"] == grp || en["report"] == shared):
		default:
			t.Errorf("beta sees %v", en)
		}
	}
	if !sawOwn || !sawGroupChange {
		t.Errorf("beta misses its own search (%v) or alpha's attributed release change (%v)", sawOwn, sawGroupChange)
	}
	// Filtering by another org gives nothing of its reads.
	for _, en := range get("beta/admin", "?org=alpha&limit=1000") {
		if en["action"] != "create" && en["action"] != "change" {
			t.Errorf("beta filters alpha's entries: %v", en)
		}
	}
	// The same answer for a report beta cannot see and one that does not exist.
	_, b1 := e.get("beta/reader", "/api/v1/audit?report="+private)
	_, b2 := e.get("beta/reader", "/api/v1/audit?report="+missingID)
	if !bytes.Equal(b1, b2) {
		t.Errorf("audit by invisible report %s vs missing %s", b1, b2)
	}
	// The anonymous caller has no audit log; a cell admin has all of it.
	if code, _ := e.get("", "/api/v1/audit"); code != 401 {
		t.Errorf("anonymous audit: %d", code)
	}
	_, all := e.get("beta/cell-admin", "/api/v1/audit?limit=1000")
	for _, s := range []string{"alphasecretquery", "betasecretquery", private, `"hash"`, `"seq"`} {
		if !bytes.Contains(all, []byte(s)) {
			t.Errorf("cell admin's audit view lacks %q", s)
		}
	}
	if n, _, err := intelcell.VerifyAudit(context.Background(), e.db); err != nil || n < 10 {
		t.Errorf("chain: %d %v", n, err)
	}
}

// TestLeakSharingGroupMemberLists: who is in a group is known only to its
// members — in the group list, in a report's release and in error messages.
func TestLeakSharingGroupMemberLists(t *testing.T) {
	e := newCellEnv(t, []string{"alpha", "beta", "gamma", "delta"},
		map[string][]string{"ab": {"alpha", "beta"}, "ag": {"alpha", "gamma"}, "gd": {"gamma", "delta"}})
	id := e.submit("alpha/analyst", "t", "to two groups", map[string]any{"audience": "groups", "groups": []string{"ab", "ag"}, "attribution": true})
	e.process()
	for _, who := range []string{"beta/reader", "beta/admin"} {
		_, b := e.get(who, "/api/v1/groups")
		var g struct{ Groups []intelcell.Group }
		json.Unmarshal(b, &g)
		if len(g.Groups) != 1 || g.Groups[0].Name != "ab" || bytes.Contains(b, []byte("gamma")) || bytes.Contains(b, []byte("gd")) || bytes.Contains(b, []byte("delta")) {
			t.Errorf("%s's group list: %s", who, b)
		}
		_, b = e.get(who, "/api/v1/reports/"+id)
		var r intelcell.Report
		json.Unmarshal(b, &r)
		if len(r.Release.Groups) != 1 || r.Release.Groups[0] != "ab" || bytes.Contains(b, []byte(`"ag"`)) {
			t.Errorf("%s reads the report's groups: %s", who, b)
		}
		_, b = e.get(who, "/api/v1/search?q=groups")
		if bytes.Contains(b, []byte(`"ag"`)) {
			t.Errorf("%s's search shows group ag: %s", who, b)
		}
	}
	if _, b := e.get("delta/reader", "/api/v1/groups"); bytes.Contains(b, []byte("alpha")) || !bytes.Contains(b, []byte("gamma")) {
		t.Errorf("delta's group list: %s", b)
	}
	if code, _ := e.get("", "/api/v1/groups"); code != 401 {
		t.Errorf("anonymous group list: %d", code)
	}
}

// TestLeakExistence403vs404: for reports, actors and groups, something that
// exists but is not visible answers with the same status and the same body
// as something that does not exist.
func TestLeakExistence403vs404(t *testing.T) {
	e := newCellEnv(t, []string{"alpha", "beta", "gamma"}, map[string][]string{"ag": {"alpha", "gamma"}, "ab": {"alpha", "beta"}})
	private := e.submit("alpha/analyst", "p", "private", relOrg, ev(actXSEC, actIRQ, "190", "ASSAULT", "x"))
	e.process()
	same := func(what string, c1 int, b1 []byte, c2 int, b2 []byte) {
		t.Helper()
		if c1 != c2 || !bytes.Equal(b1, b2) {
			t.Errorf("%s: invisible %d %s / missing %d %s", what, c1, b1, c2, b2)
		}
	}
	for _, who := range []string{"beta/reader", "beta/admin", "beta/cell-admin", ""} {
		c1, b1 := e.get(who, "/api/v1/reports/"+private)
		c2, b2 := e.get(who, "/api/v1/reports/"+missingID)
		same(who+" report", c1, b1, c2, b2)
		if c1 != 404 {
			t.Errorf("%s report: %d", who, c1)
		}
		c1, b1 = e.get(who, "/api/v1/actors/Q99999")
		c2, b2 = e.get(who, "/api/v1/actors/Q00000")
		same(who+" actor", c1, b1, c2, b2)
		c1, b1 = e.get(who, "/api/v1/actors/XSECRET")
		same(who+" actor by code", c1, b1, c2, b2)
		c1, b1 = e.get(who, "/api/v1/events?report="+private)
		c2, b2 = e.get(who, "/api/v1/events?report="+missingID)
		same(who+" events of a report", c1, b1, c2, b2)
		c1, b1 = e.get(who, "/api/v1/events/facets?report="+private)
		c2, b2 = e.get(who, "/api/v1/events/facets?report="+missingID)
		same(who+" facets of a report", c1, b1, c2, b2)
	}
	// Changing the release: an org admin of another org gets 404, not 403.
	rel := `{"audience":"cell","tlp":"green"}`
	c1, b1 := e.do("PUT", "/api/v1/reports/"+private+"/release", "beta/admin", rel)
	c2, b2 := e.do("PUT", "/api/v1/reports/"+missingID+"/release", "beta/admin", rel)
	same("release change", c1, b1, c2, b2)
	// Groups: naming a group one is not in answers as naming none that exists.
	post := func(group string) (int, []byte) {
		b, _ := json.Marshal(map[string]any{"text": "x", "release": map[string]any{"audience": "groups", "groups": []string{group}}})
		code, body := e.do("POST", "/api/v1/reports", "beta/analyst", string(b))
		return code, bytes.ReplaceAll(body, []byte(`\"`+group+`\"`), []byte("NAME"))
	}
	c1, b1 = post("ag")
	c2, b2 = post("nosuchgroup")
	same("group in a release", c1, b1, c2, b2)
	c1, b1 = e.do("PUT", "/api/v1/reports/"+e.submit("beta/analyst", "b", "beta's own", relOrg)+"/release", "beta/admin", `{"audience":"groups","groups":["ag"]}`)
	c2, b2 = e.do("PUT", "/api/v1/reports/"+e.submit("beta/analyst", "b", "beta's other", relOrg)+"/release", "beta/admin", `{"audience":"groups","groups":["nosuchgroup"]}`)
	same("group in a release change", c1, bytes.ReplaceAll(b1, []byte(`\"ag\"`), []byte("N")), c2, bytes.ReplaceAll(b2, []byte(`\"nosuchgroup\"`), []byte("N")))
}

// TestLeakAttributionThroughExportsAndJSON: an unattributed report never
// names its org to others — not in the report JSON, search results, event
// lists, CSV or JSON Lines exports, nor the audit log.
func TestLeakAttributionThroughExportsAndJSON(t *testing.T) {
	e := newCellEnv(t, []string{"alpha", "beta"}, nil)
	id := e.submit("alpha/analyst", "Field note", "Greece consulted Iran.", relCellU, ev(actGRC, actIRN, "040", "CONSULT", "u1"))
	att := e.submit("alpha/analyst", "Signed note", "Iraq consulted Iran.", relCellA, ev(actIRQ, actIRN, "040", "CONSULT", "a1"))
	e.process()
	e.srv.FlushAudit()
	for _, path := range []string{
		"/api/v1/reports/" + id, "/api/v1/search?q=Greece", "/api/v1/events?actor=Q41",
		"/api/v1/events?actor=Q41&format=csv", "/api/v1/events?actor=Q41&format=jsonl", "/api/v1/actors/Q41",
		"/api/v1/audit?report=" + id,
	} {
		for _, who := range []string{"beta/reader", "beta/cell-admin"} {
			if path == "/api/v1/audit?report="+id && who == "beta/cell-admin" {
				continue // the cell admin reads the whole log
			}
			code, b := e.get(who, path)
			if code != 200 || bytes.Contains(b, []byte("alpha")) {
				t.Errorf("%s %s names the unattributed org: %d %s", who, path, code, b)
			}
		}
	}
	_, b := e.get("alpha/reader", "/api/v1/reports/"+id)
	if !bytes.Contains(b, []byte(`"org":"alpha"`)) {
		t.Errorf("the owner does not see its own org: %s", b)
	}
	_, b = e.get("beta/reader", "/api/v1/reports/"+att)
	if !bytes.Contains(b, []byte(`"org":"alpha"`)) {
		t.Errorf("an attributed report hides its org: %s", b)
	}
}

// TestLeakNarrowedReleaseStillServed: narrowing a release, or removing an
// org from a group, takes effect for the very next request on every read path.
func TestLeakNarrowedReleaseStillServed(t *testing.T) {
	e := newCellEnv(t, []string{"alpha", "beta"}, map[string][]string{"ab": {"alpha", "beta"}})
	id := e.submit("alpha/analyst", "Wide", "the vexillological summit", relPubA, ev(actXSEC, actGRC, "036", "CONSULT", "w1"))
	e.process()
	paths := []string{"/api/v1/reports/" + id, "/api/v1/events?actor=Q99999", "/api/v1/events?actor=Q99999&format=csv",
		"/api/v1/events?actor=Q99999&format=jsonl", "/api/v1/search?q=vexillological", "/api/v1/events/facets?actor=Q99999",
		"/api/v1/actors/Q99999", "/api/v1/audit?report=" + id}
	visible := func(who, path string) bool {
		code, b := e.get(who, path)
		switch {
		case strings.Contains(path, "format=csv"):
			return len(csvRows(t, b)) > 0
		case strings.Contains(path, "format=jsonl"):
			return len(b) > 0
		case strings.HasPrefix(path, "/api/v1/audit"):
			if code == 401 {
				return false
			}
			var a auditAnswer
			json.Unmarshal(b, &a)
			return len(a.Entries) > 0
		case strings.Contains(path, "facets"):
			var f facetsAnswer
			json.Unmarshal(b, &f)
			return f.Count > 0
		case strings.Contains(path, "search"):
			var s searchAnswer
			json.Unmarshal(b, &s)
			return s.Total > 0 || len(s.Reports) > 0
		case strings.Contains(path, "/events"):
			var ea eventsAnswer
			json.Unmarshal(b, &ea)
			return len(ea.Events) > 0
		}
		return code == 200
	}
	expect := func(when string, want map[string]bool) {
		t.Helper()
		e.srv.FlushAudit()
		for who, w := range want {
			for _, p := range paths {
				if p == "/api/v1/audit?report="+id && (who == "" || strings.HasSuffix(who, "/cell-admin")) {
					continue // no audit log without a token; all of it for a cell admin
				}
				if got := visible(who, p); got != w {
					t.Errorf("%s: %q %s visible %v, want %v", when, who, p, got, w)
				}
			}
		}
	}
	expect("public", map[string]bool{"": true, "beta/reader": true, "alpha/reader": true})
	put := func(rel string) {
		if code, b := e.do("PUT", "/api/v1/reports/"+id+"/release", "alpha/admin", rel); code != 200 {
			t.Fatalf("narrow: %d %s", code, b)
		}
	}
	put(`{"audience":"groups","groups":["ab"],"tlp":"amber","attribution":true}`)
	expect("groups ab", map[string]bool{"": false, "beta/reader": true, "alpha/reader": true})
	if err := e.db.SetGroupMember(context.Background(), "ab", "beta", false); err != nil {
		t.Fatal(err)
	}
	expect("beta left ab", map[string]bool{"": false, "beta/reader": false, "alpha/reader": true})
	e.db.SetGroupMember(context.Background(), "ab", "beta", true)
	expect("beta back in ab", map[string]bool{"beta/reader": true})
	put(`{"audience":"org","tlp":"red"}`)
	expect("org only", map[string]bool{"": false, "beta/reader": false, "beta/cell-admin": false, "alpha/reader": true})
	// And the 404 is the 404 of a missing report.
	_, b1 := e.get("beta/reader", "/api/v1/reports/"+id)
	_, b2 := e.get("beta/reader", "/api/v1/reports/"+missingID)
	if !bytes.Equal(b1, b2) {
		t.Errorf("narrowed report answers %s, missing %s", b1, b2)
	}
}

// TestLeakOverviewCountsOfOrgOnlyReport: the overview (per-day counts,
// totals, top actors and dyads, CAMEO roots, the default window's end) of
// another org counts nothing of an org-only report — not even through the
// default window ending on the private report's later event date.
func TestLeakOverviewCountsOfOrgOnlyReport(t *testing.T) {
	e := newCellEnv(t, []string{"alpha", "beta"}, nil)
	late := func(ev intelcell.Event) intelcell.Event { ev.Date = "2020-03-15"; return ev }
	e.submit("alpha/analyst", "private", "the Zorblax Front attacked", relOrg,
		late(ev(actXSEC, actIRQ, "190", "ASSAULT", "a1")), late(ev(actXSEC, actIRQ, "193", "ASSAULT", "a2")), late(ev(actXSEC, actIRN, "112", "ACCUSE", "a3")))
	e.submit("beta/analyst", "shared", "Iraq and Iran consulted", relCellA, ev(actIRQ, actIRN, "040", "CONSULT", "b1"))
	e.process()
	var o intelcell.Overview
	for _, who := range []string{"beta/reader", "beta/admin", "beta/cell-admin"} {
		e.getJSON(who, "/api/v1/overview", &o)
		if o.To != "2020-02-01" || o.Reports != 1 || o.Events != 1 || o.Actors != 2 || len(o.ByRoot) != 1 || o.ByRoot[0].Key != "04" ||
			fmt.Sprint(o.EventsPerDay) != "[{2020-02-01 1}]" || fmt.Sprint(o.ReportsPerDay) != "[{2020-02-01 1}]" || len(o.TopDyads) != 1 {
			t.Errorf("%s overview counts alpha's org-only report: %+v", who, o)
		}
		for _, a := range o.TopActors {
			if a.Actor.ID == actXSEC.ID || a.Actor.Name == actXSEC.Name {
				t.Errorf("%s overview names alpha's private actor: %+v", who, o.TopActors)
			}
		}
		// A window around the private report's dates only: nothing.
		e.getJSON(who, "/api/v1/overview?from=2020-03-01&to=2020-03-31", &o)
		if o.Reports != 0 || o.Events != 0 || o.Actors != 0 || len(o.TopActors) != 0 || len(o.ByRoot) != 0 || len(o.EventsPerDay) != 0 {
			t.Errorf("%s overview of March counts alpha's events: %+v", who, o)
		}
	}
	e.getJSON("", "/api/v1/overview?from=2020-01-01&to=2020-12-31", &o)
	if o.Reports != 0 || o.Events != 0 {
		t.Errorf("anonymous overview: %+v", o)
	}
	e.getJSON("alpha/reader", "/api/v1/overview", &o)
	if o.To != "2020-03-15" || o.Reports != 2 || o.Events != 4 || len(o.TopActors) != 3 || o.TopActors[0].Actor.ID != actIRQ.ID || o.TopActors[0].Count != 3 {
		t.Errorf("alpha's own overview: %+v", o)
	}
}
