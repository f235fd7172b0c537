package fuse

import (
	"cmp"
	"slices"
)

// CopyThreshold is the default estimated Jaccard similarity of 4-word
// shingles above which two reports are copies of one text. A reprint with a
// byline added, a few words changed and the last paragraph cut scores about
// 0.6–0.9; different articles on the same subject score below 0.1.
const CopyThreshold = 0.4

// Doc is one report as duplicate detection sees it.
type Doc struct {
	ID   string
	Date string // YYYY-MM-DD; earlier reports found copy groups
	Sig  Signature
}

// GroupCopies links reports that are copies of one text and returns, for
// every report id, its copy-group id: the id of the group's earliest report
// (by Date, then ID). A report alone is its own group.
//
// Reports are taken in (Date, ID) order; each joins the group of the most
// similar earlier report whose similarity is at least threshold (≤ 0 means
// CopyThreshold). A report never merges two existing groups, so one
// report that quotes two wire stories does not chain them together.
func GroupCopies(docs []Doc, threshold float64) map[string]string {
	if threshold <= 0 {
		threshold = CopyThreshold
	}
	// the same as adding each report to an Index after asking it for the
	// nearest earlier report, without the Index's strings, maps of slices
	// and sorting: band buckets chain earlier reports by their position
	order := make([]int32, len(docs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		return cmp.Or(cmp.Compare(docs[a].Date, docs[b].Date), cmp.Compare(docs[a].ID, docs[b].ID), cmp.Compare(a, b))
	})
	group := make(map[string]string, len(order))
	head := newBuckets(len(order) * Bands) // bucket → its latest entry
	type entry struct{ doc, next int32 }   // next: the bucket's previous entry, -1 at the end
	entries := make([]entry, 0, len(order)*Bands)
	stamp := make([]int32, len(docs)) // stamp[d] == x+1: d already compared with the x-th report
	for x, di := range order {
		d := &docs[di]
		if _, dup := group[d.ID]; dup {
			continue
		}
		group[d.ID] = d.ID
		if d.Sig.Empty() {
			continue
		}
		keys := bandKeys(d.Sig)
		best, bestSim := int32(-1), 0.0
		for _, k := range keys {
			e, ok := head.get(k)
			for ok && e >= 0 {
				y := entries[e].doc
				e = entries[e].next
				if stamp[y] == int32(x+1) {
					continue
				}
				stamp[y] = int32(x + 1)
				// most similar first, ties by id
				if s := d.Sig.Similarity(docs[y].Sig); s >= threshold && (best < 0 || s > bestSim || s == bestSim && docs[y].ID < docs[best].ID) {
					best, bestSim = y, s
				}
			}
		}
		if best >= 0 {
			group[d.ID] = group[docs[best].ID]
		}
		for _, k := range keys {
			slot := head.slot(k)
			next := slot.v // -1 for a new bucket
			slot.v = int32(len(entries))
			entries = append(entries, entry{doc: di, next: next})
		}
	}
	return group
}

// buckets maps band keys to int32 values: an open-addressing table of a
// fixed size (at least twice the keys it will hold), probed linearly from
// the key's low bits. Band keys are FNV hashes, already well mixed.
type buckets struct {
	slots []bucket
	mask  uint64
}

type bucket struct {
	k    uint64
	v    int32
	used bool
}

func newBuckets(n int) *buckets {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return &buckets{slots: make([]bucket, size), mask: uint64(size - 1)}
}

// get returns the value of key k and whether it is present.
func (b *buckets) get(k uint64) (int32, bool) {
	for i := k & b.mask; ; i = (i + 1) & b.mask {
		s := &b.slots[i]
		if !s.used {
			return 0, false
		}
		if s.k == k {
			return s.v, true
		}
	}
}

// slot returns the slot of key k, adding it with value -1 when absent.
func (b *buckets) slot(k uint64) *bucket {
	for i := k & b.mask; ; i = (i + 1) & b.mask {
		s := &b.slots[i]
		if !s.used {
			*s = bucket{k: k, v: -1, used: true}
			return s
		}
		if s.k == k {
			return s
		}
	}
}
