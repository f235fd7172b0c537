package fuse

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
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
// that share an actor, a country or a place country (or lack an actor). An
// event with neither an identified actor nor a place ("officials said", of
// no known country or place) stays alone unless a decision joins it:
// nothing tells it apart from every other such event of its type and days;
// each pair is scored by Compare. Clustering is average linkage with hard
// conflicts: a cluster only absorbs another when their members are similar
// on average and no member pair conflicts, so A~B and B~C do not force
// A~C. Join decisions start as clusters; Split decisions are conflicts.
//
// Cost: candidate pairs come from blocks of (blocking token, quad class)
// listed by day (candidates), and only the compatible ones are kept, in a
// flat list. Clustering runs per connected component of the strong pairs,
// so only the conflicts inside components of two or more events are ever
// looked for; most candidate pairs conflict and are otherwise forgotten.
func Merge(items []Item, decisions []Decision, opt Options) []Merged {
	opt = opt.withDefaults()
	items = sortItems(items)
	n := len(items)
	fs := make([]facts, n)
	nm := names{}
	for i := range items {
		fs[i].init(&items[i], nm)
	}
	ruling, ruled := rulings(items, decisions)
	cands := newCandidates(fs, nm, opt, ruling, ruled)
	pos := cands.positives()

	// analysts' decisions: a split is a conflict, a join a pair scoring 1
	var joins, splits []edge
	for p, k := range ruling {
		if k == Split {
			splits = append(splits, edge{i: int32(p[0]), j: int32(p[1]), conflict: true})
		} else {
			joins = append(joins, edge{i: int32(p[0]), j: int32(p[1]), sum: 1})
		}
	}
	byPair := func(a, b edge) int { return cmp.Or(cmp.Compare(a.i, b.i), cmp.Compare(a.j, b.j)) }
	slices.SortFunc(joins, byPair)
	slices.SortFunc(splits, byPair)
	pos = append(pos, joins...)

	uf := newUnionFind(n)
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
		ra, rb := uf.find(int(p.i)), uf.find(int(p.j))
		if ra != rb && !splitBetween(uf.members(ra), uf.members(rb)) {
			uf.union(ra, rb)
		}
	}
	clusters, weights := clusterAll(n, uf, pos, cands.conflicts, splits, opt.Threshold)
	// Ordered by first-seen date then id, known before building. Sorting
	// the clusters' positions with the comparison of the built events
	// permutes them exactly as sorting the events would.
	ids := make([]string, len(clusters))
	seen := make([]string, len(clusters))
	order := make([]int, len(clusters))
	for k, c := range clusters {
		ids[k] = MergedID(items[c[0]].Key)
		seen[k] = firstSeen(items, c)
		order[k] = k
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(seen[a], seen[b]), cmp.Compare(ids[a], ids[b]))
	})
	out := make([]Merged, len(clusters))
	b := newBuilder(items, n)
	for k, x := range order {
		b.build(&out[k], clusters[x], ids[x], weights[x])
	}
	return out
}

// firstSeen returns the FirstSeen of the merged event of cluster c: the
// earliest report date, an empty one giving way to any other.
func firstSeen(items []Item, c []int) string {
	s := ""
	for _, i := range c {
		if d := items[i].ReportDate; s == "" || d < s {
			s = d
		}
	}
	return s
}

// sortItems returns a copy of items sorted by report date then key (a
// stable sort), runs of one key reduced to their first item.
func sortItems(items []Item) []Item {
	idx := make([]int32, len(items))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		x, y := &items[a], &items[b]
		return cmp.Or(cmp.Compare(x.ReportDate, y.ReportDate), cmp.Compare(x.Key, y.Key), cmp.Compare(a, b))
	})
	out := make([]Item, 0, len(items))
	for k, i := range idx {
		if k > 0 && items[i].Key == out[len(out)-1].Key {
			continue
		}
		out = append(out, items[i])
	}
	return out
}

// rulings returns the analysts' ruling on each pair of items (the latest
// decision about the pair wins) and which items any ruling names.
func rulings(items []Item, decisions []Decision) (map[[2]int]string, []bool) {
	ruling := map[[2]int]string{}
	if len(decisions) == 0 {
		return ruling, nil
	}
	index := make(map[string]int, len(items))
	for i := range items {
		index[items[i].Key] = i
	}
	ds := slices.Clone(decisions)
	slices.SortStableFunc(ds, func(a, b Decision) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.A, b.A), cmp.Compare(a.B, b.B))
	})
	ruled := make([]bool, len(items))
	for _, d := range ds {
		i, ok1 := index[d.A]
		j, ok2 := index[d.B]
		if !ok1 || !ok2 || i == j || (d.Kind != Split && d.Kind != Join) {
			continue
		}
		ruling[orderPair(i, j)] = d.Kind
		ruled[i], ruled[j] = true, true
	}
	return ruling, ruled
}

// edge is a pair of items (i < j) as clustering sees it: the sum of its
// score, or a conflict.
type edge struct {
	i, j     int32
	sum      float64
	conflict bool
}

// candidates enumerates the candidate pairs of a Merge: the pairs of one
// quad class whose days are at most max(DateWindow, ExplicitDateWindow)
// apart and that share a blocking token (tokens), or of which either event
// has no actor at all. Each block — the items of one token and quad class
// — lists its items by day, so an item finds the items of its days by
// binary search; a stamp per item keeps a pair sharing several tokens from
// being visited twice. Pairs an analyst ruled on are left out.
type candidates struct {
	fs      []facts
	opt     Options
	window  int
	toks    [][]int32 // blocking tokens of each item, sorted
	star    []bool    // the item has no actor
	qi      []int32   // quad class of each item, as a small number
	nq      int32     // number of quad classes
	starTok int32
	start   []int32 // block (token × nq + quad) → its range of blocks
	blocks  []int32
	qstart  []int32 // quad → its range of byQuad
	byQuad  []int32
	day     []int32 // the day of each entry of blocks
	qday    []int32 // the day of each entry of byQuad
	w       *walker // for each
	ruling  map[[2]int]string
	ruled   []bool // the item is named by a ruling
}

func newCandidates(fs []facts, nm names, opt Options, ruling map[[2]int]string, ruled []bool) *candidates {
	n := len(fs)
	c := &candidates{fs: fs, opt: opt, window: max(opt.DateWindow, opt.ExplicitDateWindow), ruling: ruling, ruled: ruled,
		toks: make([][]int32, n), star: make([]bool, n), qi: make([]int32, n)}
	// tokens as numbers: kind × span + the interned name
	agentN := make([][]int32, n)
	for i := range fs {
		for _, a := range []*actorFacts{&fs[i].src, &fs[i].tgt} {
			for _, g := range a.agents {
				agentN[i] = append(agentN[i], nm.of(g))
			}
		}
	}
	span := int32(len(nm) + 1)
	c.starTok = 3 * span
	buf := make([]int32, 0, 2*n)
	for i := range fs {
		start := len(buf)
		buf = tokens(&fs[i], agentN[i], span, buf)
		t := buf[start:]
		slices.Sort(t)
		t = slices.Compact(t)
		buf = buf[:start+len(t)]
		c.toks[i] = t[:len(t):len(t)]
		c.star[i] = len(t) > 0 && t[len(t)-1] == c.starTok
	}
	var quads []int
	for i := range fs {
		k := slices.Index(quads, fs[i].quad)
		if k < 0 {
			k = len(quads)
			quads = append(quads, fs[i].quad)
		}
		c.qi[i] = int32(k)
	}
	nq := int32(max(1, len(quads)))
	c.nq = nq
	byDay := make([]int32, n)
	for i := range byDay {
		byDay[i] = int32(i)
	}
	slices.SortFunc(byDay, func(a, b int32) int { return cmp.Or(cmp.Compare(fs[a].day, fs[b].day), cmp.Compare(a, b)) })
	// blocks as ranges of one array (a counting sort), items by day
	nkeys := int(c.starTok+1) * int(nq)
	c.start = make([]int32, nkeys+1)
	c.qstart = make([]int32, nq+1)
	for i := range fs {
		for _, t := range c.toks[i] {
			c.start[t*nq+c.qi[i]+1]++
		}
		c.qstart[c.qi[i]+1]++
	}
	for k := range nkeys {
		c.start[k+1] += c.start[k]
	}
	for q := range nq {
		c.qstart[q+1] += c.qstart[q]
	}
	c.blocks, c.day = make([]int32, c.start[nkeys]), make([]int32, c.start[nkeys])
	c.byQuad, c.qday = make([]int32, n), make([]int32, n)
	c.w = c.walker()
	fill, qfill := slices.Clone(c.start), slices.Clone(c.qstart)
	for _, i := range byDay {
		d := int32(fs[i].day)
		for _, t := range c.toks[i] {
			k := t*nq + c.qi[i]
			c.blocks[fill[k]], c.day[fill[k]] = i, d
			fill[k]++
		}
		c.byQuad[qfill[c.qi[i]]], c.qday[qfill[c.qi[i]]] = i, d
		qfill[c.qi[i]]++
	}
	return c
}

// walker enumerates candidate pairs with visit marks of its own, so that
// several walkers may run over one candidates at once.
type walker struct {
	c     *candidates
	stamp []int32
	gen   int32
}

func (c *candidates) walker() *walker { return &walker{c: c, stamp: make([]int32, len(c.fs))} }

// each calls fn with every candidate partner j > i of item i that no
// ruling names together with i, each once.
func (c *candidates) each(i int, fn func(j int32)) { c.w.each(i, fn) }

func (w *walker) each(i int, fn func(j int32)) {
	c := w.c
	w.gen++
	gen := w.gen
	fs := c.fs
	lo, hi := int32(fs[i].day-c.window), int32(fs[i].day+c.window)
	visit := func(js, days []int32) {
		// the items of days lo..hi
		k, _ := slices.BinarySearch(days, lo)
		for x, j := range js[k:] {
			if days[k+x] > hi {
				break
			}
			if int(j) <= i || w.stamp[j] == gen || fs[j].anonymous {
				continue
			}
			w.stamp[j] = gen
			if c.ruled != nil && c.ruled[i] && c.ruled[j] {
				if _, ok := c.ruling[[2]int{i, int(j)}]; ok {
					continue
				}
			}
			fn(j)
		}
	}
	if fs[i].anonymous {
		return
	}
	q := c.qi[i]
	if c.star[i] { // an event without actors meets every event of its days
		visit(c.byQuad[c.qstart[q]:c.qstart[q+1]], c.qday[c.qstart[q]:c.qstart[q+1]])
		return
	}
	k := c.starTok*c.nq + q
	visit(c.blocks[c.start[k]:c.start[k+1]], c.day[c.start[k]:c.start[k+1]])
	for _, t := range c.toks[i] {
		k := t*c.nq + q
		visit(c.blocks[c.start[k]:c.start[k+1]], c.day[c.start[k]:c.start[k+1]])
	}
}

// positives returns the compatible candidate pairs with their scores (all
// scores are > 0), in order of i then of enumeration.
func (c *candidates) positives() []edge {
	return inParts(len(c.fs), func(w *walker, i int, pos []edge) []edge {
		f := &c.fs[i]
		w.each(i, func(j int32) {
			if s, ok := score(f, &c.fs[j], c.opt); ok && s > 0 {
				pos = append(pos, edge{i: int32(i), j: j, sum: s})
			}
		})
		return pos
	}, c)
}

// conflicts returns the conflicting candidate pairs inside the components
// (compOf) of two or more items (sizes): the only conflicts clustering can
// meet.
func (c *candidates) conflicts(compOf, sizes []int32) [][2]int32 {
	return inParts(len(c.fs), func(w *walker, i int, conf [][2]int32) [][2]int32 {
		ci := compOf[i]
		if sizes[ci] < 2 {
			return conf
		}
		f := &c.fs[i]
		w.each(i, func(j int32) {
			if compOf[j] == ci {
				if _, ok := score(f, &c.fs[j], c.opt); !ok {
					conf = append(conf, [2]int32{int32(i), j})
				}
			}
		})
		return conf
	}, c)
}

// parallelItems is the size of window from which candidate pairs are
// enumerated and scored on several cores at once.
const parallelItems = 2000

// inParts calls fn for items 0..n-1 in order, appending to one slice; for
// a large window the range is cut into one part per core (at most 4), each
// run by its own goroutine and walker, and the parts' slices are joined in
// order: the result is the same as one pass.
func inParts[T any](n int, fn func(w *walker, i int, out []T) []T, c *candidates) []T {
	p := 1
	if n >= parallelItems {
		p = min(runtime.GOMAXPROCS(0), 4)
	}
	if p <= 1 {
		var out []T
		for i := range n {
			out = fn(c.w, i, out)
		}
		return out
	}
	outs := make([][]T, p)
	var wg sync.WaitGroup
	for k := range p {
		lo, hi := k*n/p, (k+1)*n/p
		wg.Go(func() {
			w := c.walker()
			for i := lo; i < hi; i++ {
				outs[k] = fn(w, i, outs[k])
			}
		})
	}
	wg.Wait()
	return slices.Concat(outs...)
}

// clusterAll runs agglomerate separately on each connected component of
// the graph of strong pairs (score ≥ threshold, no conflict): two clusters
// can only reach an average ≥ threshold when some member pair does, so no
// cluster spans two components. joins holds the must-link groups; pos the
// compatible pairs (joined pairs included), splits and conflicts (given the
// components) the conflicting ones. It returns the clusters of items, each sorted, in order of their
// first item, and for each cluster the scores of its member pairs.
func clusterAll(n int, joins *unionFind, pos []edge, conflicts func(compOf, sizes []int32) [][2]int32, splits []edge, threshold float64) ([][]int, []pairWeights) {
	comp := newUnionFind(n)
	for _, e := range pos {
		if e.sum >= threshold {
			comp.union(int(e.i), int(e.j))
		}
	}
	for i := 0; i < n; i++ {
		comp.union(i, joins.find(i))
	}
	// components in order of their first item; local index of each item
	compOf := make([]int32, n)
	local := make([]int32, n)
	var sizes []int32
	for i := 0; i < n; i++ {
		r := comp.find(i)
		if r == i {
			compOf[i] = int32(len(sizes))
			sizes = append(sizes, 0)
		} else {
			compOf[i] = compOf[r] // r < i: the root is the smallest index
		}
		local[i] = sizes[compOf[i]]
		sizes[compOf[i]]++
	}
	conf := conflicts(compOf, sizes)
	// the pairs inside each component of two or more items, grouped by
	// component (a counting sort), in local indices
	inside := func(i, j int32) (int32, bool) {
		c := compOf[i]
		return c, c == compOf[j] && sizes[c] > 1
	}
	start := make([]int32, len(sizes)+1)
	count := func(i, j int32) {
		if c, ok := inside(i, j); ok {
			start[c+1]++
		}
	}
	for _, e := range pos {
		count(e.i, e.j)
	}
	for _, p := range conf {
		count(p[0], p[1])
	}
	for _, e := range splits {
		count(e.i, e.j)
	}
	for c := range sizes {
		start[c+1] += start[c]
	}
	pairs := make([]edge, start[len(sizes)])
	fill := slices.Clone(start)
	put := func(e edge) {
		if c, ok := inside(e.i, e.j); ok {
			e.i, e.j = local[e.i], local[e.j]
			pairs[fill[c]] = e
			fill[c]++
		}
	}
	for _, e := range pos {
		put(e)
	}
	for _, p := range conf {
		put(edge{i: p[0], j: p[1], conflict: true})
	}
	for _, e := range splits {
		put(e)
	}
	nodes := make([][]int, len(sizes))
	for i := 0; i < n; i++ {
		c := compOf[i]
		if sizes[c] > 1 {
			nodes[c] = append(nodes[c], i)
		}
	}
	// each component of two or more items on its own, on several cores
	// for a large window (largest first), its clusters kept in its slot
	type result struct {
		cls [][]int
		ws  []pairWeights
	}
	var multi []int32
	for c := range sizes {
		if sizes[c] > 1 {
			multi = append(multi, int32(c))
		}
	}
	// the must-link group of each item, found before any goroutine starts
	// (find compresses paths as it goes)
	group := make([]int, n)
	for i := range group {
		group[i] = joins.find(i)
	}
	results := make([]result, len(sizes))
	one := func(c int32) {
		// in the order they were found, which depends on the items alone
		ps := pairs[start[c]:start[c+1]]
		groups := map[int][]int{}
		for _, i := range nodes[c] {
			groups[group[i]] = append(groups[group[i]], int(local[i]))
		}
		var init [][]int
		for _, i := range nodes[c] {
			if g := groups[i]; len(g) > 1 {
				init = append(init, g)
			}
		}
		cls := agglomerate(len(nodes[c]), init, ps, threshold)
		// the compatible pairs inside each cluster, grouped by cluster
		clusterOf := make([]int32, len(nodes[c]))
		for k, cl := range cls {
			for _, li := range cl {
				clusterOf[li] = int32(k)
			}
		}
		within := make([]int32, len(cls)+1)
		for _, e := range ps {
			if k := clusterOf[e.i]; k == clusterOf[e.j] && !e.conflict {
				within[k+1]++
			}
		}
		for k := range cls {
			within[k+1] += within[k]
		}
		cps := make([]edge, within[len(cls)])
		next := slices.Clone(within)
		for _, e := range ps {
			if k := clusterOf[e.i]; k == clusterOf[e.j] && !e.conflict {
				cps[next[k]] = e
				next[k]++
			}
		}
		r := &results[c]
		for k, cl := range cls {
			g := make([]int, len(cl))
			for x, li := range cl {
				g[x] = nodes[c][li]
			}
			r.cls = append(r.cls, g)
			r.ws = append(r.ws, pairWeights{local: cl, pairs: cps[within[k]:within[k+1]]})
		}
	}
	if p := min(runtime.GOMAXPROCS(0), 4); n >= parallelItems && p > 1 {
		slices.SortStableFunc(multi, func(a, b int32) int { return cmp.Compare(sizes[b], sizes[a]) })
		var next atomic.Int64
		var wg sync.WaitGroup
		for range p {
			wg.Go(func() {
				for k := next.Add(1) - 1; k < int64(len(multi)); k = next.Add(1) - 1 {
					one(multi[k])
				}
			})
		}
		wg.Wait()
	} else {
		for _, c := range multi {
			one(c)
		}
	}
	// every cluster in order of its first (smallest) item, the items alone
	// among them, without sorting: each item starts at most one cluster
	type at struct{ c, k int32 }
	starts := make([]at, n)
	for i := range starts {
		starts[i].c = -1
	}
	total := 0
	for c := range results {
		for k, cl := range results[c].cls {
			starts[cl[0]] = at{int32(c), int32(k)}
		}
		total += len(results[c].cls)
	}
	alone := make([]int, n)
	for i := range alone {
		alone[i] = i
		if sizes[compOf[i]] == 1 {
			total++
		}
	}
	out, ws := make([][]int, 0, total), make([]pairWeights, 0, total)
	for i := range n {
		switch st := starts[i]; {
		case sizes[compOf[i]] == 1:
			out, ws = append(out, alone[i:i+1:i+1]), append(ws, pairWeights{})
		case st.c >= 0:
			out, ws = append(out, results[st.c].cls[st.k]), append(ws, results[st.c].ws[st.k])
		}
	}
	return out, ws
}

// pairWeights are the scores among the members of one cluster: local are
// the members' indices in their component (sorted) and pairs the
// compatible pairs among them, in those indices. A pair not listed
// scores 0.
type pairWeights struct {
	local []int
	pairs []edge
}

// matrix returns the members' pair scores as a k×k matrix (k members).
func (w pairWeights) matrix(buf []float64) []float64 {
	k := len(w.local)
	m := buf[:0]
	for range k * k {
		m = append(m, 0)
	}
	if k < 2 {
		return m
	}
	pos := func(li int32) int {
		if p, ok := slices.BinarySearch(w.local, int(li)); ok {
			return p
		}
		return -1
	}
	for _, e := range w.pairs {
		a, b := pos(e.i), pos(e.j)
		if a < 0 || b < 0 || e.conflict {
			continue
		}
		m[a*k+b], m[b*k+a] = e.sum, e.sum
	}
	return m
}

func orderPair(i, j int) [2]int {
	if i > j {
		i, j = j, i
	}
	return [2]int{i, j}
}

// tokens appends the blocking tokens of an event to t: its actors' ids,
// countries and agent codes (agents, interned) and its place's country,
// each kind of name in its own range of span numbers; 3×span for an
// event without actors. The caller sorts them and drops repeats.
func tokens(f *facts, agents []int32, span int32, t []int32) []int32 {
	const id, country, agent = 0, 1, 2
	if f.anonymous {
		return t // in no block
	}
	for _, a := range []*actorFacts{&f.src, &f.tgt} {
		if !a.present {
			continue
		}
		if a.idN != 0 {
			t = append(t, id*span+a.idN)
		}
		if a.countryN != 0 {
			t = append(t, country*span+a.countryN)
		}
	}
	for _, g := range agents {
		t = append(t, agent*span+g)
	}
	if f.placeCountryN != 0 {
		t = append(t, country*span+f.placeCountryN)
	}
	if !f.src.present && !f.tgt.present {
		t = append(t, 3*span)
	}
	return t
}

// builder assembles Merged events, sharing backing arrays among them.
type builder struct {
	items   []Item
	itemBuf []Item
	repBuf  []string
	mat     []float64
}

func newBuilder(items []Item, n int) *builder {
	return &builder{items: items, itemBuf: make([]Item, 0, n), repBuf: make([]string, 0, n)}
}

// build assembles into m the Merged event of one cluster of item indices
// (sorted, so c[0] is the earliest item) named id; w holds its members'
// scores.
func (b *builder) build(m *Merged, c []int, id string, w pairWeights) {
	items := b.items
	m.ID = id
	// medoid and cohesion
	k := len(c)
	best, bestSum, total, npairs := c[0], -1.0, 0.0, 0
	if k == 1 {
		best, total, npairs = c[0], 0, 0
	} else {
		var mat []float64
		if k <= 256 {
			b.mat = w.matrix(b.mat)
			mat = b.mat
		}
		var sparse map[[2]int]float64
		if mat == nil {
			sparse = map[[2]int]float64{}
			for _, e := range w.pairs {
				a, ok1 := slices.BinarySearch(w.local, int(e.i))
				bb, ok2 := slices.BinarySearch(w.local, int(e.j))
				if ok1 && ok2 && !e.conflict {
					sparse[[2]int{a, bb}] = e.sum
				}
			}
		}
		for x, i := range c {
			s := 0.0
			for y := range c {
				if x != y {
					if mat != nil {
						s += mat[x*k+y]
					} else {
						s += sparse[[2]int{min(x, y), max(x, y)}]
					}
				}
			}
			if s > bestSum {
				best, bestSum = i, s
			}
			total += s
			npairs += k - 1
		}
	}
	m.Cohesion = 1
	if npairs > 0 {
		m.Cohesion = total / float64(npairs)
	}
	m.Event = items[best].Event
	m.Key = items[best].Key

	off := len(b.itemBuf)
	for _, i := range c {
		b.itemBuf = append(b.itemBuf, items[i])
	}
	m.Items = b.itemBuf[off:len(b.itemBuf):len(b.itemBuf)]

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
	var conflicts [nFields][]Value
	addVal := func(field int, v, key string) {
		if v == "" {
			return
		}
		vs := conflicts[field]
		for i := range vs {
			if vs[i].Value == v {
				vs[i].Items = append(vs[i].Items, key)
				return
			}
		}
		conflicts[field] = append(vs, Value{Value: v, Items: []string{key}})
	}
	m.FirstSeen = firstSeen(items, c)
	for x := range m.Items {
		it := &m.Items[x]
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
			addVal(fieldSource, e.Source.Code, it.Key)
		}
		if e.Target != nil {
			addVal(fieldTarget, e.Target.Code, it.Key)
		}
		if len(e.Cameo) >= 2 {
			addVal(fieldType, e.Cameo[:2], it.Key)
		}
		addVal(fieldDate, d, it.Key)
		if e.Place != nil {
			addVal(fieldPlace, e.Place.Name, it.Key)
		}
	}
	m.Reports, m.Sources = b.sources(m.Items)
	m.Killed, m.Wounded = toRange(killed), toRange(wounded)
	nconf := 0
	for f, vs := range conflicts {
		if len(vs) > 1 {
			slices.SortFunc(vs, func(a, b Value) int { return cmp.Compare(a.Value, b.Value) })
			m.Conflicts = append(m.Conflicts, Conflict{Field: fieldNames[f], Values: vs})
			nconf++
		}
	}
	m.Confidence = (1 - math.Pow(0.5, float64(m.Sources))) * (0.5 + 0.5*m.Cohesion) * math.Pow(0.9, float64(nconf))
	m.Confidence = math.Round(m.Confidence*1000) / 1000
	m.Cohesion = math.Round(m.Cohesion*1000) / 1000
}

// The fields of a Conflict, in the order Merged.Conflicts lists them.
const (
	fieldSource = iota
	fieldTarget
	fieldType
	fieldDate
	fieldPlace
	nFields
)

var fieldNames = [nFields]string{"source", "target", "type", "date", "place"}

// sources returns the distinct reports of the items, sorted, and the number
// of independent sources among them: reports joined, transitively, when
// they share an Org or a CopyGroup.
func (b *builder) sources(its []Item) ([]string, int) {
	off := len(b.repBuf)
	var seen map[string]bool // for many items
	if len(its) > 32 {
		seen = make(map[string]bool, len(its))
	}
	for x := range its {
		r := its[x].Report
		if seen != nil {
			if seen[r] {
				continue
			}
			seen[r] = true
		} else if slices.Contains(b.repBuf[off:], r) {
			continue
		}
		b.repBuf = append(b.repBuf, r)
	}
	reports := b.repBuf[off:len(b.repBuf):len(b.repBuf)]
	slices.Sort(reports)
	if len(reports) == 1 {
		return reports, 1
	}
	uf := newUnionFind(len(reports))
	// the first report of each org and copy group
	orgs, groups := map[string]int{}, map[string]int{}
	link := func(first map[string]int, name string, r int) {
		if name == "" {
			return
		}
		if f, ok := first[name]; ok {
			uf.union(f, r)
		} else {
			first[name] = r
		}
	}
	for x := range its {
		r, _ := slices.BinarySearch(reports, its[x].Report)
		link(orgs, its[x].Org, r)
		link(groups, its[x].CopyGroup, r)
	}
	n := 0
	for r := range reports {
		if uf.find(r) == r {
			n++
		}
	}
	return reports, n
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
