// Package intelcell holds the domain types shared by every part of the
// intelligence coordination cell: the structured Document that extraction
// produces from one report (actors, mentions, events, quotes, places), and the
// error codes the rest of the system uses.
//
// The JSON form of Document is the extraction contract: field names and
// meanings are stable. Every span is a pair of byte offsets into the original
// report text, end exclusive, so that a console can highlight it and a scorer
// can check it.
package intelcell

import (
	"errors"
	"fmt"
)

// Kinds of actor.
const (
	KindState  = "state"  // a country and its organs when no finer kind applies
	KindGroup  = "group"  // an armed non-state group
	KindIGO    = "igo"    // an intergovernmental organisation
	KindNGO    = "ngo"    // a non-governmental organisation
	KindPerson = "person" // a named person
	KindOrg    = "org"    // a national institution, party, company or outlet
	KindSector = "sector" // a sector of society with no country ("militants", "civilians")
)

// Actor is a resolved participant: every name a report uses for it maps to
// one Actor. Code is a CAMEO-style code: a 3-letter country (ISO 3166-1
// alpha-3) or international prefix (IGO, NGO, IMG, MNC) followed by zero or
// more 3-letter agent codes (GOV, MIL, ...).
type Actor struct {
	// ID is stable across reports: the Wikidata QID of the named entity where
	// one exists, else its knowledge-base id; a country refined by an agent
	// adds it ("Q796:MIL" for Iraq's military); a sector alone is its code.
	ID      string  `json:"id,omitempty"`
	Code    string  `json:"code"`
	Name    string  `json:"name"`
	Kind    string  `json:"kind"`
	Country *string `json:"country"`        // ISO alpha-3, or null for actors without a country
	Role    string  `json:"role,omitempty"` // for a person: the role held on the document date
}

// CountryCode returns the actor's country or "" when it has none.
func (a *Actor) CountryCode() string {
	if a == nil || a.Country == nil {
		return ""
	}
	return *a.Country
}

// Span is a byte range into the original text, end exclusive.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Len returns the number of bytes the span covers.
func (s Span) Len() int { return s.End - s.Start }

// Mention is one place in the text that names an actor.
type Mention struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
	Actor Actor  `json:"actor"`
}

// Place is a place named in the text, geocoded.
type Place struct {
	Start   int     `json:"start"`
	End     int     `json:"end"`
	Text    string  `json:"text"`
	Name    string  `json:"name"`
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	Country *string `json:"country"`
	Kind    string  `json:"kind,omitempty"` // city, admin1, region, country
}

// Event is one coded who-did-what-to-whom interaction.
type Event struct {
	Source    *Actor  `json:"source"`
	Target    *Actor  `json:"target"`
	Cameo     string  `json:"cameo"`
	Plover    string  `json:"plover"`
	Goldstein float64 `json:"goldstein"`
	QuadClass int     `json:"quad_class"`
	Negated   bool    `json:"negated"`
	Intent    bool    `json:"intent,omitempty"` // coded from a statement of intent, threat or conditional, not the act
	Date      string  `json:"date"`
	Place     *Place  `json:"place"`
	Killed    *int    `json:"killed"`
	Wounded   *int    `json:"wounded"`
	Span      Span    `json:"span"`
	Trigger   Span    `json:"trigger"` // the verb or noun the event was coded from
	Pattern   string  `json:"pattern,omitempty"`
}

// Quote is a direct or indirect quotation with its speaker.
type Quote struct {
	Speaker *Actor `json:"speaker"`
	Text    string `json:"text"`
	Direct  bool   `json:"direct"`
	Span    Span   `json:"span"`
}

// Document is everything extracted from one report.
type Document struct {
	ID       string    `json:"id,omitempty"`
	Date     string    `json:"date"`
	Mentions []Mention `json:"mentions"`
	Events   []Event   `json:"events"`
	Quotes   []Quote   `json:"quotes"`
	Places   []Place   `json:"places"`
	// Truncated is set when the input was longer than the extractor analyses
	// (extract.MaxInput); only its beginning was analysed.
	Truncated bool `json:"truncated,omitempty"`
	// Extractor and KB identify the versions that produced the document, so a
	// stored document can be reprocessed when either changes.
	Extractor string `json:"extractor,omitempty"`
	KB        string `json:"kb,omitempty"`
}

// Error codes. Callers switch on ErrorCode(err); messages are for people.
const (
	EINVALID      = "invalid"      // the request or input is malformed
	ENOTFOUND     = "not_found"    // does not exist, or is not visible to the caller
	ECONFLICT     = "conflict"     // conflicts with existing state
	ETOOLARGE     = "too_large"    // input exceeds a size limit
	EINTERNAL     = "internal"     // a bug or an unexpected failure
	EUNAUTHORIZED = "unauthorized" // no valid credentials
)

// Error is an application error with a machine-readable code.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string { return fmt.Sprintf("intelcell: %s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of an *Error, or a generic text for
// other errors so internal details are not shown to callers.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
