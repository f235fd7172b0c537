package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
)

// AuditVisible is the rule of intelcell.AuditEntry as a pure function, the
// model FindAudit is checked against: a cell admin reads everything; anyone
// else its own org's entries about no report or a report it sees, and the
// owning org's successful API creations and changes of reports it sees.
// owner and rel describe the entry's report (ok false when there is none,
// or the id does not exist).
func AuditVisible(v intelcell.Viewer, e *intelcell.AuditEntry, owner intelcell.OrgID, rel intelcell.Release, ok bool) bool {
	if v.Anonymous() {
		return false
	}
	if v.Role == intelcell.RoleCellAdmin {
		return true
	}
	if e.Org == v.Org {
		return e.ReportID == "" || (ok && intelcell.Visible(v, owner, rel))
	}
	return e.ReportID != "" && ok && e.Via == "api" && (e.Action == intelcell.AuditCreate || e.Action == intelcell.AuditChange) &&
		e.Status >= 200 && e.Status <= 299 && e.Org == owner && intelcell.Visible(v, owner, rel)
}

func testAudit(t *testing.T, s intelcell.Store) {
	ctx := context.Background()
	orgs := []string{"alpha", "beta", "gamma", "delta"}
	c := newCell(t, s, orgs, map[string][]string{"ab": {"alpha", "beta"}, "cd": {"gamma", "delta"}, "bc": {"beta", "gamma"}})
	rng := rand.New(rand.NewPCG(7, 7))

	// Empty log: intact, no head.
	if n, head, err := intelcell.VerifyAudit(ctx, s); n != 0 || head != "" || err != nil {
		t.Fatalf("empty log: %d %q %v", n, head, err)
	}

	type mrep struct {
		owner intelcell.OrgID
		rel   intelcell.Release
	}
	reps := map[string]*mrep{}
	var ids []string
	for i := range 24 {
		o := orgs[rng.IntN(len(orgs))]
		v := c.v(o + "/admin")
		rel := randRelease(rng, v.Groups)
		r := report(fmt.Sprintf("audit %d", i), "words", rel)
		if _, err := s.CreateReport(ctx, v, r); err != nil {
			t.Fatal(err)
		}
		reps[r.ID] = &mrep{v.Org, rel}
		ids = append(ids, r.ID)
	}
	ids = append(ids, "0000000000000000") // a report that does not exist

	actions := []string{intelcell.AuditRead, intelcell.AuditSearch, intelcell.AuditExport, intelcell.AuditCreate, intelcell.AuditChange}
	var all []*intelcell.AuditEntry
	for i := range 300 {
		e := &intelcell.AuditEntry{Time: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second), Via: "api", Action: actions[rng.IntN(len(actions))], Target: "report", Status: []int{200, 202, 403, 404}[rng.IntN(4)]}
		switch rng.IntN(6) {
		case 0: // the CLI
			e.Via, e.Status, e.Target, e.Object, e.Detail = "cli", 0, "org", "x", "user root"
		case 1: // anonymous
		default:
			v := c.v(orgs[rng.IntN(len(orgs))] + "/" + []string{"admin", "analyst", "reader", "cell-admin"}[rng.IntN(4)])
			e.Org, e.OrgName, e.TokenID, e.Role = v.Org, v.OrgName, v.TokenID, v.Role
		}
		if rng.IntN(3) > 0 {
			e.ReportID = ids[rng.IntN(len(ids))]
			e.Object = e.ReportID
		} else {
			e.Detail = fmt.Sprintf("q=secret%d", i)
		}
		all = append(all, e)
	}
	// Appended in batches of random sizes, as the HTTP layer does.
	for i := 0; i < len(all); {
		n := min(len(all)-i, 1+rng.IntN(40))
		if err := s.AppendAudit(ctx, all[i:i+n]...); err != nil {
			t.Fatal(err)
		}
		i += n
	}
	for i, e := range all {
		if e.Seq != int64(i+1) || e.Hash == "" || (i > 0 && e.Prev != all[i-1].Hash) || e.Time.IsZero() {
			t.Fatalf("entry %d: seq %d prev %q hash %q", i, e.Seq, e.Prev, e.Hash)
		}
	}
	n, head, err := intelcell.VerifyAudit(ctx, s)
	if err != nil || n != len(all) || head != all[len(all)-1].Hash {
		t.Fatalf("verify: %d %q %v", n, head, err)
	}

	seen := 0
	check := func(when string) {
		t.Helper()
		viewers := []intelcell.Viewer{{}}
		for _, o := range orgs {
			for _, r := range []string{"cell-admin", "admin", "analyst", "reader"} {
				viewers = append(viewers, c.v(o+"/"+r))
			}
		}
		for _, v := range viewers {
			var want []int64
			for i := len(all) - 1; i >= 0; i-- {
				e := all[i]
				m, ok := reps[e.ReportID]
				var owner intelcell.OrgID
				var rel intelcell.Release
				if ok {
					owner, rel = m.owner, m.rel
				}
				if AuditVisible(v, e, owner, rel, ok) {
					want = append(want, e.Seq)
				}
			}
			var got []int64
			f := intelcell.AuditFilter{Limit: 1 + rng.IntN(60)}
			for pages := 0; pages < 1000; pages++ {
				es, next, err := s.FindAudit(ctx, v, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range es {
					// Entries are identified by their time, unique here.
					orig := bySeqOrTime(all, e)
					if orig == nil {
						t.Fatalf("%s: viewer %s/%s got an unknown entry %+v", when, v.OrgName, v.Role, e)
					}
					got = append(got, orig.Seq)
					if v.Role != intelcell.RoleCellAdmin {
						if e.Seq != 0 || e.Hash != "" || e.Prev != "" {
							t.Errorf("%s: viewer %s/%s sees seq/hash of entry %d", when, v.OrgName, v.Role, orig.Seq)
						}
						if orig.Org != v.Org {
							m := reps[orig.ReportID]
							if e.TokenID != "" || e.Role != "" || e.Detail != "" || (e.OrgName != "" && !m.rel.Attribution) {
								t.Errorf("%s: viewer %s/%s sees another org's details %+v", when, v.OrgName, v.Role, e)
							}
						}
					} else if *e != *orig {
						t.Errorf("%s: cell admin gets %+v, stored %+v", when, e, orig)
					}
				}
				if next == "" {
					break
				}
				f.Cursor = next
			}
			seen += len(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s: viewer %s/%s audit entries\n got %v\nwant %v", when, v.OrgName, v.Role, got, want)
			}
		}
	}
	check("before")
	// Narrow and widen releases: the log follows at once.
	for _, id := range ids[:len(ids)-1] {
		m := reps[id]
		var owner string
		for _, o := range orgs {
			if c.v(o+"/admin").Org == m.owner {
				owner = o
			}
		}
		rel := randRelease(rng, c.v(owner+"/admin").Groups)
		if err := s.SetRelease(ctx, c.v(owner+"/admin"), id, rel); err != nil {
			t.Fatal(err)
		}
		m.rel = rel
	}
	check("after release changes")
	t.Logf("%d audit entries read and compared with AuditVisible", seen)

	// Filters.
	admin := c.v("alpha/cell-admin")
	es, _, err := s.FindAudit(ctx, admin, intelcell.AuditFilter{Report: ids[0], Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.ReportID != ids[0] {
			t.Errorf("report filter: %+v", e)
		}
	}
	es, _, _ = s.FindAudit(ctx, admin, intelcell.AuditFilter{Action: intelcell.AuditExport, Org: "beta", Limit: 1000})
	for _, e := range es {
		if e.Action != intelcell.AuditExport || e.OrgName != "beta" {
			t.Errorf("action/org filter: %+v", e)
		}
	}
	if _, _, err := s.FindAudit(ctx, admin, intelcell.AuditFilter{Cursor: "!!"}); code(err) != intelcell.EINVALID {
		t.Errorf("bad cursor: %v", err)
	}
}

func bySeqOrTime(all []*intelcell.AuditEntry, e *intelcell.AuditEntry) *intelcell.AuditEntry {
	if e.Seq > 0 && int(e.Seq) <= len(all) {
		return all[e.Seq-1]
	}
	for _, o := range all {
		if o.Time.Equal(e.Time) {
			return o
		}
	}
	return nil
}

func testDefaultRelease(t *testing.T, s intelcell.Store) {
	ctx := context.Background()
	c := newCell(t, s, []string{"alpha", "beta"}, map[string][]string{"ab": {"alpha", "beta"}, "b": {"beta"}})
	if rel, err := s.OrgDefaultRelease(ctx, "alpha"); err != nil || !sameRelease(rel, intelcell.DefaultRelease) {
		t.Fatalf("initial default: %+v %v", rel, err)
	}
	an := c.v("alpha/analyst")
	r := report("no release", "given", intelcell.Release{})
	if _, err := s.CreateReport(ctx, an, r); err != nil || !sameRelease(r.Release, intelcell.DefaultRelease) {
		t.Fatalf("without default: %+v %v", r.Release, err)
	}
	def := intelcell.Release{Audience: intelcell.AudienceGroups, Groups: []string{"ab"}, TLP: intelcell.TLPAmber, Attribution: false}
	if err := s.SetOrgDefaultRelease(ctx, "alpha", def); err != nil {
		t.Fatal(err)
	}
	if rel, err := s.OrgDefaultRelease(ctx, "alpha"); err != nil || !sameRelease(rel, def) {
		t.Fatalf("default: %+v %v", rel, err)
	}
	r = report("no release", "again", intelcell.Release{})
	if _, err := s.CreateReport(ctx, an, r); err != nil || !sameRelease(r.Release, def) {
		t.Fatalf("with default: %+v %v", r.Release, err)
	}
	// The default is what is stored: beta (in ab) sees it, unattributed.
	got, _, err := s.FindReport(ctx, c.v("beta/reader"), r.ID)
	if err != nil || got.OrgName != "" || got.Release.Audience != intelcell.AudienceGroups {
		t.Fatalf("beta reads the defaulted report: %+v %v", got, err)
	}
	// An explicit release is kept.
	r = report("explicit", "release", relOrg)
	if _, err := s.CreateReport(ctx, an, r); err != nil || !sameRelease(r.Release, relOrg) {
		t.Fatalf("explicit: %+v %v", r.Release, err)
	}
	if _, _, err := s.FindReport(ctx, c.v("beta/reader"), r.ID); code(err) != intelcell.ENOTFOUND {
		t.Errorf("explicit org release visible to beta: %v", err)
	}
	// Changing the default takes effect for the next report.
	if err := s.SetOrgDefaultRelease(ctx, "alpha", relCell); err != nil {
		t.Fatal(err)
	}
	r = report("no release", "third", intelcell.Release{})
	if _, err := s.CreateReport(ctx, an, r); err != nil || !sameRelease(r.Release, relCell) {
		t.Fatalf("changed default: %+v %v", r.Release, err)
	}
	// Other orgs keep theirs.
	if rel, _ := s.OrgDefaultRelease(ctx, "beta"); !sameRelease(rel, intelcell.DefaultRelease) {
		t.Errorf("beta's default changed: %+v", rel)
	}
	for _, bad := range []struct {
		org string
		rel intelcell.Release
		c   string
	}{
		{"alpha", intelcell.Release{Audience: intelcell.AudiencePublic, TLP: intelcell.TLPRed}, intelcell.EINVALID},
		{"alpha", intelcell.Release{Audience: intelcell.AudienceGroups, Groups: []string{"b"}, TLP: intelcell.TLPAmber}, intelcell.EINVALID},
		{"alpha", intelcell.Release{Audience: intelcell.AudienceGroups, Groups: []string{"nosuch"}, TLP: intelcell.TLPAmber}, intelcell.EINVALID},
		{"nobody", relCell, intelcell.ENOTFOUND},
	} {
		if err := s.SetOrgDefaultRelease(ctx, bad.org, bad.rel); code(err) != bad.c {
			t.Errorf("set default %s %+v: %v, want %s", bad.org, bad.rel, err, bad.c)
		}
	}
	if _, err := s.OrgDefaultRelease(ctx, "nobody"); code(err) != intelcell.ENOTFOUND {
		t.Errorf("default of unknown org: %v", err)
	}
}

func sameRelease(a, b intelcell.Release) bool {
	return a.Audience == b.Audience && a.TLP == b.TLP && a.Attribution == b.Attribution && slices.Equal(a.Groups, b.Groups)
}
