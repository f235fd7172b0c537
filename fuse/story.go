package fuse

import (
	"cmp"
	"slices"

	"github.com/intelcell/intelcell/cameo"
)

// Story is a group of reports about the same happening, however worded: the
// reports share merged events, or are copies of one text.
type Story struct {
	// ID is stable while the earliest report stays: "s" and 16 hex digits
	// of the SHA-256 of the earliest report id (by date, then id).
	ID string `json:"id"`
	// Reports are the member reports, sorted.
	Reports []string `json:"reports"`
	// Merged are the ids of the merged events its reports share or tell.
	Merged []string `json:"merged"`
	// FirstSeen and LastSeen are the earliest and latest report dates.
	FirstSeen string `json:"first_seen"`
	LastSeen  string `json:"last_seen"`
}

// StoryThreshold is the default average-linkage threshold of Stories.
const StoryThreshold = 0.5

// Stories groups reports into stories. Two reports are similar by the
// overlap of the merged events they contribute to (shared / the smaller
// count), leaving out bare public statements (CAMEO 01), which say little
// about what happened; reports of one copy group (copies: report id →
// group id, as GroupCopies returns, may be nil) always share a story.
// Clustering is average linkage at threshold (≤ 0 means StoryThreshold).
// Reports that appear only in copies, with no events, join their copy
// group's story. Stories are ordered by first-seen date, then id.
func Stories(merged []Merged, copies map[string]string, threshold float64) []Story {
	if threshold <= 0 {
		threshold = StoryThreshold
	}
	date := map[string]string{}
	events := map[string][]string{} // report → merged ids
	for _, m := range merged {
		telling := cameo.Root(m.Event.Cameo) != "01"
		for _, it := range m.Items {
			if d, ok := date[it.Report]; !ok || it.ReportDate < d {
				date[it.Report] = it.ReportDate
			}
			if telling && !slices.Contains(events[it.Report], m.ID) {
				events[it.Report] = append(events[it.Report], m.ID)
			}
		}
	}
	for r := range copies {
		if _, ok := date[r]; !ok {
			date[r] = ""
		}
	}
	reports := make([]string, 0, len(date))
	for r := range date {
		reports = append(reports, r)
	}
	slices.SortFunc(reports, func(a, b string) int { return cmp.Or(cmp.Compare(date[a], date[b]), cmp.Compare(a, b)) })
	index := make(map[string]int, len(reports))
	for i, r := range reports {
		index[r] = i
	}
	// pair scores from shared merged events
	byEvent := map[string][]int{}
	for i, r := range reports {
		for _, id := range events[r] {
			byEvent[id] = append(byEvent[id], i)
		}
	}
	shared := map[[2]int]int{}
	for _, rs := range byEvent {
		for x := range rs {
			for y := x + 1; y < len(rs); y++ {
				shared[orderPair(rs[x], rs[y])]++
			}
		}
	}
	pairs := make([]edge, 0, len(shared))
	for p, n := range shared {
		small := min(len(events[reports[p[0]]]), len(events[reports[p[1]]]))
		pairs = append(pairs, edge{i: int32(p[0]), j: int32(p[1]), sum: float64(n) / float64(small)})
	}
	slices.SortFunc(pairs, func(a, b edge) int { return cmp.Or(cmp.Compare(a.i, b.i), cmp.Compare(a.j, b.j)) })
	// copy groups are must-links
	uf := newUnionFind(len(reports))
	for r, g := range copies {
		i, ok1 := index[r]
		j, ok2 := index[g]
		if ok1 && ok2 {
			uf.union(i, j)
		}
	}
	var init [][]int
	for _, g := range uf.groups() {
		if len(g) > 1 {
			init = append(init, g)
		}
	}
	clusters := agglomerate(len(reports), init, pairs, threshold)
	out := make([]Story, 0, len(clusters))
	for _, c := range clusters {
		s := Story{ID: "s" + MergedID(reports[c[0]])[1:]}
		for _, i := range c {
			r := reports[i]
			s.Reports = append(s.Reports, r)
			for _, id := range events[r] {
				if !slices.Contains(s.Merged, id) {
					s.Merged = append(s.Merged, id)
				}
			}
			if d := date[r]; d != "" && (s.FirstSeen == "" || d < s.FirstSeen) {
				s.FirstSeen = d
			}
			if d := date[r]; d > s.LastSeen {
				s.LastSeen = d
			}
		}
		slices.Sort(s.Reports)
		slices.Sort(s.Merged)
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Story) int {
		return cmp.Or(cmp.Compare(a.FirstSeen, b.FirstSeen), cmp.Compare(a.ID, b.ID))
	})
	return out
}
