package http

// Fusion endpoints: merged events, stories, actor profiles and analysts'
// split/join decisions, each computed per request from exactly the events
// the caller may see. The store loads the caller's visible events of a date
// window (the access rule stays compiled into its query); fuse.Merge then
// runs over them alone, so no merged event, count, corroboration, story or
// profile can depend on a report the caller cannot see.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"math"
	nethttp "net/http"
	"slices"
	"strings"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/fuse"
)

// DefaultFusionDays is the width of the merged-event window when the caller
// gives neither from nor to: the DefaultFusionDays days up to the newest
// visible event. MaxFusionDays bounds any window: merging cost grows with
// the events of the window, not with the size of the store.
const (
	DefaultFusionDays = 31
	MaxFusionDays     = 366
)

// fusionMargin is how many days outside the window are loaded so that an
// event at the window's edge merges with its partners just outside it: the
// largest date distance fuse.Merge accepts with default Options.
const fusionMargin = 1

func init() {
	queryParams["GET /api/v1/merged-events"] = eventParams
	queryParams["GET /api/v1/stories"] = eventParams
	queryParams["GET /api/v1/actors/{id}/profile"] = []Param{
		{Name: "from", Doc: "first event date, YYYY-MM-DD inclusive (default: all)"},
		{Name: "to", Doc: "last event date, YYYY-MM-DD inclusive (default: all)"},
	}
	requestBodies["POST /api/v1/merged-events/decisions"] = map[string]any{
		"type":     "object",
		"required": []string{"kind", "a", "b"},
		"properties": map[string]any{
			"kind": map[string]any{"type": "string", "enum": []string{"split", "join"}},
			"a":    map[string]any{"type": "string", "description": "an event id, or a merged-event id (its naming event)"},
			"b":    map[string]any{"type": "string", "description": "an event id, or a merged-event id (its naming event)"},
		},
	}
}

func (s *Server) fusionStore() (intelcell.FusionService, error) {
	fs, ok := s.Store.(intelcell.FusionService)
	if !ok {
		return nil, intelcell.Errorf(intelcell.EINTERNAL, "the store does not implement fusion")
	}
	return fs, nil
}

// MergedEvent is a merged event as the API serves it: the representative
// event's facts, the date range and report dates, the visible contributing
// reports and events, the corroboration (independent sources among them),
// the figure ranges, a confidence and the facts members disagree on.
type MergedEvent struct {
	ID        string           `json:"id"`
	Cameo     string           `json:"cameo"`
	Plover    string           `json:"plover"`
	Goldstein float64          `json:"goldstein"`
	Negated   bool             `json:"negated,omitempty"`
	Source    *intelcell.Actor `json:"source"`
	Target    *intelcell.Actor `json:"target"`
	// Date is "YYYY-MM-DD", or an ISO 8601 interval "first/last" when the
	// members date it differently.
	Date      string           `json:"date"`
	DateFrom  string           `json:"date_from"`
	DateTo    string           `json:"date_to"`
	FirstSeen string           `json:"first_seen"`
	LastSeen  string           `json:"last_seen"`
	Place     *intelcell.Place `json:"place"`
	ReportIDs []string         `json:"report_ids"`
	EventIDs  []string         `json:"event_ids"`
	// Corroboration counts independent sources among the visible reports:
	// copies of one text count once, reports of one org the caller may
	// name count once, and every report whose org the caller may not learn
	// counts as a source of its own.
	Corroboration int `json:"corroboration"`
	// Sources names the contributing orgs the caller may learn; the other
	// UnnamedSources sources are counted without being named.
	Sources        []string        `json:"sources"`
	UnnamedSources int             `json:"unnamed_sources"`
	Killed         *fuse.Range     `json:"killed"`
	Wounded        *fuse.Range     `json:"wounded"`
	Confidence     float64         `json:"confidence"`
	Cohesion       float64         `json:"cohesion"`
	Conflicts      []fuse.Conflict `json:"conflicts"`
}

// fusion is one viewer's merge of one window.
type fusion struct {
	from, to string // the window asked for
	set      *intelcell.FusionSet
	merged   []fuse.Merged
	copies   map[string]string
	match    map[string]bool // event id → passes the filter; nil: every event does
}

func addDays(date string, n int) string {
	t, _ := time.Parse("2006-01-02", date)
	return t.AddDate(0, 0, n).Format("2006-01-02")
}

// window resolves the date window of f: both given, one given (the other
// DefaultFusionDays away), or neither (up to the newest visible event).
// ok is false when the viewer sees no event at all.
func (s *Server) window(ctx context.Context, fs intelcell.FusionService, v intelcell.Viewer, f *intelcell.EventFilter) (ok bool, err error) {
	for _, d := range []struct{ name, val string }{{"from", f.From}, {"to", f.To}} {
		if d.val != "" {
			if _, err := time.Parse("2006-01-02", d.val); err != nil {
				return false, intelcell.Errorf(intelcell.EINVALID, "%s %q is not YYYY-MM-DD", d.name, d.val)
			}
		}
	}
	switch {
	case f.From == "" && f.To == "":
		last, err := fs.LastEventDate(ctx, v)
		if err != nil || last == "" {
			return false, err
		}
		f.To, f.From = last, addDays(last, 1-DefaultFusionDays)
	case f.From == "":
		f.From = addDays(f.To, 1-DefaultFusionDays)
	case f.To == "":
		f.To = addDays(f.From, DefaultFusionDays-1)
	}
	if f.From > f.To {
		return false, intelcell.Errorf(intelcell.EINVALID, "from is after to")
	}
	if f.To > addDays(f.From, MaxFusionDays-1) {
		return false, intelcell.Errorf(intelcell.EINVALID, "the window may span at most %d days", MaxFusionDays)
	}
	return true, nil
}

// Items turns a viewer's FusionSet into fuse items and copy groups: copy
// groups over the set's reports (by their stored signatures), Org set to
// the org's name where the viewer may learn it and "" otherwise (the report
// is then its own source). It is what the API merges; tests use it to
// compute the expected answer from their own record of what is visible.
func Items(set *intelcell.FusionSet) ([]fuse.Item, map[string]string) {
	docs := make([]fuse.Doc, 0, len(set.Reports))
	for _, r := range set.Reports {
		var sig fuse.Signature
		if r.Sig == nil || sig.UnmarshalBinary(r.Sig) != nil {
			continue
		}
		docs = append(docs, fuse.Doc{ID: r.ID, Date: r.Date, Sig: sig})
	}
	copies := fuse.GroupCopies(docs, 0)
	items := make([]fuse.Item, 0, len(set.Events))
	for _, e := range set.Events {
		r := set.Reports[e.Report]
		it := fuse.Item{Key: e.ID, Report: e.Report, Event: e.Event}
		if r != nil {
			it.ReportDate = r.Date
			it.Org = r.Org
		}
		it.CopyGroup = copies[e.Report] // "" without a signature
		items = append(items, it)
	}
	return items, copies
}

// Decisions converts stored decisions to fuse decisions.
func Decisions(ds []*intelcell.Decision) []fuse.Decision {
	out := make([]fuse.Decision, len(ds))
	for i, d := range ds {
		out[i] = fuse.Decision{Kind: d.Kind, A: d.A, B: d.B, At: d.At}
	}
	return out
}

// merge loads the viewer's visible events of f's window (plus the margin)
// and merges them with the decisions that apply: from the fusion cache
// when the store versions its data (fusioncache.go), the filters then
// applied to the cached window by the store.
func (s *Server) merge(ctx context.Context, fs intelcell.FusionService, v intelcell.Viewer, f intelcell.EventFilter) (*fusion, error) {
	lf := f
	lf.From, lf.To = addDays(f.From, -fusionMargin), addDays(f.To, fusionMargin)
	// With filters, the events passing them are looked up while the window
	// is merged (or found in the cache).
	mf := lf
	mf.Cursor, mf.Limit = "", 0
	type matches struct {
		ids map[string]bool
		err error
	}
	var found chan matches
	if fv, ok := fs.(intelcell.FusionVersioner); ok && s.fcache != nil && mf != (intelcell.EventFilter{From: lf.From, To: lf.To}) {
		found = make(chan matches, 1)
		go func() {
			ids, err := fv.FusionMatches(ctx, v, mf)
			found <- matches{ids, err}
		}()
	}
	base, cached, err := s.cachedWindow(ctx, fs, v, lf)
	var m matches
	if found != nil {
		m = <-found
	}
	if err != nil {
		return nil, err
	}
	if cached {
		if m.err != nil {
			return nil, m.err
		}
		return &fusion{from: f.From, to: f.To, set: base.set, merged: base.merged, copies: base.copies, match: m.ids}, nil
	}
	set, err := fs.FusionEvents(ctx, v, lf)
	if err != nil {
		return nil, err
	}
	items, copies := Items(set)
	ids := make([]string, len(set.Events))
	match := make(map[string]bool, len(set.Events))
	for i, e := range set.Events {
		ids[i] = e.ID
		match[e.ID] = e.Match
	}
	var ds []*intelcell.Decision
	if len(ids) > 0 {
		if ds, err = fs.FindDecisions(ctx, v, ids); err != nil {
			return nil, err
		}
	}
	return &fusion{from: f.From, to: f.To, set: set, merged: fuse.Merge(items, Decisions(ds), fuse.Options{}), copies: copies, match: match}, nil
}

// keep reports whether a merged event belongs to the answer: its dates
// overlap the window and at least one member passes the filter.
func (fu *fusion) keep(m *fuse.Merged) bool {
	if m.DateFrom > fu.to || m.DateTo < fu.from {
		return false
	}
	if fu.match == nil {
		return true // no filter but the dates
	}
	for _, it := range m.Items {
		if fu.match[it.Key] {
			return true
		}
	}
	return false
}

// Present builds the API form of a merged event.
func Present(m *fuse.Merged) MergedEvent {
	e := m.Event
	out := MergedEvent{
		ID: m.ID, Cameo: e.Cameo, Plover: e.Plover, Goldstein: e.Goldstein, Negated: e.Negated, Source: e.Source, Target: e.Target,
		Date: m.DateFrom, DateFrom: m.DateFrom, DateTo: m.DateTo, FirstSeen: m.FirstSeen, LastSeen: m.LastSeen, Place: e.Place,
		ReportIDs: m.Reports, EventIDs: make([]string, 0, len(m.Items)), Corroboration: m.Sources, Sources: []string{},
		Killed: m.Killed, Wounded: m.Wounded, Confidence: m.Confidence, Cohesion: m.Cohesion, Conflicts: m.Conflicts,
	}
	if m.DateTo != m.DateFrom {
		out.Date = m.DateFrom + "/" + m.DateTo
	}
	for _, it := range m.Items {
		out.EventIDs = append(out.EventIDs, it.Key)
		if it.Org != "" && !slices.Contains(out.Sources, it.Org) {
			out.Sources = append(out.Sources, it.Org)
		}
	}
	slices.Sort(out.EventIDs)
	slices.Sort(out.Sources)
	out.UnnamedSources = max(0, m.Sources-len(out.Sources))
	if out.Conflicts == nil {
		out.Conflicts = []fuse.Conflict{}
	}
	return out
}

// A fusion cursor names the last item of a page by its sort key (date, id);
// like event cursors it says nothing about what the caller cannot see.
func fusionCursor(date, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(date + "|" + id))
}

func decodeFusionCursor(c string) (string, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	date, id, ok := strings.Cut(string(b), "|")
	if err != nil || !ok {
		return "", "", intelcell.Errorf(intelcell.EINVALID, "bad cursor")
	}
	return date, id, nil
}

// page sorts items newest first by (date, id) and returns the page after
// the cursor and the next cursor ("" at the end).
func page[T any](xs []T, key func(T) (string, string), cursor string, limit int) ([]T, string, error) {
	slices.SortFunc(xs, func(a, b T) int {
		da, ia := key(a)
		db, ib := key(b)
		return cmp.Or(cmp.Compare(db, da), cmp.Compare(ib, ia))
	})
	if cursor != "" {
		cd, ci, err := decodeFusionCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		i, _ := slices.BinarySearchFunc(xs, [2]string{cd, ci}, func(x T, k [2]string) int {
			d, id := key(x)
			return cmp.Or(cmp.Compare(k[0], d), cmp.Compare(k[1], id))
		})
		for i < len(xs) {
			if d, id := key(xs[i]); d == cd && id == ci {
				i++
				continue
			}
			break
		}
		xs = xs[i:]
	}
	if limit <= 0 {
		limit = 100
	}
	if len(xs) > limit {
		d, id := key(xs[limit-1])
		return xs[:limit], fusionCursor(d, id), nil
	}
	return xs, "", nil
}

func nextOrNull(next string) any {
	if next == "" {
		return nil
	}
	return next
}

func (s *Server) handleMergedEvents(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	f, err := decodeEventFilter(r.URL.Query())
	if err != nil {
		return err
	}
	fs, err := s.fusionStore()
	if err != nil {
		return err
	}
	out := []MergedEvent{}
	ok, err := s.window(r.Context(), fs, v, &f)
	if err != nil {
		return err
	}
	next := ""
	if ok {
		fu, err := s.merge(r.Context(), fs, v, f)
		if err != nil {
			return err
		}
		// The page is chosen from the merged events themselves; only its
		// events are presented.
		var kept []*fuse.Merged
		for i := range fu.merged {
			if fu.keep(&fu.merged[i]) {
				kept = append(kept, &fu.merged[i])
			}
		}
		if kept, next, err = page(kept, func(m *fuse.Merged) (string, string) { return m.DateTo, m.ID }, f.Cursor, f.Limit); err != nil {
			return err
		}
		for _, m := range kept {
			out = append(out, Present(m))
		}
	}
	writeJSON(w, 200, map[string]any{"merged_events": out, "from": f.From, "to": f.To, "next": nextOrNull(next)})
	return nil
}

// mergedSpan is how far either side of its naming event's date a single
// merged event is looked up.
const mergedSpan = 15

func (s *Server) handleMergedEvent(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	fs, err := s.fusionStore()
	if err != nil {
		return err
	}
	eventID, date, err := fs.FusionEventDate(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	fu, err := s.merge(r.Context(), fs, v, intelcell.EventFilter{From: addDays(date, -mergedSpan), To: addDays(date, mergedSpan)})
	if err != nil {
		return err
	}
	for i := range fu.merged {
		m := &fu.merged[i]
		if slices.ContainsFunc(m.Items, func(it fuse.Item) bool { return it.Key == eventID }) {
			writeJSON(w, 200, Present(m))
			return nil
		}
	}
	return intelcell.Errorf(intelcell.ENOTFOUND, "merged event not found")
}

func (s *Server) handleStories(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	f, err := decodeEventFilter(r.URL.Query())
	if err != nil {
		return err
	}
	fs, err := s.fusionStore()
	if err != nil {
		return err
	}
	out := []fuse.Story{}
	ok, err := s.window(r.Context(), fs, v, &f)
	if err != nil {
		return err
	}
	next := ""
	if ok {
		fu, err := s.merge(r.Context(), fs, v, f)
		if err != nil {
			return err
		}
		kept := map[string]bool{}
		for i := range fu.merged {
			if fu.keep(&fu.merged[i]) {
				kept[fu.merged[i].ID] = true
			}
		}
		for _, st := range fuse.Stories(fu.merged, fu.copies, 0) {
			if slices.ContainsFunc(st.Merged, func(id string) bool { return kept[id] }) {
				out = append(out, st)
			}
		}
		if out, next, err = page(out, func(st fuse.Story) (string, string) { return st.LastSeen, st.ID }, f.Cursor, f.Limit); err != nil {
			return err
		}
	}
	writeJSON(w, 200, map[string]any{"stories": out, "from": f.From, "to": f.To, "next": nextOrNull(next)})
	return nil
}

// decisionRequest is the body of POST /api/v1/merged-events/decisions.
type decisionRequest struct {
	Kind string `json:"kind"`
	A    string `json:"a"`
	B    string `json:"b"`
}

// isMergedID reports whether s has the form of fuse.MergedID.
func isMergedID(s string) bool {
	if len(s) != 17 || s[0] != 'm' {
		return false
	}
	for _, c := range s[1:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// decodeDecision reads the body of POST /api/v1/merged-events/decisions:
// one JSON object of known fields, event ids of at most 200 bytes.
func decodeDecision(body []byte) (decisionRequest, error) {
	var req decisionRequest
	bad := intelcell.Errorf(intelcell.EINVALID, "bad decision: want {\"kind\": \"split\"|\"join\", \"a\": EVENT_ID, \"b\": EVENT_ID}")
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || dec.More() {
		return req, bad
	}
	if len(req.A) > 200 || len(req.B) > 200 {
		return req, intelcell.Errorf(intelcell.EINVALID, "event id too long")
	}
	return req, nil
}

func (s *Server) handlePostDecision(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	req, err := decodeDecision(body)
	if err != nil {
		return err
	}
	fs, err := s.fusionStore()
	if err != nil {
		return err
	}
	for _, p := range []*string{&req.A, &req.B} {
		if isMergedID(*p) {
			id, _, err := fs.FusionEventDate(r.Context(), v, *p)
			if err != nil {
				return intelcell.Errorf(intelcell.ENOTFOUND, "event not found")
			}
			*p = id
		}
	}
	d := &intelcell.Decision{Kind: req.Kind, A: req.A, B: req.B}
	if err := fs.CreateDecision(r.Context(), v, d); err != nil {
		return err
	}
	writeJSON(w, 201, d)
	return nil
}

func (s *Server) handleDecisions(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	fs, err := s.fusionStore()
	if err != nil {
		return err
	}
	ds, err := fs.FindDecisions(r.Context(), v, nil)
	if err != nil {
		return err
	}
	writeJSON(w, 200, map[string]any{"decisions": ds})
	return nil
}

// Profile is what the visible reports say about one actor, for the
// console's timeline, network and map.
type Profile struct {
	*intelcell.ActorProfile
	// Series is the number of visible events involving the actor per day.
	Series []DayCount `json:"series"`
	// Partners and Opponents are the actors it interacts with (as source or
	// target), with the number of events and their average Goldstein score:
	// partners where the average is ≥ 0, opponents where it is < 0, most
	// events first (at most 20 each).
	Partners  []Dyad                  `json:"partners"`
	Opponents []Dyad                  `json:"opponents"`
	Quotes    []*intelcell.ActorQuote `json:"quotes"`
	Places    []PlaceCount            `json:"places"`
	// Truncated is set when the actor has more visible events than one
	// profile reads (the newest are used).
	Truncated bool `json:"truncated,omitempty"`
}

// DayCount is one day of an actor's event series.
type DayCount struct {
	Date  string `json:"date"`
	Count int    `json:"count"`
}

// Dyad is one counterpart of an actor.
type Dyad struct {
	Actor     intelcell.Actor `json:"actor"`
	Count     int             `json:"count"`
	Goldstein float64         `json:"goldstein"` // average over the dyad's events
}

// PlaceCount is a place an actor acts in and how many of its events are there.
type PlaceCount struct {
	intelcell.Place
	Count int `json:"count"`
}

// profileEvents bounds how many events one profile reads.
const profileEvents = 20000

func (s *Server) handleActorProfile(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	ctx := r.Context()
	id := r.PathValue("id")
	q := r.URL.Query()
	base, err := s.Store.FindActor(ctx, v, id)
	if err != nil {
		return err
	}
	f := intelcell.EventFilter{Actor: id, From: q.Get("from"), To: q.Get("to"), Limit: 1000}
	p := &Profile{ActorProfile: base, Series: []DayCount{}, Partners: []Dyad{}, Opponents: []Dyad{}, Places: []PlaceCount{}}
	days := map[string]int{}
	type agg struct {
		a   intelcell.Actor
		n   int
		sum float64
	}
	dyads := map[string]*agg{}
	places := map[string]*PlaceCount{}
	isSelf := func(a *intelcell.Actor) bool { return a != nil && (a.ID == id || a.Code == id) }
	read := 0
	for {
		es, next, err := s.Store.FindEvents(ctx, v, f)
		if err != nil {
			return err
		}
		for _, e := range es {
			days[e.Date]++
			var other *intelcell.Actor
			switch {
			case isSelf(e.Source) && !isSelf(e.Target):
				other = e.Target
			case isSelf(e.Target) && !isSelf(e.Source):
				other = e.Source
			}
			if other != nil {
				k := cmp.Or(other.ID, other.Code)
				d := dyads[k]
				if d == nil {
					d = &agg{a: *other}
					dyads[k] = d
				}
				d.n++
				d.sum += e.Goldstein
			}
			if pl := e.Place; pl != nil && pl.Name != "" {
				pc := places[pl.Name]
				if pc == nil {
					pc = &PlaceCount{Place: intelcell.Place{Name: pl.Name, Lat: pl.Lat, Lon: pl.Lon, Country: pl.Country, Kind: pl.Kind}}
					places[pl.Name] = pc
				}
				pc.Count++
			}
		}
		read += len(es)
		if next == "" {
			break
		}
		if read >= profileEvents {
			p.Truncated = true
			break
		}
		f.Cursor = next
	}
	for d, n := range days {
		p.Series = append(p.Series, DayCount{d, n})
	}
	slices.SortFunc(p.Series, func(a, b DayCount) int { return cmp.Compare(a.Date, b.Date) })
	for _, d := range dyads {
		avg := math.Round(d.sum/float64(d.n)*100) / 100
		dy := Dyad{Actor: d.a, Count: d.n, Goldstein: avg}
		if d.sum >= 0 {
			p.Partners = append(p.Partners, dy)
		} else {
			p.Opponents = append(p.Opponents, dy)
		}
	}
	byCount := func(a, b Dyad) int {
		return cmp.Or(b.Count-a.Count, cmp.Compare(a.Actor.Code, b.Actor.Code), cmp.Compare(a.Actor.ID, b.Actor.ID))
	}
	slices.SortFunc(p.Partners, byCount)
	slices.SortFunc(p.Opponents, byCount)
	p.Partners, p.Opponents = p.Partners[:min(20, len(p.Partners))], p.Opponents[:min(20, len(p.Opponents))]
	for _, pc := range places {
		p.Places = append(p.Places, *pc)
	}
	slices.SortFunc(p.Places, func(a, b PlaceCount) int { return cmp.Or(b.Count-a.Count, cmp.Compare(a.Name, b.Name)) })
	p.Places = p.Places[:min(50, len(p.Places))]
	if fs, ok := s.Store.(intelcell.FusionService); ok {
		if p.Quotes, err = fs.ActorQuotes(ctx, v, base.Actor.ID, 50); err != nil {
			return err
		}
	}
	if p.Quotes == nil {
		p.Quotes = []*intelcell.ActorQuote{}
	}
	writeJSON(w, 200, p)
	return nil
}
