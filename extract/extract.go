// Package extract turns one report into an intelcell.Document: actor
// mentions resolved to coded identities, who-did-what-to-whom events coded in
// CAMEO and PLOVER, quotes with their speakers, casualty figures, dates and
// geocoded places.
//
// Extraction is a pure function of the text, the document date and the
// knowledge base: no I/O, no global mutable state, deterministic, and safe
// for concurrent use. Each stage is a method over one document's analysis
// (the doc type), in the order of Extract:
//
//	tokens → sentences → mentions → actor phrases → places → dates
//	→ events (verb and noun patterns) → quotes → casualties
package extract

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/geo"
	"github.com/intelcell/intelcell/kb"
	"github.com/intelcell/intelcell/lex"
)

// Version identifies the extraction rules; stored documents record it.
const Version = "0.1.0"

// MaxInput is the largest text Extract analyses; longer input is cut at a
// sentence boundary before this size and the rest ignored.
const MaxInput = 4 << 20

// Extractor holds the compiled knowledge base and gazetteer shared by every
// extraction. It is safe for concurrent use.
type Extractor struct {
	kb  *kb.KB
	geo *geo.Gazetteer
	// closed maps inflected forms of the engine's own verb lists (speech,
	// intent, denial and light verbs) to their lemmas, whether or not the
	// knowledge base has event patterns for them.
	closed map[string][]string
}

// New returns an Extractor. The gazetteer may be nil, in which case only
// countries and regions of the knowledge base are geocoded.
func New(k *kb.KB, g *geo.Gazetteer) *Extractor {
	x := &Extractor{kb: k, geo: g, closed: map[string][]string{}}
	for _, list := range []map[string]bool{speechVerbs, intentVerbs, denialVerbs, lightVerbs, objectlessVerbs, aspectVerbs} {
		for lemma := range list {
			for _, f := range append(kb.Inflect(lemma), k.FormsOf(lemma)...) {
				if !contains(x.closed[f], lemma) {
					x.closed[f] = append(x.closed[f], lemma)
				}
			}
		}
	}
	return x
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// lemmas returns every verb lemma a word form may belong to: those with
// event patterns and those of the engine's own verb lists.
func (d *doc) lemmas(norm string) []string {
	a, b := d.kb.Lemmas(norm), d.x.closed[norm]
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := append([]string{}, a...)
	for _, l := range b {
		if !contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// lemmaIn reports whether token k is a form of a verb in the set.
func (d *doc) lemmaIn(k int, set map[string]bool) bool {
	for _, l := range d.lemmas(d.toks[k].Norm) {
		if set[l] {
			return true
		}
	}
	return false
}

// KB returns the extractor's knowledge base.
func (x *Extractor) KB() *kb.KB { return x.kb }

// Input is one report to analyse.
type Input struct {
	Text  string
	Title string // analysed as the first line of the text when not empty
	Date  string // YYYY-MM-DD; the document date that relative dates resolve against
}

// FullText returns the text that offsets refer to: title + "\n" + text when
// a title is given, else the text.
func (in Input) FullText() string {
	if in.Title != "" {
		return in.Title + "\n" + in.Text
	}
	return in.Text
}

// Extract analyses one report. It never panics on any input: invalid UTF-8,
// binary data and very long lines produce a partial or empty Document. The
// date must be YYYY-MM-DD.
func (x *Extractor) Extract(in Input) (*intelcell.Document, error) {
	date, err := time.Parse("2006-01-02", in.Date)
	if err != nil {
		return nil, intelcell.Errorf(intelcell.EINVALID, "date %q is not YYYY-MM-DD", in.Date)
	}
	text := in.FullText()
	truncated := len(text) > MaxInput
	if truncated {
		text = text[:MaxInput]
	}
	d := &doc{x: x, kb: x.kb, text: text, date: date, dateStr: in.Date}
	d.run()
	out := &intelcell.Document{
		Date:      in.Date,
		Mentions:  d.mentionsOut(),
		Events:    d.events,
		Quotes:    d.quotes,
		Places:    d.placesOut(),
		Truncated: truncated,
		Extractor: Version,
		KB:        x.kb.Version(),
	}
	if out.Events == nil {
		out.Events = []intelcell.Event{}
	}
	if out.Quotes == nil {
		out.Quotes = []intelcell.Quote{}
	}
	return out, nil
}

// doc is the analysis of one report, built up stage by stage.
type doc struct {
	x       *Extractor
	kb      *kb.KB
	text    string
	date    time.Time
	dateStr string

	toks   []lex.Token
	sents  []lex.Sentence
	sentOf []int // token index → sentence index

	ments  []*mention
	mentAt []int // token index → index in ments, or -1
	aps    []*phrase
	apAt   []int // token index → index in aps, or -1

	local   map[string]*kb.Entity // surnames of people named in full in this document
	pending map[int]*kb.Entity    // surname token → a person the knowledge base does not know, named in full there
	places  []*place
	placeAt []int
	sdates  []string // sentence index → resolved date of the sentence, "" for none
	events  []intelcell.Event
	quotes  []intelcell.Quote
	said    []int    // per sentence: the token of a reporting verb whose speaker is set
	main    *string  // the report's main country, once computed
	bgs     [][]bool // per sentence: the tokens in subordinate parts, once computed
}

func (d *doc) run() {
	d.toks = lex.Tokenize(d.text)
	if len(d.toks) > 400000 { // pathological input: keep the analysis linear and bounded
		d.toks = d.toks[:400000]
	}
	d.sents = lex.Sentences(d.toks)
	d.sentOf = make([]int, len(d.toks))
	for si, s := range d.sents {
		for i := s.First; i <= s.Last; i++ {
			d.sentOf[i] = si
		}
	}
	d.findMentions()
	d.findUnknownPeople()
	d.buildPhrases()
	d.findPlaces()
	d.resolveDates()
	d.findEvents()
	d.findQuotes()
}

// tokText returns the original text of tokens [i, j].
func (d *doc) tokText(i, j int) string {
	if i > j || i < 0 || j >= len(d.toks) {
		return ""
	}
	return d.text[d.toks[i].Start:d.toks[j].End]
}

// clean returns s with invalid UTF-8 replaced, for JSON output.
func clean(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

func strp(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Load loads the knowledge base (with an optional overlay directory) and the
// embedded gazetteer, adds the knowledge base's regions to the gazetteer, and
// returns an Extractor.
func Load(opt kb.Options) (*Extractor, error) {
	k, err := kb.Load(opt)
	if err != nil {
		return nil, err
	}
	g, err := geo.Load()
	if err != nil {
		return nil, err
	}
	for _, r := range k.Regions {
		kind, ok := geo.ParseKind(r.Kind)
		if !ok || kind == geo.City {
			kind = geo.Region
			if r.Country != "" {
				kind = geo.Admin1
			}
		}
		g.AddRegion(geo.Place{Name: r.Name, Country: r.Country, Lat: r.Lat, Lon: r.Lon, Kind: kind}, r.Aliases...)
	}
	return New(k, g), nil
}
