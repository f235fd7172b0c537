package fuse

import (
	"container/heap"
	"slices"
)

// link is what clustering knows about a pair of clusters: the sum of the
// scores of their compared member pairs (pairs never compared count 0) and
// whether any member pair conflicts.
type link struct {
	sum      float64
	conflict bool
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
func agglomerate(n int, init [][]int, pairs []edge, threshold float64) [][]int {
	clusterOf := make([]int, n)
	for i := range clusterOf {
		clusterOf[i] = -1
	}
	var members [][]int
	for _, c := range init {
		id := len(members)
		members = append(members, append([]int(nil), c...))
		for _, i := range c {
			clusterOf[i] = id
		}
	}
	for i := 0; i < n; i++ {
		if clusterOf[i] < 0 {
			clusterOf[i] = len(members)
			members = append(members, []int{i})
		}
	}
	adj := make([]map[int]*link, len(members))
	for i := range adj {
		adj[i] = map[int]*link{}
	}
	for _, l := range pairs {
		a, b := clusterOf[l.i], clusterOf[l.j]
		if a == b {
			continue
		}
		la := adj[a][b]
		if la == nil {
			la = &link{}
			adj[a][b] = la
			adj[b][a] = la
		}
		la.sum += l.sum
		la.conflict = la.conflict || l.conflict
	}
	minNode := make([]int, len(members))
	for c, m := range members {
		minNode[c] = m[0]
		for _, i := range m {
			minNode[c] = min(minNode[c], i)
		}
	}
	alive := make([]bool, len(members))
	version := make([]int, len(members))
	for i := range alive {
		alive[i] = true
	}
	h := &pairHeap{}
	push := func(a, b int) {
		l := adj[a][b]
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
		heap.Push(h, candidate{avg: avg, a: a, b: b, va: version[a], vb: version[b], ka: minNode[a], kb: minNode[b]})
	}
	for a := range adj {
		for b := range adj[a] {
			if a < b {
				push(a, b)
			}
		}
	}
	for h.Len() > 0 {
		c := heap.Pop(h).(candidate)
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
		for k, lb := range adj[b] {
			delete(adj[k], b)
			if k == a {
				continue
			}
			la := adj[a][k]
			if la == nil {
				la = &link{}
				adj[a][k] = la
				adj[k][a] = la
			}
			la.sum += lb.sum
			la.conflict = la.conflict || lb.conflict
		}
		delete(adj[a], b)
		adj[b] = nil
		for k := range adj[a] {
			push(a, k)
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
	a, b, va, vb int
	ka, kb       int
}

type pairHeap []candidate

func (h pairHeap) Len() int { return len(h) }
func (h pairHeap) Less(i, j int) bool {
	if h[i].avg != h[j].avg {
		return h[i].avg > h[j].avg
	}
	if h[i].ka != h[j].ka {
		return h[i].ka < h[j].ka
	}
	return h[i].kb < h[j].kb
}
func (h pairHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pairHeap) Push(x any)   { *h = append(*h, x.(candidate)) }
func (h *pairHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func sortInts(s []int) { slices.Sort(s) }

func sortClusters(cs [][]int) {
	slices.SortFunc(cs, func(a, b []int) int { return a[0] - b[0] })
}
