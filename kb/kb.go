// Package kb is intelcell's knowledge base: the countries, organisations,
// armed groups, people and their date-ranged roles, agent words, event
// patterns and regions that extraction resolves text against.
//
// The data are tab-separated files (see data/FORMAT.md) embedded in the
// binary; a user overlay directory of the same format adds or replaces
// entries without recompiling. Load compiles everything once into immutable
// look-up structures that any number of goroutines may share.
package kb

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/intelcell/intelcell/lex"
)

//go:embed data/*.tsv
var embedded embed.FS

// Embedded returns the built-in knowledge-base files.
func Embedded() fs.FS {
	sub, _ := fs.Sub(embedded, "data")
	return sub
}

// Entity kinds beyond the intelcell actor kinds.
const (
	KindState  = "state"
	KindOrg    = "org"
	KindIGO    = "igo"
	KindNGO    = "ngo"
	KindGroup  = "group"
	KindMedia  = "media"
	KindMNC    = "mnc"
	KindParty  = "party"
	KindPerson = "person"
)

// Role is a position a person held from From to To (inclusive, YYYY-MM-DD;
// To empty while in office).
type Role struct {
	Code  string
	Title string
	From  string
	To    string
}

// Entity is anything the KB can name: a country, an organisation, an armed
// group or a person.
type Entity struct {
	ID      string
	Code    string // the base actor code (for a person: the country)
	Name    string
	Kind    string
	Country string // ISO alpha-3 or ""
	QID     string
	Lat     float64 // countries: a centre point
	Lon     float64
	Capital string
	Roles   []Role // people only, sorted by From
	Names   []string
}

// RoleAt returns the role the entity held on date (YYYY-MM-DD), preferring the
// most recently begun one, and whether there was one.
func (e *Entity) RoleAt(date string) (Role, bool) {
	var best Role
	found := false
	for _, r := range e.Roles {
		if r.From <= date && (r.To == "" || date <= r.To) {
			if !found || r.From > best.From {
				best, found = r, true
			}
		}
	}
	return best, found
}

// Form says how a name refers to its entity.
type Form uint8

// Name forms.
const (
	FormName    Form = iota // the entity's own name or alias
	FormDemonym             // "Iraqi", "Russians": the country, as a modifier or its people
	FormCapital             // "Baghdad", "the Kremlin": the country's government
	FormSurname             // a person's surname alone
)

// NameEntry is one compiled name: its normalised tokens and what it names.
type NameEntry struct {
	Toks          []string // normalised words, hyphens dropped
	Caps          []bool   // whether each word must start with a capital in the text
	CaseSensitive bool     // acronyms: the text must match Exact exactly
	Exact         []string // original words without dots, for case-sensitive matching
	Entity        *Entity
	Form          Form
}

// Agent is a role word: "forces" → MIL.
type Agent struct {
	Toks   []string
	Code   string
	Person bool // names one person: "spokesman", "President"
}

// PatKind is the kind of one pattern element.
type PatKind uint8

// Pattern element kinds.
const (
	PatWord   PatKind = iota // literal word(s)
	PatSkip                  // * : skip 0..6 words
	PatTarget                // + : the target actor
	PatSource                // $ : the source actor
)

// PatTok is one element of an event pattern.
type PatTok struct {
	Kind  PatKind
	Words []string   // alternatives, normalised; a phrase of several tokens is space-separated
	Seq   [][]string // the alternatives split into tokens
}

// Pattern is one compiled verb or noun pattern.
type Pattern struct {
	Code  string   // CAMEO code, or "---" for "not an event"
	Head  []string // verb lemma (one word) or noun head words
	Toks  []PatTok
	Lits  int // number of literal elements, for "longest wins"
	Text  string
	Where string // file:line
}

// Region is a well-known area or first-level division from regions files.
type Region struct {
	Name    string
	Aliases []string
	Country string
	Lat     float64
	Lon     float64
	Kind    string
}

// KB is a compiled knowledge base. It is immutable after Load and safe for
// concurrent use.
type KB struct {
	Countries []*Entity
	Orgs      []*Entity
	People    []*Entity
	Regions   []*Region
	Agents    []*Agent

	byCode    map[string]*Entity // countries by ISO3
	byISO2    map[string]*Entity
	byID      map[string]*Entity
	names     map[string][]*NameEntry // by first token
	surnames  map[string][]*NameEntry // by first token
	agents    map[string][]*Agent     // by first token
	verbs     map[string][]*Pattern   // by lemma
	verbIndex map[string]*PatternIndex
	nouns     map[string][]*Pattern // by first head word
	forms     map[string][]string   // inflected form → lemmas
	irregular map[string][]string   // lemma → irregular forms
	titles    map[string][]*Entity  // "secretary of state|USA" → people holding such a title
	maxName   int
	version   string
	Problems  []Problem
	fileCount int
}

// Version identifies the KB content (a hash of every file loaded), so stored
// documents can record what produced them.
func (k *KB) Version() string { return k.version }

// Country returns the country with the ISO alpha-3 code, or nil.
func (k *KB) Country(code string) *Entity { return k.byCode[code] }

// CountryISO2 returns the country with the ISO alpha-2 code, or nil.
func (k *KB) CountryISO2(code string) *Entity { return k.byISO2[strings.ToUpper(code)] }

// ByID returns the entity with the id, or nil.
func (k *KB) ByID(id string) *Entity { return k.byID[id] }

// Names returns the compiled names whose first word is the normalised w.
func (k *KB) Names(w string) []*NameEntry { return k.names[w] }

// Surnames returns the person surnames whose first word is w.
func (k *KB) Surnames(w string) []*NameEntry { return k.surnames[w] }

// AgentsFor returns agent words starting with the normalised word w.
func (k *KB) AgentsFor(w string) []*Agent { return k.agents[w] }

// VerbPatterns returns the patterns of a verb lemma, most specific first.
func (k *KB) VerbPatterns(lemma string) []*Pattern { return k.verbs[lemma] }

// PatternIndex finds a verb's patterns by the words they need: Bare lists
// the patterns without literal words, ByWord those whose first literal may
// begin with the word. A pattern can only match a clause that contains one
// of its ByWord keys.
type PatternIndex struct {
	Bare   []*Pattern
	ByWord map[string][]*Pattern
}

// VerbIndex returns the pattern index of a verb lemma, or nil.
func (k *KB) VerbIndex(lemma string) *PatternIndex { return k.verbIndex[lemma] }

// NounPatterns returns the noun patterns whose head starts with w.
func (k *KB) NounPatterns(w string) []*Pattern { return k.nouns[w] }

// Lemmas returns the verb lemmas an inflected word form may belong to.
func (k *KB) Lemmas(form string) []string { return k.forms[form] }

// FormsOf returns the irregular forms recorded for a lemma.
func (k *KB) FormsOf(lemma string) []string { return k.irregular[lemma] }

// MaxNameWords is the longest name in words.
func (k *KB) MaxNameWords() int { return k.maxName }

// TitleHolders returns the people who held a role with this title (normalised,
// e.g. "secretary of state") in this country.
func (k *KB) TitleHolders(title, country string) []*Entity {
	return k.titles[title+"|"+country]
}

// Options for Load.
type Options struct {
	// Overlay is a directory of extra files in the same format, which add
	// entries or replace entries with the same id.
	Overlay string
}

// Load reads the embedded knowledge base plus any overlay and compiles it.
// Problems in the data are collected in KB.Problems; only I/O errors fail.
func Load(opt Options) (*KB, error) {
	var probs []Problem
	h := sha256.New()
	base, err := readDir(Embedded(), "kb/data", &probs)
	if err != nil {
		return nil, err
	}
	hashRows(h, base)
	if opt.Overlay != "" {
		if st, err := os.Stat(opt.Overlay); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("kb overlay %s: not a readable directory", opt.Overlay)
		}
		over, err := readDir(os.DirFS(opt.Overlay), opt.Overlay, &probs)
		if err != nil {
			return nil, err
		}
		hashRows(h, over)
		for sec, rows := range over {
			base[sec] = append(base[sec], rows...)
		}
	}
	k := build(base, &probs)
	k.Problems = probs
	k.version = hex.EncodeToString(h.Sum(nil))[:12]
	return k, nil
}

func hashRows(h interface{ Write([]byte) (int, error) }, secs map[string][]*row) {
	keys := make([]string, 0, len(secs))
	for k := range secs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, r := range secs[k] {
			h.Write([]byte(strings.Join(r.f, "\t")))
			h.Write([]byte{'\n'})
		}
	}
}

var codeRE = regexp.MustCompile(`^[A-Z]{3}([A-Z]{3})*$`)

// ValidCode reports whether c is a well-formed actor code.
func ValidCode(c string) bool { return codeRE.MatchString(c) }

var eventCodeRE = regexp.MustCompile(`^([01][0-9]|20)[0-9]{0,2}$`)

// normDate turns YYYY, YYYY-MM or YYYY-MM-DD into YYYY-MM-DD, choosing the
// first (start) or last (end) day for partial dates.
func normDate(s string, end bool) (string, bool) {
	if s == "" {
		return "", true
	}
	parts := strings.Split(s, "-")
	if len(parts) > 3 || len(parts[0]) != 4 {
		return "", false
	}
	y, err := strconv.Atoi(parts[0])
	if err != nil || y < 1800 || y > 2200 {
		return "", false
	}
	m, d := 1, 1
	if end {
		m, d = 12, 31
	}
	if len(parts) > 1 {
		if m, err = strconv.Atoi(parts[1]); err != nil || m < 1 || m > 12 {
			return "", false
		}
		if end {
			d = daysIn(y, m)
		}
	}
	if len(parts) > 2 {
		if d, err = strconv.Atoi(parts[2]); err != nil || d < 1 || d > daysIn(y, m) {
			return "", false
		}
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d), true
}

func daysIn(y, m int) int {
	switch m {
	case 4, 6, 9, 11:
		return 30
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	}
	return 31
}

// phraseToks tokenises a name the way text is tokenised, dropping dashes.
func phraseToks(s string) (norm []string, orig []string) {
	for _, t := range lex.Tokenize(s) {
		if t.Kind == lex.Dash {
			continue
		}
		norm = append(norm, t.Norm)
		orig = append(orig, strings.ReplaceAll(t.Text, ".", ""))
	}
	return
}

// isAcronym: written entirely in capitals, at most 5 letters.
func isAcronym(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			n++
		} else if r != '.' && r != '&' && !unicode.IsDigit(r) {
			return false
		}
	}
	return n > 0 && n <= 5
}

func (k *KB) addName(name string, e *Entity, f Form, where string, probs *[]Problem) {
	toks, orig := phraseToks(name)
	if len(toks) == 0 {
		*probs = append(*probs, Problem{strings.Split(where, ":")[0], atoi(where), fmt.Sprintf("empty name %q", name)})
		return
	}
	ne := &NameEntry{Toks: toks, Entity: e, Form: f, CaseSensitive: isAcronym(name), Exact: orig}
	ne.Caps = make([]bool, len(orig))
	for i, o := range orig {
		r := []rune(o)
		ne.Caps[i] = len(r) > 0 && unicode.IsUpper(r[0])
	}
	// The same name twice for the same entity is harmless; for two entities it is
	// an ambiguity that kb check reports.
	for _, old := range k.names[toks[0]] {
		if strings.Join(old.Toks, " ") == strings.Join(toks, " ") && old.CaseSensitive == ne.CaseSensitive {
			if old.Entity == e {
				return
			}
			if effectiveCode(old.Entity, old.Form) != effectiveCode(e, f) {
				*probs = append(*probs, Problem{strings.Split(where, ":")[0], atoi(where), fmt.Sprintf("name %q already names %s (%s)", name, old.Entity.Name, old.Entity.Code)})
			}
			return
		}
	}
	k.names[toks[0]] = append(k.names[toks[0]], ne)
	if len(toks) > k.maxName {
		k.maxName = len(toks)
	}
}

// effectiveCode is the actor code a name gives: a capital or seat of
// government stands for the government.
func effectiveCode(e *Entity, f Form) string {
	if f == FormCapital {
		return e.Code + "GOV"
	}
	return e.Code
}

func atoi(where string) int {
	i := strings.LastIndexByte(where, ':')
	n, _ := strconv.Atoi(where[i+1:])
	return n
}
