package intelcell

import (
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"time"
)

// OverviewFilter is the window of days an Overview covers. Empty fields take
// their defaults (OverviewWindow).
type OverviewFilter struct {
	From string // YYYY-MM-DD inclusive; default: To minus OverviewDays-1 days
	To   string // YYYY-MM-DD inclusive; default: the newest visible event's or report's date
}

// OverviewDays is the length of the default overview window.
const OverviewDays = 90

// MaxOverviewDays bounds the length of an overview window.
const MaxOverviewDays = 3660

// OverviewTop is how many actors and dyads an Overview ranks.
const OverviewTop = 10

// Overview summarises what one viewer may see over a window of days. Every
// figure counts only reports the viewer may see (Visible, applied in the
// store's query before anything is counted) and what was extracted from
// them, so two viewers with different access get different overviews of the
// same cell.
type Overview struct {
	From string `json:"from"` // the window, inclusive
	To   string `json:"to"`
	// Totals over the window.
	Reports int `json:"reports"` // visible reports whose report date is in the window
	Events  int `json:"events"`  // visible events whose event date is in the window
	Actors  int `json:"actors"`  // distinct actors (by id) among those events' sources and targets
	// ReportsPerDay counts those reports by report date, EventsPerDay those
	// events by event date; oldest first, days with none left out.
	ReportsPerDay []Count `json:"reports_per_day"`
	EventsPerDay  []Count `json:"events_per_day"`
	// TopActors are the OverviewTop actors in most events of the window (as
	// source or target; an event counts once per actor), TopDyads the
	// OverviewTop source→target pairs with most events: most events first,
	// ties by id.
	TopActors []ActorCount `json:"top_actors"`
	TopDyads  []DyadCount  `json:"top_dyads"`
	// ByRoot counts the window's events by CAMEO root, most first.
	ByRoot []Count `json:"by_root"`
}

// ActorCount is one actor of an Overview: its events in the window and
// their mean Goldstein score.
type ActorCount struct {
	Actor     Actor   `json:"actor"`
	Count     int     `json:"count"`
	Goldstein float64 `json:"goldstein"` // mean over the events, rounded to 0.01
}

// DyadCount is one source→target pair of an Overview.
type DyadCount struct {
	Source    Actor   `json:"source"`
	Target    Actor   `json:"target"`
	Count     int     `json:"count"`
	Goldstein float64 `json:"goldstein"` // mean over the events, rounded to 0.01
}

// MeanGoldstein returns sum/n rounded to 0.01 (0 when n is 0): the
// Goldstein figure of an Overview. The sum is first rounded to 1e-6, so that
// sums of the same scores added in another order (by another database) give
// the same figure even when the mean falls on a rounding boundary.
func MeanGoldstein(sum float64, n int) float64 {
	if n == 0 {
		return 0
	}
	sum = math.Round(sum*1e6) / 1e6
	return math.Round(sum/float64(n)*100) / 100
}

// OverviewWindow resolves an overview window. newest is where the default
// window ends: the latest date of an event or a report the viewer may see
// (a report is often dated a day after the events it tells of), "" when it
// sees none: then today. It returns EINVALID for
// malformed dates, a window that ends before it starts, or one longer than
// MaxOverviewDays.
func OverviewWindow(f OverviewFilter, newest string, today time.Time) (from, to string, err error) {
	const day = "2006-01-02"
	to = cmp.Or(f.To, newest, today.UTC().Format(day))
	t, err := time.Parse(day, to)
	if err != nil {
		return "", "", Errorf(EINVALID, "to %q is not YYYY-MM-DD", to)
	}
	from = f.From
	if from == "" {
		from = t.AddDate(0, 0, -(OverviewDays - 1)).Format(day)
	}
	fr, err := time.Parse(day, from)
	if err != nil {
		return "", "", Errorf(EINVALID, "from %q is not YYYY-MM-DD", from)
	}
	switch {
	case fr.After(t):
		return "", "", Errorf(EINVALID, "from %s is after to %s", from, to)
	case t.Sub(fr) >= MaxOverviewDays*24*time.Hour:
		return "", "", Errorf(EINVALID, "the window is longer than %d days", MaxOverviewDays)
	}
	return from, to, nil
}

// SortOverview puts an Overview's lists in their documented order (stores
// may build them in any order): days oldest first, roots most first then by
// code, actors and dyads most first then by id.
func SortOverview(o *Overview) {
	byKey := func(a, b Count) int { return cmp.Compare(a.Key, b.Key) }
	slices.SortFunc(o.ReportsPerDay, byKey)
	slices.SortFunc(o.EventsPerDay, byKey)
	slices.SortFunc(o.ByRoot, func(a, b Count) int { return cmp.Or(b.Count-a.Count, cmp.Compare(a.Key, b.Key)) })
	slices.SortFunc(o.TopActors, func(a, b ActorCount) int { return cmp.Or(b.Count-a.Count, cmp.Compare(a.Actor.ID, b.Actor.ID)) })
	slices.SortFunc(o.TopDyads, func(a, b DyadCount) int {
		return cmp.Or(b.Count-a.Count, cmp.Compare(a.Source.ID, b.Source.ID), cmp.Compare(a.Target.ID, b.Target.ID))
	})
}

// NameOverviewActors fills the actors of o's rankings, which stores build
// with only the actor's key (its ID, or its Code when it has no ID), from
// events that involve them: code, name, kind and country. The role a person
// held on one report's date is left out.
func NameOverviewActors(o *Overview, events []Event) {
	known := map[string]Actor{}
	for _, e := range events {
		for _, a := range []*Actor{e.Source, e.Target} {
			if a == nil {
				continue
			}
			key := cmp.Or(a.ID, a.Code)
			if _, ok := known[key]; !ok {
				c := *a
				c.ID, c.Role = key, ""
				known[key] = c
			}
		}
	}
	fill := func(a *Actor) {
		if k, ok := known[a.ID]; ok {
			*a = k
		}
	}
	for i := range o.TopActors {
		fill(&o.TopActors[i].Actor)
	}
	for i := range o.TopDyads {
		fill(&o.TopDyads[i].Source)
		fill(&o.TopDyads[i].Target)
	}
}

// Rows is what a store's query answers row by row (*sql.Rows and pgx.Rows
// both are), for the readers below that both stores share.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ReadOverviewRows adds to o the rows of a store's overview statement:
// (kind, key, second key, count, Goldstein sum, a sample event id, distinct
// actors) with kind "day", "root", "actor" or "dyad". It returns the sample
// event of each ranked actor and dyad, from which NameOverviewActors names
// them.
func ReadOverviewRows(o *Overview, rows Rows) (sample []string, err error) {
	for rows.Next() {
		var kind, k1, k2, eventID string
		var n, actors int
		var sum float64
		if err := rows.Scan(&kind, &k1, &k2, &n, &sum, &eventID, &actors); err != nil {
			return nil, err
		}
		switch kind {
		case "day":
			o.EventsPerDay = append(o.EventsPerDay, Count{Key: k1, Count: n})
			o.Events += n
		case "root":
			o.ByRoot = append(o.ByRoot, Count{Key: k1, Count: n})
		case "actor":
			o.Actors = actors // the number of groups, counted before LIMIT
			o.TopActors = append(o.TopActors, ActorCount{Actor: Actor{ID: k1}, Count: n, Goldstein: MeanGoldstein(sum, n)})
			sample = append(sample, eventID)
		case "dyad":
			o.TopDyads = append(o.TopDyads, DyadCount{Source: Actor{ID: k1}, Target: Actor{ID: k2}, Count: n, Goldstein: MeanGoldstein(sum, n)})
			sample = append(sample, eventID)
		}
	}
	return sample, rows.Err()
}

// ReadEventBodies decodes rows of one column, an Event's JSON.
func ReadEventBodies(rows Rows) ([]Event, error) {
	var evs []Event
	for rows.Next() {
		var body string
		var e Event
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			return nil, err
		}
		evs = append(evs, e)
	}
	return evs, rows.Err()
}

// ReadIDs collects rows of one text column into a set.
func ReadIDs(rows Rows) (map[string]bool, error) {
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
