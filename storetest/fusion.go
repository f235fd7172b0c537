package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/fuse"
)

// testFusion checks a store's FusionService (skipped for stores without
// one) against the pure Visible function over random cells: FusionEvents
// loads exactly the viewer's visible events of the window, names an org
// only where the viewer may learn it, carries each report's signature of
// title + "\n" + text; FusionEventDate finds exactly the visible events by
// merged-event name; decisions can only be made about, and are only shown
// for, pairs of events the viewer sees both of, without naming another
// org; quotes are those of visible reports.
func testFusion(t *testing.T, newStore NewStore) {
	if _, ok := newStore(t).(intelcell.FusionService); !ok {
		t.Skip("the store does not implement intelcell.FusionService")
	}
	ctx := context.Background()
	diffs := 0
	diff := func(format string, args ...any) {
		t.Helper()
		diffs++
		if diffs <= 20 {
			t.Errorf(format, args...)
		}
	}
	speaker := &intelcell.Actor{ID: "Q1", Code: "IRQGOV", Name: "Iraq"}
	for round := range 12 {
		rng := rand.New(rand.NewPCG(uint64(round), 17))
		s := newStore(t)
		fs := s.(intelcell.FusionService)
		orgs := []string{"o0", "o1", "o2"}
		groups := map[string][]string{"g0": {"o0", "o1"}, "g1": {"o1", "o2"}}
		c := newCell(t, s, orgs, groups)
		type rec struct {
			id, org, title, text, date string
			owner                      intelcell.OrgID
			rel                        intelcell.Release
			n                          int
		}
		var recs []*rec
		docs := map[string]*intelcell.Document{}
		for i := range 8 + rng.IntN(8) {
			org := orgs[rng.IntN(len(orgs))]
			v := c.v(org + "/analyst")
			rel := []intelcell.Release{relOrg, relCell, relPublic,
				{Audience: intelcell.AudienceGroups, Groups: v.Groups[:1], TLP: intelcell.TLPAmber, Attribution: rng.IntN(2) == 0},
				{Audience: intelcell.AudienceCell, TLP: intelcell.TLPGreen}}[rng.IntN(5)]
			r := &rec{org: org, owner: v.Org, rel: rel, title: fmt.Sprintf("r%d", i), n: rng.IntN(3),
				text: strings.Repeat("alpha beta gamma delta ", 1+rng.IntN(3)) + strconv.Itoa(rng.IntN(4)),
				date: fmt.Sprintf("2020-01-%02d", 1+rng.IntN(20))}
			rep := &intelcell.Report{Title: r.title, Text: r.text, Date: r.date, Release: r.rel}
			if _, err := s.CreateReport(ctx, v, rep); err != nil {
				t.Fatal(err)
			}
			r.id = rep.ID
			var evs []intelcell.Event
			for range r.n {
				evs = append(evs, intelcell.Event{Source: speaker, Cameo: "190", Plover: "ASSAULT", Date: r.date})
			}
			d := fakeDoc(r.date, evs...)
			d.Quotes = []intelcell.Quote{{Speaker: speaker, Text: "q " + r.id, Direct: true}}
			docs[r.id] = d
			recs = append(recs, r)
		}
		runJobs(t, s, func(j *intelcell.Job) *intelcell.Document { return docs[j.ReportID] })
		viewers := map[string]intelcell.Viewer{"": {}}
		for _, o := range orgs {
			viewers[o] = c.v(o + "/reader")
		}
		var allEvents []string
		for _, r := range recs {
			for i := range r.n {
				allEvents = append(allEvents, r.id+"-"+strconv.Itoa(i))
			}
		}
		owner := func(eid string) *rec {
			rid, _, _ := strings.Cut(eid, "-")
			for _, r := range recs {
				if r.id == rid {
					return r
				}
			}
			return nil
		}
		for name, v := range viewers {
			from, to := "2020-01-05", "2020-01-15"
			set, err := fs.FusionEvents(ctx, v, intelcell.EventFilter{From: from, To: to})
			if err != nil {
				t.Fatal(err)
			}
			var want, got []string
			for _, r := range recs {
				if intelcell.Visible(v, r.owner, r.rel) && r.date >= from && r.date <= to {
					for i := range r.n {
						want = append(want, r.id+"-"+strconv.Itoa(i))
					}
				}
			}
			for _, e := range set.Events {
				got = append(got, e.ID)
				r := owner(e.ID)
				fr := set.Reports[e.Report]
				if r == nil || fr == nil || r.id != e.Report || !e.Match {
					diff("round %d viewer %q: event %s has report %q", round, name, e.ID, e.Report)
					continue
				}
				wantOrg := ""
				if r.rel.Attribution || (!v.Anonymous() && v.Org == r.owner) {
					wantOrg = r.org
				}
				sig, _ := fuse.Sign(r.title + "\n" + r.text).MarshalBinary()
				if fr.Org != wantOrg || fr.Date != r.date || (fr.Sig != nil && !slices.Equal(fr.Sig, sig)) {
					diff("round %d viewer %q: report %s org %q date %s, want %q %s (or a wrong signature)", round, name, r.id, fr.Org, fr.Date, wantOrg, r.date)
				}
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(want, got) {
				diff("round %d viewer %q: FusionEvents %v, want %v", round, name, got, want)
			}
			// merged-event names
			for _, eid := range allEvents {
				r := owner(eid)
				id, _, err := fs.FusionEventDate(ctx, v, fuse.MergedID(eid))
				if vis := intelcell.Visible(v, r.owner, r.rel); vis != (err == nil) || (vis && id != eid) ||
					(!vis && intelcell.ErrorCode(err) != intelcell.ENOTFOUND) {
					diff("round %d viewer %q: FusionEventDate(%s) = %q, %v; visible %v", round, name, eid, id, err, vis)
				}
			}
			// quotes
			qs, err := fs.ActorQuotes(ctx, v, speaker.ID, 1000)
			if err != nil {
				t.Fatal(err)
			}
			nq := 0
			for _, r := range recs {
				if intelcell.Visible(v, r.owner, r.rel) {
					nq++
				}
			}
			if len(qs) != nq {
				diff("round %d viewer %q: %d quotes, want %d", round, name, len(qs), nq)
			}
			for _, q := range qs {
				if r := owner(q.Report + "-0"); r == nil || !intelcell.Visible(v, r.owner, r.rel) {
					diff("round %d viewer %q: invisible quote %+v", round, name, q)
				}
			}
		}
		// decisions: only about two visible events
		if len(allEvents) < 2 {
			continue
		}
		for range 6 {
			org := orgs[rng.IntN(len(orgs))]
			v := c.v(org + "/analyst")
			a, b := allEvents[rng.IntN(len(allEvents))], allEvents[rng.IntN(len(allEvents))]
			d := &intelcell.Decision{Kind: intelcell.DecisionJoin, A: a, B: b}
			err := fs.CreateDecision(ctx, v, d)
			ra, rb := owner(a), owner(b)
			ok := a != b && intelcell.Visible(v, ra.owner, ra.rel) && intelcell.Visible(v, rb.owner, rb.rel)
			if ok != (err == nil) || (!ok && a != b && intelcell.ErrorCode(err) != intelcell.ENOTFOUND) {
				diff("round %d: decision by %s on %s, %s: %v (allowed %v)", round, org, a, b, err, ok)
			}
		}
		for name, v := range viewers {
			ds, err := fs.FindDecisions(ctx, v, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				ra, rb := owner(d.A), owner(d.B)
				if !intelcell.Visible(v, ra.owner, ra.rel) || !intelcell.Visible(v, rb.owner, rb.rel) {
					diff("round %d viewer %q sees decision %+v about an invisible event", round, name, d)
				}
				if d.Org != "" && d.Org != v.OrgName {
					diff("round %d viewer %q learns the deciding org %q", round, name, d.Org)
				}
			}
		}
	}
}
