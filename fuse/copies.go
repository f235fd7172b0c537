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
	order := slices.Clone(docs)
	slices.SortStableFunc(order, func(a, b Doc) int {
		return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.ID, b.ID))
	})
	group := make(map[string]string, len(order))
	x := NewIndex()
	for _, d := range order {
		if _, dup := group[d.ID]; dup {
			continue
		}
		group[d.ID] = d.ID
		if near := x.Near(d.Sig, threshold); len(near) > 0 {
			group[d.ID] = group[near[0].ID]
		}
		x.Add(d.ID, d.Sig)
	}
	return group
}
