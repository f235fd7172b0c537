package fuse

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/intelcell/intelcell"
)

// Item is one extracted event of one report, as merging sees it.
type Item struct {
	// Key identifies the event across reprocessing runs, e.g. the report id
	// and the event's index ("r123/2"). Decisions refer to keys; merged ids
	// are derived from them. Keys are unique within one Merge call (later
	// duplicates are ignored).
	Key string `json:"key"`
	// Report is the id of the report the event was extracted from.
	Report string `json:"report"`
	// Org is the partner organisation that contributed the report; "" when
	// unknown (the report then is its own source).
	Org string `json:"org,omitempty"`
	// CopyGroup is the report's copy group (GroupCopies); "" when the report
	// is alone.
	CopyGroup string `json:"copy_group,omitempty"`
	// ReportDate is the report's date, YYYY-MM-DD.
	ReportDate string          `json:"report_date"`
	Event      intelcell.Event `json:"event"`
}

// Kinds of Decision.
const (
	Split = "split" // the two events are different: never in one merged event
	Join  = "join"  // the two events are the same: always in one merged event
)

// Decision is an analyst's ruling on two events, stored as data and applied
// on every Merge so that it survives reprocessing. A and B are Item keys.
// When several decisions concern the same pair, the latest (by At) wins.
// Decisions about items absent from a Merge call (not visible to the
// viewer, or deleted) are ignored, so they reveal nothing.
type Decision struct {
	Kind string    `json:"kind"`
	A    string    `json:"a"`
	B    string    `json:"b"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// Options tunes Merge. The zero Options gives the defaults.
type Options struct {
	// Threshold is the lowest average pair score (Compare) at which two
	// clusters merge. Default 0.6.
	Threshold float64
	// DateWindow is how many days apart two events may be when at least
	// one date is only its report's date. Default 1.
	DateWindow int
	// ExplicitDateWindow is how many days apart two dates stated by the
	// reports may be. Default 0: stated dates are facts.
	ExplicitDateWindow int
	// MaxKm is the largest distance between two towns of one event. Default 50.
	MaxKm float64
}

func (o Options) withDefaults() Options {
	if o.Threshold <= 0 {
		o.Threshold = 0.6
	}
	if o.DateWindow <= 0 {
		o.DateWindow = 1
	}
	if o.ExplicitDateWindow < 0 {
		o.ExplicitDateWindow = 0
	}
	if o.MaxKm <= 0 {
		o.MaxKm = 50
	}
	return o
}

// Merged is one real event as several reports tell it.
type Merged struct {
	// ID is stable while the earliest member stays: "m" and 16 hex digits of
	// the SHA-256 of the key of the earliest item (by report date, then key).
	ID string `json:"id"`
	// Event is the representative event: that of the member most similar to
	// all others (the medoid). Disagreements are in Conflicts.
	Event intelcell.Event `json:"event"`
	// Key is the representative item's key.
	Key string `json:"key"`
	// Items are every contributing event, by report date then key.
	Items []Item `json:"items"`
	// Reports are the distinct contributing reports, sorted.
	Reports []string `json:"reports"`
	// Sources is the number of independent sources: reports are grouped when
	// they come from the same Org or belong to the same CopyGroup (wire copy
	// reprinted by several outlets counts once; several reports of one
	// partner count once), transitively; Sources counts the groups.
	Sources int `json:"sources"`
	// Killed and Wounded are the figures reported, nil when none.
	Killed  *Range `json:"killed,omitempty"`
	Wounded *Range `json:"wounded,omitempty"`
	// DateFrom and DateTo bound the event dates the members give.
	DateFrom string `json:"date_from"`
	DateTo   string `json:"date_to"`
	// FirstSeen and LastSeen are the earliest and latest report dates.
	FirstSeen string `json:"first_seen"`
	LastSeen  string `json:"last_seen"`
	// Cohesion is the average Compare score over member pairs (1 for one
	// member; pairs joined by a decision count 1).
	Cohesion float64 `json:"cohesion"`
	// Confidence in [0, 1] that the merged event happened as represented:
	// (1 - 0.5^Sources) × (0.5 + 0.5 × Cohesion) × 0.9^(conflicting facts).
	// One source alone gives at most 0.5; three agreeing sources 0.875.
	Confidence float64 `json:"confidence"`
	// Conflicts keeps the facts the members disagree on, each value with the
	// items that give it, rather than averaging them away.
	Conflicts []Conflict `json:"conflicts,omitempty"`
}

// Range is the span of one casualty figure over the members that give it.
type Range struct {
	Min    int      `json:"min"`
	Max    int      `json:"max"`
	Values []Figure `json:"values"`
}

// String writes the range as "4" or "4–6".
func (r Range) String() string {
	if r.Min == r.Max {
		return strconv.Itoa(r.Min)
	}
	return fmt.Sprintf("%d–%d", r.Min, r.Max)
}

// Figure is one reported value of a figure and the items that report it.
type Figure struct {
	Value int      `json:"value"`
	Items []string `json:"items"`
}

// Conflict is a fact the members of a merged event disagree on: Field is
// "source", "target", "type", "date" or "place"; each Value is a distinct
// value (an actor code, a CAMEO root, a date, a place name) with the keys
// of the items that give it. Casualty figures are in Killed and Wounded.
type Conflict struct {
	Field  string  `json:"field"`
	Values []Value `json:"values"`
}

// Value is one of the values of a Conflict.
type Value struct {
	Value string   `json:"value"`
	Items []string `json:"items"`
}

// MergedID returns the id of a merged event whose earliest item has key.
func MergedID(key string) string {
	h := sha256.Sum256([]byte(key))
	return "m" + hex.EncodeToString(h[:8])
}

// Merge groups events that describe the same real event and returns one
// Merged per group (singletons included), ordered by first-seen date then
// id. It is deterministic: the result does not depend on the order of items
// or decisions.
//
// Candidate pairs are events of the same quad class within DateWindow days
// that share an actor, a country or a place country (or lack an actor);
// each pair is scored by Compare. Clustering is average linkage with hard
// conflicts: a cluster only absorbs another when their members are similar
// on average and no member pair conflicts, so A~B and B~C do not force
// A~C. Join decisions start as clusters; Split decisions are conflicts.
func Merge(items []Item, decisions []Decision, opt Options) []Merged {
	opt = opt.withDefaults()
	items = slices.Clone(items)
	slices.SortStableFunc(items, func(a, b Item) int {
		return cmp.Or(cmp.Compare(a.ReportDate, b.ReportDate), cmp.Compare(a.Key, b.Key))
	})
	items = slices.CompactFunc(items, func(a, b Item) bool { return a.Key == b.Key })
	n := len(items)
	index := make(map[string]int, n)
	fs := make([]*facts, n)
	for i := range items {
		index[items[i].Key] = i
		fs[i] = newFacts(&items[i])
	}

	cands := candidatePairs(fs, opt)
	scores := make(map[[2]int]link, len(cands))
	for _, p := range cands {
		c := compare(fs[p[0]], fs[p[1]], opt)
		if c.Conflict != "" || c.Score > 0 {
			scores[p] = link{sum: c.Score, conflict: c.Conflict != ""}
		}
	}

	// decisions: the latest per pair wins
	ds := slices.Clone(decisions)
	slices.SortStableFunc(ds, func(a, b Decision) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.A, b.A), cmp.Compare(a.B, b.B))
	})
	ruling := map[[2]int]string{}
	for _, d := range ds {
		i, ok1 := index[d.A]
		j, ok2 := index[d.B]
		if !ok1 || !ok2 || i == j || (d.Kind != Split && d.Kind != Join) {
			continue
		}
		ruling[orderPair(i, j)] = d.Kind
	}
	uf := newUnionFind(n)
	var joins [][2]int
	for p, k := range ruling {
		if k == Split {
			scores[p] = link{conflict: true}
		} else {
			scores[p] = link{sum: 1}
			joins = append(joins, p)
		}
	}
	slices.SortFunc(joins, func(a, b [2]int) int { return cmp.Or(a[0]-b[0], a[1]-b[1]) })
	splitBetween := func(a, b []int) bool {
		for _, i := range a {
			for _, j := range b {
				if ruling[orderPair(i, j)] == Split {
					return true
				}
			}
		}
		return false
	}
	for _, p := range joins {
		ra, rb := uf.find(p[0]), uf.find(p[1])
		if ra != rb && !splitBetween(uf.members(ra), uf.members(rb)) {
			uf.union(ra, rb)
		}
	}
	clusters := clusterAll(n, uf, scores, opt.Threshold)
	out := make([]Merged, 0, len(clusters))
	for _, c := range clusters {
		out = append(out, build(items, c, scores))
	}
	slices.SortFunc(out, func(a, b Merged) int {
		return cmp.Or(cmp.Compare(a.FirstSeen, b.FirstSeen), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// clusterAll runs agglomerate separately on each connected component of
// the graph of strong pairs (score ≥ threshold, no conflict): two clusters
// can only reach an average ≥ threshold when some member pair does, so no
// cluster spans two components. joins holds the must-link groups.
func clusterAll(n int, joins *unionFind, scores map[[2]int]link, threshold float64) [][]int {
	comp := newUnionFind(n)
	for p, l := range scores {
		if !l.conflict && l.sum >= threshold {
			comp.union(p[0], p[1])
		}
	}
	for i := 0; i < n; i++ {
		comp.union(i, joins.find(i))
	}
	local := make([]int, n) // index of each node within its component
	var comps [][]int
	compOf := map[int]int{}
	for i := 0; i < n; i++ {
		r := comp.find(i)
		c, ok := compOf[r]
		if !ok {
			c = len(comps)
			compOf[r] = c
			comps = append(comps, nil)
		}
		local[i] = len(comps[c])
		comps[c] = append(comps[c], i)
	}
	pairs := make([]map[[2]int]link, len(comps))
	for p, l := range scores {
		c := compOf[comp.find(p[0])]
		if len(comps[c]) < 2 || c != compOf[comp.find(p[1])] {
			continue
		}
		if pairs[c] == nil {
			pairs[c] = map[[2]int]link{}
		}
		pairs[c][orderPair(local[p[0]], local[p[1]])] = l
	}
	var out [][]int
	for c, nodes := range comps {
		if len(nodes) == 1 {
			out = append(out, nodes)
			continue
		}
		groups := map[int][]int{}
		for _, i := range nodes {
			if r := joins.find(i); r != i || len(groups[r]) > 0 {
				groups[r] = append(groups[r], local[i])
			} else {
				groups[r] = []int{local[i]}
			}
		}
		var init [][]int
		for _, i := range nodes {
			if g := groups[i]; len(g) > 1 {
				init = append(init, g)
			}
		}
		for _, cl := range agglomerate(len(nodes), init, pairs[c], threshold) {
			g := make([]int, len(cl))
			for k, li := range cl {
				g[k] = nodes[li]
			}
			out = append(out, g)
		}
	}
	sortClusters(out)
	return out
}

func orderPair(i, j int) [2]int {
	if i > j {
		i, j = j, i
	}
	return [2]int{i, j}
}

// candidatePairs returns the pairs (i < j) worth comparing: same quad class,
// days within the window, and a shared blocking token (actor id, actor
// country, place country), or either event lacking both actors.
func candidatePairs(fs []*facts, opt Options) [][2]int {
	window := max(opt.DateWindow, opt.ExplicitDateWindow)
	type block struct {
		day, quad int
		tok       string
	}
	blocks := map[block][]int{}
	toks := make([][]string, len(fs))
	for i, f := range fs {
		t := tokens(f)
		toks[i] = t
		for _, k := range t {
			b := block{f.day, f.quad, k}
			blocks[b] = append(blocks[b], i)
		}
	}
	byDay := map[[2]int][]int{} // (day, quad) → items
	for i, f := range fs {
		k := [2]int{f.day, f.quad}
		byDay[k] = append(byDay[k], i)
	}
	stamp := make([]int, len(fs)) // stamp[j] == i+1: pair (i, j) already taken
	var out [][2]int
	add := func(i int, js []int) {
		for _, j := range js {
			if j > i && stamp[j] != i+1 {
				stamp[j] = i + 1
				out = append(out, [2]int{i, j})
			}
		}
	}
	for i, f := range fs {
		for d := f.day - window; d <= f.day+window; d++ {
			if slices.Contains(toks[i], "*") { // an event without actors meets every event of its days
				add(i, byDay[[2]int{d, f.quad}])
				continue
			}
			add(i, blocks[block{d, f.quad, "*"}])
			for _, k := range toks[i] {
				add(i, blocks[block{d, f.quad, k}])
			}
		}
	}
	return out
}

func tokens(f *facts) []string {
	var t []string
	for _, a := range []actorFacts{f.src, f.tgt} {
		if !a.present {
			continue
		}
		if a.id != "" {
			t = append(t, "id:"+a.id)
		}
		if a.country != "" {
			t = append(t, "c:"+a.country)
		}
		for _, g := range a.agents {
			t = append(t, "a:"+g)
		}
	}
	if f.placeCountry != "" {
		t = append(t, "c:"+f.placeCountry)
	}
	if !f.src.present && !f.tgt.present {
		t = append(t, "*")
	}
	slices.Sort(t)
	return slices.Compact(t)
}

// build assembles the Merged event of one cluster of item indices (sorted,
// so c[0] is the earliest item).
func build(items []Item, c []int, scores map[[2]int]link) Merged {
	m := Merged{ID: MergedID(items[c[0]].Key)}
	// medoid and cohesion
	best, bestSum, total, npairs := c[0], -1.0, 0.0, 0
	for _, i := range c {
		s := 0.0
		for _, j := range c {
			if i != j {
				l := scores[orderPair(i, j)]
				s += l.sum
			}
		}
		if s > bestSum {
			best, bestSum = i, s
		}
		total += s
		npairs += len(c) - 1
	}
	m.Cohesion = 1
	if npairs > 0 {
		m.Cohesion = total / float64(npairs)
	}
	m.Event = items[best].Event
	m.Key = items[best].Key

	reports := map[string]bool{}
	uf := map[string]string{} // source grouping over "r:", "o:", "g:" names
	var find func(string) string
	find = func(x string) string {
		p, ok := uf[x]
		if !ok || p == x {
			uf[x] = x
			return x
		}
		r := find(p)
		uf[x] = r
		return r
	}
	unite := func(a, b string) {
		ra, rb := find(a), find(b)
		if ra != rb {
			uf[max(ra, rb)] = min(ra, rb)
		}
	}
	var killed, wounded []Figure
	addFig := func(figs []Figure, v *int, key string) []Figure {
		if v == nil {
			return figs
		}
		for i := range figs {
			if figs[i].Value == *v {
				figs[i].Items = append(figs[i].Items, key)
				return figs
			}
		}
		return append(figs, Figure{Value: *v, Items: []string{key}})
	}
	conflicts := map[string][]Value{}
	addVal := func(field, v, key string) {
		if v == "" {
			return
		}
		vs := conflicts[field]
		for i := range vs {
			if vs[i].Value == v {
				vs[i].Items = append(vs[i].Items, key)
				conflicts[field] = vs
				return
			}
		}
		conflicts[field] = append(vs, Value{Value: v, Items: []string{key}})
	}
	for _, i := range c {
		it := &items[i]
		m.Items = append(m.Items, *it)
		if !reports[it.Report] {
			reports[it.Report] = true
			m.Reports = append(m.Reports, it.Report)
		}
		r := "r:" + it.Report
		find(r)
		if it.Org != "" {
			unite(r, "o:"+it.Org)
		}
		if it.CopyGroup != "" {
			unite(r, "g:"+it.CopyGroup)
		}
		if m.FirstSeen == "" || it.ReportDate < m.FirstSeen {
			m.FirstSeen = it.ReportDate
		}
		if it.ReportDate > m.LastSeen {
			m.LastSeen = it.ReportDate
		}
		d := it.Event.Date
		if d == "" {
			d = it.ReportDate
		}
		if m.DateFrom == "" || d < m.DateFrom {
			m.DateFrom = d
		}
		if d > m.DateTo {
			m.DateTo = d
		}
		e := &it.Event
		killed = addFig(killed, e.Killed, it.Key)
		wounded = addFig(wounded, e.Wounded, it.Key)
		if e.Source != nil {
			addVal("source", e.Source.Code, it.Key)
		}
		if e.Target != nil {
			addVal("target", e.Target.Code, it.Key)
		}
		if len(e.Cameo) >= 2 {
			addVal("type", e.Cameo[:2], it.Key)
		}
		addVal("date", d, it.Key)
		if e.Place != nil {
			addVal("place", e.Place.Name, it.Key)
		}
	}
	slices.Sort(m.Reports)
	roots := map[string]bool{}
	for _, it := range m.Items {
		roots[find("r:"+it.Report)] = true
	}
	m.Sources = len(roots)
	m.Killed, m.Wounded = toRange(killed), toRange(wounded)
	nconf := 0
	for _, f := range []string{"source", "target", "type", "date", "place"} {
		if vs := conflicts[f]; len(vs) > 1 {
			slices.SortFunc(vs, func(a, b Value) int { return cmp.Compare(a.Value, b.Value) })
			m.Conflicts = append(m.Conflicts, Conflict{Field: f, Values: vs})
			nconf++
		}
	}
	m.Confidence = (1 - math.Pow(0.5, float64(m.Sources))) * (0.5 + 0.5*m.Cohesion) * math.Pow(0.9, float64(nconf))
	m.Confidence = math.Round(m.Confidence*1000) / 1000
	m.Cohesion = math.Round(m.Cohesion*1000) / 1000
	return m
}

func toRange(figs []Figure) *Range {
	if len(figs) == 0 {
		return nil
	}
	slices.SortFunc(figs, func(a, b Figure) int { return a.Value - b.Value })
	return &Range{Min: figs[0].Value, Max: figs[len(figs)-1].Value, Values: figs}
}

// unionFind over item indices; the root of a set is its smallest index.
type unionFind struct{ parent []int }

func newUnionFind(n int) *unionFind {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return &unionFind{p}
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

func (u *unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra != rb {
		u.parent[max(ra, rb)] = min(ra, rb)
	}
}

func (u *unionFind) members(r int) []int {
	var out []int
	for i := range u.parent {
		if u.find(i) == r {
			out = append(out, i)
		}
	}
	return out
}

func (u *unionFind) groups() [][]int {
	g := map[int][]int{}
	for i := range u.parent {
		r := u.find(i)
		g[r] = append(g[r], i)
	}
	var out [][]int
	for i := range u.parent {
		if u.find(i) == i {
			out = append(out, g[i])
		}
	}
	return out
}
