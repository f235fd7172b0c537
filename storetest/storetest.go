// Package storetest is the conformance suite every intelcell.Store must pass
// (SQLite now, PostgreSQL later): the cell's administration, durable reports
// and deduplication, the job queue, event queries, and — above all — that
// every read path answers exactly what the pure intelcell.Visible rule allows.
//
// A store's test calls Run with a function that returns a new, empty store.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
)

// NewStore returns a new, empty store for one test; the test's cleanup
// closes it.
type NewStore func(t *testing.T) intelcell.Store

// Run runs the whole suite.
func Run(t *testing.T, newStore NewStore) {
	t.Run("Cell", func(t *testing.T) { testCell(t, newStore(t)) })
	t.Run("Reports", func(t *testing.T) { testReports(t, newStore(t)) })
	t.Run("Jobs", func(t *testing.T) { testJobs(t, newStore(t)) })
	t.Run("Events", func(t *testing.T) { testEvents(t, newStore(t)) })
	t.Run("Release", func(t *testing.T) { testRelease(t, newStore(t)) })
	t.Run("ActorOnlyInEvents", func(t *testing.T) { testActorOnlyInEvents(t, newStore(t)) })
	t.Run("VisibilityProperty", func(t *testing.T) { testVisibilityProperty(t, newStore) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, newStore(t)) })                   // audit.go
	t.Run("DefaultRelease", func(t *testing.T) { testDefaultRelease(t, newStore(t)) }) // audit.go
	t.Run("Fusion", func(t *testing.T) { testFusion(t, newStore) })                    // fusion.go
	t.Run("Overview", func(t *testing.T) { testOverview(t, newStore(t)) })             // overview.go
	t.Run("TokenNames", func(t *testing.T) { testTokenNames(t, newStore(t)) })         // token.go
}

func code(err error) string { return intelcell.ErrorCode(err) }

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// cell is a small fixture: orgs with tokens.
type cell struct {
	s       intelcell.Store
	viewers map[string]intelcell.Viewer // "org/role"
	secrets map[string]string
}

func newCell(t *testing.T, s intelcell.Store, orgs []string, groups map[string][]string) *cell {
	t.Helper()
	ctx := context.Background()
	c := &cell{s: s, viewers: map[string]intelcell.Viewer{}, secrets: map[string]string{}}
	for _, o := range orgs {
		if _, err := s.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	sort.Strings(names)
	for _, g := range names {
		if _, err := s.CreateGroup(ctx, g, groups[g]); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range orgs {
		for _, r := range []intelcell.Role{intelcell.RoleCellAdmin, intelcell.RoleOrgAdmin, intelcell.RoleAnalyst, intelcell.RoleReader} {
			_, secret, err := s.CreateToken(ctx, o, r)
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.Authenticate(ctx, secret)
			if err != nil {
				t.Fatal(err)
			}
			c.viewers[o+"/"+string(r)] = v
			c.secrets[o+"/"+string(r)] = secret
		}
	}
	return c
}

func (c *cell) v(key string) intelcell.Viewer { return c.viewers[key] }

func report(title, text string, rel intelcell.Release) *intelcell.Report {
	return &intelcell.Report{Title: title, Text: text, Date: "2020-01-15", Source: "test", Release: rel}
}

var (
	relOrg    = intelcell.Release{Audience: intelcell.AudienceOrg, TLP: intelcell.TLPRed, Attribution: true}
	relCell   = intelcell.Release{Audience: intelcell.AudienceCell, TLP: intelcell.TLPGreen, Attribution: true}
	relPublic = intelcell.Release{Audience: intelcell.AudiencePublic, TLP: intelcell.TLPClear, Attribution: false}
)

func testCell(t *testing.T, s intelcell.Store) {
	ctx := context.Background()
	c := newCell(t, s, []string{"alpha", "beta", "gamma"}, map[string][]string{"ab": {"alpha", "beta"}})
	if _, err := s.CreateOrg(ctx, "alpha"); code(err) != intelcell.ECONFLICT {
		t.Errorf("duplicate org: %v", err)
	}
	if _, err := s.CreateOrg(ctx, " "); code(err) != intelcell.EINVALID {
		t.Errorf("blank org: %v", err)
	}
	if _, err := s.CreateGroup(ctx, "ab", nil); code(err) != intelcell.ECONFLICT {
		t.Errorf("duplicate group: %v", err)
	}
	if _, err := s.CreateGroup(ctx, "x", []string{"nobody"}); code(err) != intelcell.EINVALID {
		t.Errorf("group with unknown org: %v", err)
	}
	orgs := must[[]*intelcell.Org](t)(s.FindOrgs(ctx))
	if len(orgs) != 3 || orgs[0].Name != "alpha" {
		t.Errorf("orgs: %+v", orgs)
	}
	a := c.v("alpha/reader")
	if a.OrgName != "alpha" || a.Role != intelcell.RoleReader || !slices.Equal(a.Groups, []string{"ab"}) {
		t.Errorf("viewer: %+v", a)
	}
	if g := c.v("gamma/reader"); len(g.Groups) != 0 {
		t.Errorf("gamma groups: %+v", g.Groups)
	}
	// Member lists only for members.
	if gs := must[[]*intelcell.Group](t)(s.FindGroups(ctx, c.v("gamma/admin"))); len(gs) != 0 {
		t.Errorf("gamma sees groups: %+v", gs)
	}
	if gs := must[[]*intelcell.Group](t)(s.FindGroups(ctx, c.v("beta/reader"))); len(gs) != 1 || !slices.Equal(gs[0].Orgs, []string{"alpha", "beta"}) {
		t.Errorf("beta groups: %+v", gs)
	}
	if gs := must[[]*intelcell.Group](t)(s.FindGroups(ctx, intelcell.Viewer{})); len(gs) != 0 {
		t.Errorf("anonymous sees groups: %+v", gs)
	}
	// Membership changes take effect at the next authentication.
	if err := s.SetGroupMember(ctx, "ab", "gamma", true); err != nil {
		t.Fatal(err)
	}
	if v := must[intelcell.Viewer](t)(s.Authenticate(ctx, c.secrets["gamma/reader"])); !slices.Equal(v.Groups, []string{"ab"}) {
		t.Errorf("after add: %+v", v.Groups)
	}
	if err := s.SetGroupMember(ctx, "ab", "gamma", false); err != nil {
		t.Fatal(err)
	}
	if v := must[intelcell.Viewer](t)(s.Authenticate(ctx, c.secrets["gamma/reader"])); len(v.Groups) != 0 {
		t.Errorf("after remove: %+v", v.Groups)
	}
	if err := s.SetGroupMember(ctx, "nope", "gamma", true); code(err) != intelcell.ENOTFOUND {
		t.Errorf("unknown group: %v", err)
	}
	// Tokens: unknown secret, revocation, roles, listing without secrets.
	if _, err := s.Authenticate(ctx, "icl_nonsense"); code(err) != intelcell.EUNAUTHORIZED {
		t.Errorf("unknown secret: %v", err)
	}
	if _, _, err := s.CreateToken(ctx, "alpha", "god"); code(err) != intelcell.EINVALID {
		t.Errorf("bad role: %v", err)
	}
	if _, _, err := s.CreateToken(ctx, "nobody", intelcell.RoleReader); code(err) != intelcell.ENOTFOUND {
		t.Errorf("token for unknown org: %v", err)
	}
	tok, secret := func() (*intelcell.Token, string) {
		tk, sec, err := s.CreateToken(ctx, "beta", intelcell.RoleAnalyst)
		if err != nil {
			t.Fatal(err)
		}
		return tk, sec
	}()
	if len(secret) < 40 || strings.Contains(secret, tok.ID) {
		t.Errorf("weak secret %q", secret)
	}
	toks := must[[]*intelcell.Token](t)(s.FindTokens(ctx, "beta"))
	if len(toks) != 5 {
		t.Errorf("beta tokens: %d", len(toks))
	}
	for _, tk := range toks {
		if tk.LastUsed == nil && tk.ID != tok.ID {
			t.Errorf("token %s used but no last-used time", tk.ID)
		}
	}
	if err := s.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, secret); code(err) != intelcell.EUNAUTHORIZED {
		t.Errorf("revoked token: %v", err)
	}
	if err := s.RevokeToken(ctx, "nope"); code(err) != intelcell.ENOTFOUND {
		t.Errorf("revoke unknown: %v", err)
	}
	v := must[intelcell.Viewer](t)(s.OrgViewer(ctx, "alpha", intelcell.RoleAnalyst))
	if v.Org != a.Org || !slices.Equal(v.Groups, a.Groups) {
		t.Errorf("OrgViewer %+v", v)
	}
}

func testReports(t *testing.T, s intelcell.Store) {
	ctx := context.Background()
	c := newCell(t, s, []string{"alpha", "beta"}, map[string][]string{"ab": {"alpha", "beta"}, "a": {"alpha"}})
	an := c.v("alpha/analyst")
	bad := []struct {
		name string
		r    *intelcell.Report
		code string
	}{
		{"no text", report("", " ", relOrg), intelcell.EINVALID},
		{"bad date", &intelcell.Report{Text: "x", Date: "15/01/2020", Release: relOrg}, intelcell.EINVALID},
		{"red public", report("t", "x", intelcell.Release{Audience: intelcell.AudiencePublic, TLP: intelcell.TLPRed}), intelcell.EINVALID},
		{"unknown audience", report("t", "x", intelcell.Release{Audience: "world", TLP: intelcell.TLPClear}), intelcell.EINVALID},
		{"foreign group", report("t", "x", intelcell.Release{Audience: intelcell.AudienceGroups, Groups: []string{"zz"}, TLP: intelcell.TLPAmber}), intelcell.EINVALID},
		{"too large", report("t", strings.Repeat("x", intelcell.MaxReportText+1), relOrg), intelcell.ETOOLARGE},
	}
	for _, b := range bad {
		if _, err := s.CreateReport(ctx, an, b.r); code(err) != b.code {
			t.Errorf("%s: got %v, want %s", b.name, err, b.code)
		}
	}
	if _, err := s.CreateReport(ctx, c.v("alpha/reader"), report("t", "x", relOrg)); code(err) != intelcell.EFORBIDDEN {
		t.Errorf("reader submits: %v", err)
	}
	if _, err := s.CreateReport(ctx, intelcell.Viewer{}, report("t", "x", relOrg)); code(err) != intelcell.EFORBIDDEN {
		t.Errorf("anonymous submits: %v", err)
	}

	r1 := report("Talks", "Jordan met Egypt in Amman.", relPublic)
	r1.Source, r1.URL = "wire", "https://example.org/1"
	if created, err := s.CreateReport(ctx, an, r1); err != nil || !created || r1.ID == "" || r1.Status != intelcell.StatusQueued {
		t.Fatalf("create: %v %v %+v", created, err, r1)
	}
	// Same content, same org: one report, both sources.
	r2 := report("Talks", "Jordan met Egypt in Amman.", relPublic)
	r2.Source, r2.URL = "feed", "https://example.org/2"
	if created, err := s.CreateReport(ctx, an, r2); err != nil || created || r2.ID != r1.ID {
		t.Fatalf("dedup: %v %v %s vs %s", created, err, r2.ID, r1.ID)
	}
	got, _ := must[*intelcell.Report](t)(func() (*intelcell.Report, error) {
		r, _, err := s.FindReport(ctx, an, r1.ID)
		return r, err
	}()), 0
	if len(got.Sources) != 2 || got.OrgName != "alpha" || got.Text != r1.Text || got.ContentHash != intelcell.ContentHash("Talks", r1.Text) {
		t.Errorf("report: %+v", got)
	}
	// Same content, other org: a separate report (no cross-org hint).
	r3 := report("Talks", "Jordan met Egypt in Amman.", relOrg)
	if created, err := s.CreateReport(ctx, c.v("beta/analyst"), r3); err != nil || !created || r3.ID == r1.ID {
		t.Errorf("cross-org dedup: %v %v", created, err)
	}
	// Attribution false: others see content, not the org.
	pub, _, err := s.FindReport(ctx, intelcell.Viewer{}, r1.ID)
	if err != nil || pub.OrgName != "" || pub.Text == "" {
		t.Errorf("anonymous read of public report: %v %+v", err, pub)
	}
	if b, _, err := s.FindReport(ctx, c.v("beta/reader"), r1.ID); err != nil || b.OrgName != "" {
		t.Errorf("beta read: %v %+v", err, b)
	}
	// Invisible and missing answer the same.
	_, _, e1 := s.FindReport(ctx, c.v("alpha/cell-admin"), r3.ID)
	_, _, e2 := s.FindReport(ctx, c.v("alpha/cell-admin"), "0000000000000000")
	if code(e1) != intelcell.ENOTFOUND || e1.Error() != e2.Error() {
		t.Errorf("invisible %v vs missing %v", e1, e2)
	}
	// Group names one is not in are not shown.
	rg := report("g", "Groups report", intelcell.Release{Audience: intelcell.AudienceGroups, Groups: []string{"ab", "a"}, TLP: intelcell.TLPAmber, Attribution: true})
	must[bool](t)(s.CreateReport(ctx, an, rg))
	if b, _, err := s.FindReport(ctx, c.v("beta/reader"), rg.ID); err != nil || !slices.Equal(b.Release.Groups, []string{"ab"}) {
		t.Errorf("beta sees groups %v (%v)", b.Release.Groups, err)
	}
	if a, _, err := s.FindReport(ctx, an, rg.ID); err != nil || len(a.Release.Groups) != 2 {
		t.Errorf("owner sees groups %v (%v)", a.Release.Groups, err)
	}
	// Batch create.
	batch := []*intelcell.Report{report("b1", "one two", relCell), report("b2", "three four", relCell), report("b1", "one two", relCell)}
	created, err := s.CreateReports(ctx, an, batch)
	if err != nil || !slices.Equal(created, []bool{true, true, false}) || batch[2].ID != batch[0].ID {
		t.Errorf("batch: %v %v", created, err)
	}
	// Search and counts.
	rs, next, err := s.SearchReports(ctx, c.v("beta/reader"), intelcell.ReportFilter{Query: "Jordan Egypt"})
	if err != nil || len(rs) != 2 || next != "" {
		t.Errorf("beta search: %v %d", err, len(rs)) // r1 (public) and r3 (own)
	}
	for _, r := range rs {
		if r.ID == r1.ID && r.OrgName != "" {
			t.Errorf("search leaks attribution")
		}
	}
	if n, err := s.CountReports(ctx, intelcell.Viewer{}, ""); err != nil || n != 1 {
		t.Errorf("anonymous count %d %v", n, err)
	}
	if _, _, err := s.SearchReports(ctx, an, intelcell.ReportFilter{Query: "  ;; "}); code(err) != intelcell.EINVALID {
		t.Errorf("empty query: %v", err)
	}
	if _, _, err := s.SearchReports(ctx, an, intelcell.ReportFilter{Query: "Jordan", Sort: "oldest"}); code(err) != intelcell.EINVALID {
		t.Errorf("unknown sort: %v", err)
	}
	// FTS syntax in the words is just words.
	if _, _, err := s.SearchReports(ctx, an, intelcell.ReportFilter{Query: `"unbalanced AND OR NEAR( *`}); err != nil {
		t.Errorf("fts syntax: %v", err)
	}
}

// fakeDoc returns a Document with the given events.
func fakeDoc(date string, events ...intelcell.Event) *intelcell.Document {
	d := &intelcell.Document{Date: date, Events: events, Quotes: []intelcell.Quote{}, Places: []intelcell.Place{}, Extractor: "test", KB: "kb1"}
	for _, e := range events {
		for _, a := range []*intelcell.Actor{e.Source, e.Target} {
			if a != nil {
				d.Mentions = append(d.Mentions, intelcell.Mention{Start: 0, End: 1, Text: a.Name, Actor: *a})
			}
		}
	}
	return d
}

func runJobs(t *testing.T, s intelcell.Store, docs func(j *intelcell.Job) *intelcell.Document) int {
	t.Helper()
	ctx := context.Background()
	n := 0
	for {
		jobs, err := s.ClaimJobs(ctx, 50, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 0 {
			return n
		}
		var res []intelcell.JobResult
		for _, j := range jobs {
			res = append(res, intelcell.JobResult{Job: j, Doc: docs(j)})
		}
		if err := s.FinishJobs(ctx, res); err != nil {
			t.Fatal(err)
		}
		n += len(jobs)
	}
}

func testJobs(t *testing.T, s intelcell.Store) {
	ctx := context.Background()
	c := newCell(t, s, []string{"alpha"}, nil)
	an := c.v("alpha/analyst")
	r1, r2 := report("a", "first", relOrg), report("b", "second", relOrg)
	must[[]bool](t)(s.CreateReports(ctx, an, []*intelcell.Report{r1, r2}))
	jobs := must[[]*intelcell.Job](t)(s.ClaimJobs(ctx, 10, time.Minute))
	if len(jobs) != 2 || jobs[0].Attempts != 1 || jobs[0].Input.Text == "" || jobs[0].Input.Date != "2020-01-15" {
		t.Fatalf("claim: %+v", jobs)
	}
	if more := must[[]*intelcell.Job](t)(s.ClaimJobs(ctx, 10, time.Minute)); len(more) != 0 {
		t.Errorf("claimed twice: %d", len(more))
	}
	r, _, _ := s.FindReport(ctx, an, jobs[0].ReportID)
	if r.Status != intelcell.StatusProcessing {
		t.Errorf("status %s", r.Status)
	}
	var ok, bad *intelcell.Job
	for _, j := range jobs {
		if j.ReportID == r1.ID {
			ok = j
		} else {
			bad = j
		}
	}
	err := s.FinishJobs(ctx, []intelcell.JobResult{{Job: ok, Doc: fakeDoc("2020-01-15")}, {Job: bad, Err: errors.New("boom")}})
	if err != nil {
		t.Fatal(err)
	}
	r, d, _ := s.FindReport(ctx, an, r1.ID)
	if r.Status != intelcell.StatusDone || d == nil || d.Extractor != "test" || d.KB != "kb1" {
		t.Errorf("done: %+v %+v", r, d)
	}
	r, d, _ = s.FindReport(ctx, an, r2.ID)
	if r.Status != intelcell.StatusQueued || !strings.Contains(r.Error, "boom") || d != nil {
		t.Errorf("retrying: %+v", r)
	}
	// Backoff: not runnable at once.
	if more := must[[]*intelcell.Job](t)(s.ClaimJobs(ctx, 10, time.Minute)); len(more) != 0 {
		t.Errorf("retried without backoff")
	}
	// A lease that expires is claimed again; the old holder's result is ignored.
	r3 := report("c", "third", relOrg)
	must[bool](t)(s.CreateReport(ctx, an, r3))
	first := must[[]*intelcell.Job](t)(s.ClaimJobs(ctx, 1, time.Millisecond))
	time.Sleep(20 * time.Millisecond)
	second := must[[]*intelcell.Job](t)(s.ClaimJobs(ctx, 1, time.Minute))
	if len(first) != 1 || len(second) != 1 || second[0].ID != first[0].ID || second[0].Attempts != 2 {
		t.Fatalf("re-claim: %+v %+v", first, second)
	}
	must[struct{}](t)(struct{}{}, s.FinishJobs(ctx, []intelcell.JobResult{{Job: first[0], Err: errors.New("stale")}}))
	if r, _, _ := s.FindReport(ctx, an, r3.ID); r.Status != intelcell.StatusProcessing {
		t.Errorf("stale result applied: %+v", r)
	}
	// Requeue on shutdown: runnable again at once.
	must[struct{}](t)(struct{}{}, s.RequeueJobs(ctx, second))
	again := must[[]*intelcell.Job](t)(s.ClaimJobs(ctx, 1, time.Minute))
	if len(again) != 1 || again[0].ID != second[0].ID || again[0].Attempts != 2 {
		t.Errorf("requeue: %+v", again)
	}
	must[struct{}](t)(struct{}{}, s.FinishJobs(ctx, []intelcell.JobResult{{Job: again[0], Doc: fakeDoc("2020-01-15")}}))
	// Reprocess documents of an older version.
	if n := must[int](t)(s.ReprocessReports(ctx, "test", "kb1")); n != 0 {
		t.Errorf("reprocess same version: %d", n)
	}
	if n := must[int](t)(s.ReprocessReports(ctx, "test", "kb2")); n != 2 {
		t.Errorf("reprocess new kb: %d", n)
	}
	stats := must[map[string]int](t)(s.QueueStats(ctx))
	if stats["queued"] != 3 {
		t.Errorf("stats %v", stats)
	}
}

var (
	iraq   = intelcell.Actor{ID: "Q796", Code: "IRQ", Name: "Iraq", Kind: "state", Country: ptr("IRQ")}
	iran   = intelcell.Actor{ID: "Q794", Code: "IRN", Name: "Iran", Kind: "state", Country: ptr("IRN")}
	usaGov = intelcell.Actor{ID: "Q30:GOV", Code: "USAGOV", Name: "United States", Kind: "state", Country: ptr("USA")}
)

func ptr[T any](v T) *T { return &v }

func testEvents(t *testing.T, s intelcell.Store) {
	ctx := context.Background()
	c := newCell(t, s, []string{"alpha", "beta"}, nil)
	an := c.v("alpha/analyst")
	baghdad := &intelcell.Place{Name: "Baghdad", Lat: 33.3, Lon: 44.4, Country: ptr("IRQ")}
	docs := map[string]*intelcell.Document{}
	r1 := report("one", "Iran and Iraq agreed on security cooperation", relCell)
	r2 := report("two", "The United States accused Iran", relOrg)
	must[[]bool](t)(s.CreateReports(ctx, an, []*intelcell.Report{r1, r2}))
	docs[r1.ID] = fakeDoc("2020-02-01",
		intelcell.Event{Source: &iran, Target: &iraq, Cameo: "0312", Plover: "AGREE", Date: "2020-01-30", Place: baghdad, Pattern: "e1"},
		intelcell.Event{Source: &iraq, Target: &iran, Cameo: "057", Plover: "AGREE", Date: "2020-01-31", Pattern: "e2"})
	docs[r2.ID] = fakeDoc("2020-02-03",
		intelcell.Event{Source: &usaGov, Target: &iran, Cameo: "112", Plover: "ACCUSE", Date: "2020-02-02", Pattern: "e3"})
	runJobs(t, s, func(j *intelcell.Job) *intelcell.Document { return docs[j.ReportID] })

	pats := func(v intelcell.Viewer, f intelcell.EventFilter) string {
		t.Helper()
		var out []string
		for {
			es, next, err := s.FindEvents(ctx, v, f)
			if err != nil {
				t.Fatalf("%+v: %v", f, err)
			}
			for _, e := range es {
				out = append(out, e.Pattern)
			}
			if next == "" {
				return strings.Join(out, ",")
			}
			f.Cursor = next
		}
	}
	alpha, beta := an, c.v("beta/reader")
	cases := []struct {
		v    intelcell.Viewer
		f    intelcell.EventFilter
		want string
	}{
		{alpha, intelcell.EventFilter{}, "e3,e2,e1"},
		{alpha, intelcell.EventFilter{Limit: 1}, "e3,e2,e1"},
		{beta, intelcell.EventFilter{}, "e2,e1"},
		{intelcell.Viewer{}, intelcell.EventFilter{}, ""},
		{alpha, intelcell.EventFilter{Actor: "Q794"}, "e3,e2,e1"},
		{alpha, intelcell.EventFilter{Actor: "USAGOV"}, "e3"},
		{beta, intelcell.EventFilter{Actor: "USAGOV"}, ""},
		{alpha, intelcell.EventFilter{Country: "irq"}, "e2,e1"},
		{alpha, intelcell.EventFilter{Cameo: "03"}, "e1"},
		{alpha, intelcell.EventFilter{Cameo: "031"}, "e1"},
		{alpha, intelcell.EventFilter{Cameo: "0312"}, "e1"},
		{alpha, intelcell.EventFilter{Plover: "agree"}, "e2,e1"},
		{alpha, intelcell.EventFilter{From: "2020-01-31", To: "2020-02-01"}, "e2"},
		{alpha, intelcell.EventFilter{BBox: &intelcell.BBox{MinLon: 40, MinLat: 30, MaxLon: 50, MaxLat: 35}}, "e1"},
		{alpha, intelcell.EventFilter{Words: "accused"}, "e3"},
		{beta, intelcell.EventFilter{Words: "accused"}, ""},
		{alpha, intelcell.EventFilter{Report: r1.ID}, "e2,e1"},
		{beta, intelcell.EventFilter{Report: r2.ID}, ""},
	}
	for _, tc := range cases {
		if got := pats(tc.v, tc.f); got != tc.want {
			t.Errorf("%s %+v: got %q want %q", tc.v.OrgName, tc.f, got, tc.want)
		}
		want := 0
		if tc.want != "" {
			want = len(strings.Split(tc.want, ","))
		}
		if n, err := s.CountEvents(ctx, tc.v, tc.f); err != nil || n != want {
			t.Errorf("count %s %+v: %d %v want %d", tc.v.OrgName, tc.f, n, err, want)
		}
	}
	for _, f := range []intelcell.EventFilter{{Cameo: "3"}, {Cameo: "abc"}, {From: "yesterday"}, {Cursor: "!!"}, {BBox: &intelcell.BBox{MinLat: 10, MaxLat: 5}}} {
		if _, _, err := s.FindEvents(ctx, alpha, f); code(err) != intelcell.EINVALID {
			t.Errorf("%+v: %v", f, err)
		}
	}
	facets := must[[]intelcell.Count](t)(s.EventFacets(ctx, beta, intelcell.EventFilter{}))
	if fmt.Sprint(facets) != "[{03 1} {05 1}]" {
		t.Errorf("facets %v", facets)
	}
	p := must[*intelcell.ActorProfile](t)(s.FindActor(ctx, alpha, "Q794"))
	if p.Actor.Name != "Iran" || p.AsSource != 1 || p.AsTarget != 2 || p.ReportCount != 2 {
		t.Errorf("alpha profile %+v", p)
	}
	p = must[*intelcell.ActorProfile](t)(s.FindActor(ctx, beta, "Q794"))
	if p.AsSource != 1 || p.AsTarget != 1 || p.ReportCount != 1 || p.Mentions != 2 {
		t.Errorf("beta profile %+v", p)
	}
	if _, err := s.FindActor(ctx, beta, "Q30:GOV"); code(err) != intelcell.ENOTFOUND {
		t.Errorf("invisible actor: %v", err)
	}
	if p := must[*intelcell.ActorProfile](t)(s.FindActor(ctx, alpha, "USAGOV")); p.AsSource != 1 {
		t.Errorf("by code %+v", p)
	}
}

// testActorOnlyInEvents: an actor that visible events name but no mention
// carries (an agent derived from its sentence, "Iraq's government" coded
// IRQGOV from a mention of Iraq) has a profile made of those events, by id
// and by code; a viewer who cannot see them gets "not found".
func testActorOnlyInEvents(t *testing.T, s intelcell.Store) {
	ctx := context.Background()
	c := newCell(t, s, []string{"alpha", "beta"}, nil)
	r := report("x", "Iraq's government condemned Iran.", relOrg)
	must[bool](t)(s.CreateReport(ctx, c.v("alpha/analyst"), r))
	gov := intelcell.Actor{ID: "Q796:GOV", Code: "IRQGOV", Name: "Iraq", Kind: "state", Country: ptr("IRQ")}
	runJobs(t, s, func(j *intelcell.Job) *intelcell.Document {
		d := fakeDoc("2020-01-01", intelcell.Event{Source: &gov, Target: &iran, Cameo: "111", Plover: "ACCUSE", Date: "2020-01-01"})
		d.Mentions = []intelcell.Mention{{Start: 0, End: 4, Text: "Iraq", Actor: iraq}, {Start: 26, End: 30, Text: "Iran", Actor: iran}}
		return d
	})
	for _, key := range []string{"Q796:GOV", "IRQGOV"} {
		p, err := s.FindActor(ctx, c.v("alpha/reader"), key)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if p.Actor.ID != "Q796:GOV" || p.Actor.Code != "IRQGOV" || p.AsSource != 1 || p.AsTarget != 0 || p.Mentions != 0 ||
			len(p.ByRoot) != 1 || p.ByRoot[0].Key != "11" {
			t.Errorf("%s: profile %+v", key, p)
		}
		if _, err := s.FindActor(ctx, c.v("beta/reader"), key); code(err) != intelcell.ENOTFOUND {
			t.Errorf("%s as beta: %v", key, err)
		}
	}
}

func testRelease(t *testing.T, s intelcell.Store) {
	ctx := context.Background()
	c := newCell(t, s, []string{"alpha", "beta"}, map[string][]string{"ab": {"alpha", "beta"}})
	r := report("x", "Iran and Iraq", relPublic)
	must[bool](t)(s.CreateReport(ctx, c.v("alpha/analyst"), r))
	runJobs(t, s, func(j *intelcell.Job) *intelcell.Document {
		return fakeDoc("2020-01-01", intelcell.Event{Source: &iran, Target: &iraq, Cameo: "040", Plover: "CONSULT", Date: "2020-01-01"})
	})
	if err := s.SetRelease(ctx, c.v("alpha/analyst"), r.ID, relOrg); code(err) != intelcell.EFORBIDDEN {
		t.Errorf("analyst changes release: %v", err)
	}
	if err := s.SetRelease(ctx, c.v("beta/admin"), r.ID, relOrg); code(err) != intelcell.EFORBIDDEN {
		t.Errorf("other org changes release: %v", err)
	}
	if err := s.SetRelease(ctx, c.v("alpha/admin"), r.ID, intelcell.Release{Audience: intelcell.AudiencePublic, TLP: intelcell.TLPRed}); code(err) != intelcell.EINVALID {
		t.Errorf("invalid release: %v", err)
	}
	if err := s.SetRelease(ctx, c.v("alpha/admin"), r.ID, relOrg); err != nil {
		t.Fatal(err)
	}
	// Narrowing is immediate on every read path.
	for _, v := range []intelcell.Viewer{{}, c.v("beta/admin")} {
		if _, _, err := s.FindReport(ctx, v, r.ID); code(err) != intelcell.ENOTFOUND {
			t.Errorf("still visible: %v", err)
		}
		if n, _ := s.CountEvents(ctx, v, intelcell.EventFilter{}); n != 0 {
			t.Errorf("events still counted: %d", n)
		}
		if rs, _, _ := s.SearchReports(ctx, v, intelcell.ReportFilter{Query: "Iran"}); len(rs) != 0 {
			t.Errorf("still found by search")
		}
		if _, err := s.FindActor(ctx, v, "Q794"); code(err) != intelcell.ENOTFOUND {
			t.Errorf("actor still visible: %v", err)
		}
		if err := s.SetRelease(ctx, v, r.ID, relPublic); code(err) != intelcell.ENOTFOUND {
			t.Errorf("set release on invisible: %v", err)
		}
	}
	if err := s.SetRelease(ctx, c.v("alpha/admin"), r.ID, intelcell.Release{Audience: intelcell.AudienceGroups, Groups: []string{"ab"}, TLP: intelcell.TLPAmber}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FindReport(ctx, c.v("beta/reader"), r.ID); err != nil {
		t.Errorf("group release: %v", err)
	}
}
