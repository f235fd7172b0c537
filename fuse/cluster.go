package fuse

import (
	"slices"
)

// link is what clustering knows about a pair of clusters: the sum of the
// scores of their compared member pairs (pairs never compared count 0) and
// whether any member pair conflicts.
type link struct {
	sum      float64
	conflict bool
}

// neighbour is one entry of a cluster's adjacency: the other cluster and
// the link the two share (one *link per pair, seen from both sides).
type neighbour struct {
	k int32
	l *link
}

// agglomerate clusters n nodes by average linkage with cannot-link
// constraints: it repeatedly merges the two clusters with the highest
// average pair score (sum over all member pairs / product of sizes) while
// that average is at least threshold and no member pair of the two
// conflicts (complete linkage on conflicts). init gives starting clusters
// (must-links, each a list of node indices; nodes not listed start alone);
// pairs gives the scores and conflicts between nodes, one edge per pair
// (pairs not listed score 0), summed in the order given. The result lists
// clusters of node indices, each sorted, in order of their smallest node.
// It is deterministic: ties go to the pair with the smaller node indices.
//
// Each cluster keeps its neighbours in a slice that may hold clusters
// merged away since (skipped, and dropped whenever the slice is rebuilt);
// the candidate merges wait in a heap, stale ones recognised by the
// clusters' versions.
func agglomerate(n int, init [][]int, pairs []edge, threshold float64) [][]int {
	clusterOf := make([]int32, n)
	for i := range clusterOf {
		clusterOf[i] = -1
	}
	var members [][]int
	for _, c := range init {
		id := int32(len(members))
		members = append(members, append([]int(nil), c...))
		for _, i := range c {
			clusterOf[i] = id
		}
	}
	multi := len(members) // clusters below multi start with several nodes
	for i := 0; i < n; i++ {
		if clusterOf[i] < 0 {
			clusterOf[i] = int32(len(members))
			members = append(members, []int{i})
		}
	}
	nc := len(members)
	// adjacency lists carved from one array, each with room for its
	// cluster's pairs (an upper bound: pairs falling on one pair of
	// clusters share a link); lists that grow during merging move out
	deg := make([]int32, nc)
	for _, e := range pairs {
		if a, b := clusterOf[e.i], clusterOf[e.j]; a != b {
			deg[a]++
			deg[b]++
		}
	}
	var total int
	for _, d := range deg {
		total += int(d)
	}
	backing := make([]neighbour, total)
	adj := make([][]neighbour, nc)
	for c, off := range deg {
		adj[c] = backing[:0:off]
		backing = backing[off:]
	}
	links := make([]link, 0, len(pairs))
	var shared map[[2]int32]*link // links of the clusters given by init
	for _, e := range pairs {
		a, b := clusterOf[e.i], clusterOf[e.j]
		if a == b {
			continue
		}
		if int(a) < multi || int(b) < multi {
			// several node pairs may fall on this pair of clusters
			if shared == nil {
				shared = map[[2]int32]*link{}
			}
			key := [2]int32{min(a, b), max(a, b)}
			if l := shared[key]; l != nil {
				l.sum += e.sum
				l.conflict = l.conflict || e.conflict
				continue
			}
			l := &link{sum: e.sum, conflict: e.conflict}
			shared[key] = l
			adj[a] = append(adj[a], neighbour{b, l})
			adj[b] = append(adj[b], neighbour{a, l})
			continue
		}
		// two single nodes: one edge per pair
		links = append(links, link{sum: e.sum, conflict: e.conflict})
		l := &links[len(links)-1]
		adj[a] = append(adj[a], neighbour{b, l})
		adj[b] = append(adj[b], neighbour{a, l})
	}
	minNode := make([]int32, nc)
	for c, m := range members {
		minNode[c] = int32(m[0])
		for _, i := range m {
			minNode[c] = min(minNode[c], int32(i))
		}
	}
	alive := make([]bool, nc)
	version := make([]int32, nc)
	for i := range alive {
		alive[i] = true
	}
	h := make(pairHeap, 0, len(pairs))
	push := func(a, b int32, l *link) {
		if l.conflict {
			return
		}
		avg := l.sum / float64(len(members[a])*len(members[b]))
		if avg < threshold {
			return
		}
		if minNode[b] < minNode[a] {
			a, b = b, a
		}
		h.push(candidate{avg: avg, a: a, b: b, va: version[a], vb: version[b], ka: minNode[a], kb: minNode[b]})
	}
	for a := range adj {
		for _, nb := range adj[a] {
			if int32(a) < nb.k {
				push(int32(a), nb.k, nb.l)
			}
		}
	}
	at := make([]*link, nc) // scratch: a's link to each cluster during a merge
	for len(h) > 0 {
		c := h.pop()
		if !alive[c.a] || !alive[c.b] || version[c.a] != c.va || version[c.b] != c.vb {
			continue
		}
		// merge b into a
		a, b := c.a, c.b
		members[a] = append(members[a], members[b]...)
		members[b] = nil
		alive[b] = false
		version[a]++
		minNode[a] = min(minNode[a], minNode[b])
		// a's neighbours, without the clusters merged away
		na := adj[a][:0]
		for _, nb := range adj[a] {
			if alive[nb.k] && at[nb.k] == nil {
				at[nb.k] = nb.l
				na = append(na, nb)
			}
		}
		for _, nb := range adj[b] {
			k := nb.k
			if !alive[k] || k == a {
				continue
			}
			la := at[k]
			if la == nil {
				la = &link{}
				at[k] = la
				na = append(na, neighbour{k, la})
				adj[k] = append(adj[k], neighbour{a, la})
			}
			la.sum += nb.l.sum
			la.conflict = la.conflict || nb.l.conflict
		}
		adj[a], adj[b] = na, nil
		for _, nb := range na {
			at[nb.k] = nil
			push(a, nb.k, nb.l)
		}
	}
	var out [][]int
	for c, m := range members {
		if alive[c] {
			sortInts(m)
			out = append(out, m)
		}
	}
	sortClusters(out)
	return out
}

type candidate struct {
	avg          float64
	a, b, va, vb int32
	ka, kb       int32 // the smallest node of a and of b
}

// before orders candidates: highest average first, then the pair with the
// smaller node indices.
func (x *candidate) before(y *candidate) bool {
	if x.avg != y.avg {
		return x.avg > y.avg
	}
	if x.ka != y.ka {
		return x.ka < y.ka
	}
	return x.kb < y.kb
}

// pairHeap is a binary heap of candidates, the first by before on top.
type pairHeap []candidate

func (h *pairHeap) push(c candidate) {
	*h = append(*h, c)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s[i].before(&s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *pairHeap) pop() candidate {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	for i := 0; ; {
		l := 2*i + 1
		if l >= len(s) {
			break
		}
		m := l
		if r := l + 1; r < len(s) && s[r].before(&s[l]) {
			m = r
		}
		if !s[m].before(&s[i]) {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
}

func sortInts(s []int) { slices.Sort(s) }

func sortClusters(cs [][]int) {
	slices.SortFunc(cs, func(a, b []int) int { return a[0] - b[0] })
}
