package intelcell

import (
	"context"
	"time"
)

// Fusion: what the store gives the fusion engine (package fuse) so that the
// server can compute merged events, stories and actor profiles per viewer.
// The store only loads; the viewer's rule (Visible) stays compiled into its
// queries, and fuse.Merge then runs over exactly what the viewer may see, so
// nothing computed — a merged event, a count, a corroboration, a story —
// can depend on a report the viewer cannot see.

// FusionEvent is one visible event as fusion needs it.
type FusionEvent struct {
	// ID is the stored event id (StoredEvent.ID), stable across
	// reprocessing while the report yields its events in the same order; it
	// is the key analysts' decisions refer to.
	ID     string `json:"id"`
	Event  Event  `json:"event"`
	Report string `json:"report"`
	// Match is whether the event passes the filter's non-date conditions
	// (actor, country, cameo, ...). Events outside the filter are still
	// loaded: a merged event is computed from every visible event of the
	// window and kept when any of its members matches.
	Match bool `json:"match"`
}

// FusionReport is one visible report that has events in a fusion window.
type FusionReport struct {
	ID   string `json:"id"`
	Date string `json:"date"` // YYYY-MM-DD, the report's date
	// Org names the org that sent the report when the viewer may learn it
	// (the viewer's own report, or attribution true); "" otherwise, and the
	// report then counts as its own independent source.
	Org string `json:"org,omitempty"`
	// Sig is the binary form (fuse.Signature.MarshalBinary) of the MinHash
	// signature of the report's title, a newline and its text; nil when the
	// store has none, and the caller may then not group the report's copies.
	Sig []byte `json:"-"`
}

// FusionSet is what a fusion window loads for one viewer: the visible
// events and the reports they come from.
type FusionSet struct {
	Events  []*FusionEvent
	Reports map[string]*FusionReport // by report id
}

// Decision kinds: an analyst rules that two events are the same real event
// (join) or different (split).
const (
	DecisionSplit = "split"
	DecisionJoin  = "join"
)

// Decision is an analyst's ruling on two events (event ids A and B), stored
// as data and applied on every merge after it, so it survives reprocessing.
// A decision applies for a viewer only when that viewer may see both
// events; otherwise it is ignored and reveals nothing.
type Decision struct {
	ID    string    `json:"id"`
	Kind  string    `json:"kind"`
	A     string    `json:"a"`
	B     string    `json:"b"`
	Org   string    `json:"org,omitempty"`   // the deciding org; shown only to that org
	Token string    `json:"token,omitempty"` // the deciding token's id; shown only to that org
	At    time.Time `json:"at"`
}

// ActorQuote is a visible quote of an actor.
type ActorQuote struct {
	Report string `json:"report_id"`
	Date   string `json:"date"` // the report's date
	Text   string `json:"text"`
	Direct bool   `json:"direct"`
	Span   Span   `json:"span"`
}

// MaxFusionEvents bounds how many events one fusion window may load; a
// wider window answers EINVALID (too many events: narrow the window).
const MaxFusionEvents = 200000

// FusionService loads what fusion needs. It is a separate interface from
// Store: the HTTP server uses it when its store implements it.
type FusionService interface {
	// FusionEvents returns the visible events dated From..To (both required)
	// and their reports, oldest first. Event filters other than the dates
	// (Limit and Cursor ignored) set FusionEvent.Match. More than
	// MaxFusionEvents events is EINVALID.
	FusionEvents(ctx context.Context, v Viewer, f EventFilter) (*FusionSet, error)
	// FusionEventDate returns the id and date of the visible event whose
	// fuse.MergedID is mergedID, i.e. the event a merged event was named
	// after; ENOTFOUND when there is none or v may not see it.
	FusionEventDate(ctx context.Context, v Viewer, mergedID string) (eventID, date string, err error)
	// LastEventDate returns the date of the newest visible event, "" when v
	// sees none.
	LastEventDate(ctx context.Context, v Viewer) (string, error)
	// CreateDecision stores a decision of v's org about two events v may
	// see (ENOTFOUND otherwise, exactly as for a missing event) and fills
	// its ID, Org, Token and At.
	CreateDecision(ctx context.Context, v Viewer, d *Decision) error
	// FindDecisions returns the decisions about pairs of events that v may
	// both see and that are among eventIDs (nil: all such decisions),
	// oldest first. Org and Token are blank unless v's org made the decision.
	FindDecisions(ctx context.Context, v Viewer, eventIDs []string) ([]*Decision, error)
	// ActorQuotes returns up to limit visible quotes whose speaker is the
	// actor id, newest report first.
	ActorQuotes(ctx context.Context, v Viewer, actorID string, limit int) ([]*ActorQuote, error)
}

// FusionVersioner is implemented by stores whose fusion answers a server may
// cache. A merge over a window depends only on the viewer's access class
// (anonymous, or org and sharing groups), the window and the stored data;
// FusionVersion says when the data changed, and FusionMatches applies a
// request's filters to a cached window without reloading it.
type FusionVersioner interface {
	// FusionVersion returns a number that changes whenever anything a merge
	// depends on changes: a Document saved or replaced, a report's release
	// or sharing groups changed, a report removed, a decision recorded.
	FusionVersion(ctx context.Context) (int64, error)
	// FusionMatches returns the ids of the visible events in f's date
	// window (From..To, both required) that pass f's other filters (Limit
	// and Cursor ignored): the events FusionEvents would mark Match.
	FusionMatches(ctx context.Context, v Viewer, f EventFilter) (map[string]bool, error)
}

// FusionWindowVersioner is implemented by stores that can say when the
// data of one window changed, so that a cached merge of a window survives
// changes to other days (a feed ingesting today's news leaves last month's
// merges valid).
type FusionWindowVersioner interface {
	// FusionWindowVersion returns a number that changes whenever anything a
	// merge of the events dated from..to depends on changes: an event of
	// those days stored, removed or re-released, a change to the report of
	// such an event (date, attribution, org, sharing groups, signature), a
	// decision about such an event. It may change more often.
	FusionWindowVersion(ctx context.Context, from, to string) (int64, error)
}
