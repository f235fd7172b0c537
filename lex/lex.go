// Package lex turns text into tokens and sentences with byte offsets into the
// original input, and normalises words for dictionary look-up.
//
// The scanner follows the state-function style of Go's text/template lexer:
// each state consumes a run of input and returns the next state. It never
// fails: invalid UTF-8 becomes a symbol token, so every byte of the input is
// either whitespace or inside exactly one token, and offsets always refer to
// the input exactly as given.
package lex

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Kind classifies a token.
type Kind uint8

// Token kinds.
const (
	Word   Kind = iota // letters, possibly with digits, apostrophes or abbreviation dots
	Number             // digits with separators: 10,000  3.5  1990s
	Punct              // any other single character: , ; : ( ) ! ? .
	Quote              // a quotation mark of any style
	Dash               // a dash between words: - – —
	Symbol             // anything else, including bytes that are not valid UTF-8
)

// Token is one token. Start and End are byte offsets (End exclusive).
type Token struct {
	Start, End int
	Text       string // the original bytes
	Norm       string // lower case, diacritics folded, abbreviation dots removed
	Kind       Kind
	Space      bool // whitespace precedes the token
	Newline    bool // a line break precedes the token
	Blank      bool // a blank line precedes the token
}

// IsCap reports whether the token starts with an upper-case letter.
func (t *Token) IsCap() bool {
	r, _ := utf8.DecodeRuneInString(t.Text)
	return unicode.IsUpper(r)
}

// IsAllCaps reports whether every letter of the token is upper case and it
// has at least one letter.
func (t *Token) IsAllCaps() bool {
	n := 0
	for _, r := range t.Text {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			n++
		}
	}
	return n > 0
}

// IsLower reports whether the token starts with a lower-case letter.
func (t *Token) IsLower() bool {
	r, _ := utf8.DecodeRuneInString(t.Text)
	return unicode.IsLower(r)
}

// abbreviations that keep their period (lower-case, without the period).
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "sr": true, "jr": true, "st": true,
	"gen": true, "lt": true, "col": true, "maj": true, "capt": true, "cpt": true, "sgt": true, "cmdr": true,
	"adm": true, "brig": true, "gov": true, "sen": true, "rep": true, "pres": true, "rev": true, "hon": true,
	"amb": true, "sec": true, "supt": true, "insp": true, "cpl": true, "pvt": true, "fr": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"tues": true, "thur": true, "thurs": true,
	"nos": true, "vs": true, "etc": true, "approx": true, "inc": true, "ltd": true,
	"corp": true, "dept": true, "govt": true, "univ": true, "ave": true, "blvd": true, "mt": true,
	"cf": true,
}

type scanner struct {
	src  string
	pos  int
	out  []Token
	sp   bool
	nl   bool
	bl   bool
	maxT int
}

type stateFn func(*scanner) stateFn

// Tokenize splits s into tokens. It never panics and never allocates more than
// a constant factor of the input.
func Tokenize(s string) []Token {
	sc := &scanner{src: s, out: make([]Token, 0, len(s)/5+4)}
	for st := stateFn(lexSpace); st != nil; {
		st = st(sc)
	}
	return sc.out
}

func (s *scanner) emit(start int, k Kind) {
	text := s.src[start:s.pos]
	s.out = append(s.out, Token{Start: start, End: s.pos, Text: text, Norm: Normalize(text), Kind: k, Space: s.sp, Newline: s.nl, Blank: s.bl})
	s.sp, s.nl, s.bl = false, false, false
}

func (s *scanner) peek(off int) (rune, int) {
	if s.pos+off >= len(s.src) {
		return -1, 0
	}
	return utf8.DecodeRuneInString(s.src[s.pos+off:])
}

func lexSpace(s *scanner) stateFn {
	lines := 0
	for s.pos < len(s.src) {
		r, n := s.peek(0)
		if r == '\n' {
			lines++
		} else if !(unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff') || (r == utf8.RuneError && n == 1) {
			break
		}
		s.pos += n
		s.sp = true
	}
	if lines > 0 {
		s.nl = true
	}
	if lines > 1 {
		s.bl = true
	}
	if s.pos >= len(s.src) {
		return nil
	}
	return lexAny
}

func isQuote(r rune) bool {
	switch r {
	case '"', '“', '”', '„', '‟', '«', '»', '‹', '›', '‘', '’', '‚', '‛', '\'', '`', '「', '」', '『', '』':
		return true
	}
	return false
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

func isDash(r rune) bool {
	return r == '-' || r == '–' || r == '—' || r == '‐' || r == '‑' || r == '−' || r == '―'
}

func lexAny(s *scanner) stateFn {
	r, n := s.peek(0)
	start := s.pos
	switch {
	case r == utf8.RuneError && n <= 1:
		s.pos += max(n, 1)
		s.emit(start, Symbol)
	case unicode.IsLetter(r):
		return lexWord
	case unicode.IsDigit(r):
		return lexNumber
	case isApostrophe(r):
		// 's 're 'll n't forms are handled in lexWord; a lone apostrophe
		// followed by a letter could be an elision ('em) or a quote.
		s.pos += n
		s.emit(start, Quote)
	case isQuote(r):
		s.pos += n
		s.emit(start, Quote)
	case isDash(r):
		s.pos += n
		for { // collapse "--"
			r2, n2 := s.peek(0)
			if !isDash(r2) {
				break
			}
			s.pos += n2
		}
		s.emit(start, Dash)
	case unicode.IsPunct(r):
		s.pos += n
		for r == '.' { // ellipsis "..."
			r2, n2 := s.peek(0)
			if r2 != '.' {
				break
			}
			s.pos += n2
		}
		s.emit(start, Punct)
	default:
		s.pos += n
		s.emit(start, Symbol)
	}
	return lexSpace
}

// lexWord scans letters and digits, internal apostrophes (Shi'ite, O'Brien),
// abbreviation dots (U.S., Lt.) and splits clitics ('s, n't).
func lexWord(s *scanner) stateFn {
	start := s.pos
	letters := 0
	for {
		r, n := s.peek(0)
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			s.pos += n
			letters++
			continue
		}
		if isApostrophe(r) {
			r2, n2 := s.peek(n)
			if unicode.IsLetter(r2) {
				// clitic 's / 're / 've / 'll / 'd / 'm at a word end: split it off
				word := s.src[start:s.pos]
				rest := strings.ToLower(cliticAt(s.src[s.pos+n:]))
				if rest != "" {
					if len(word) > 1 && strings.HasSuffix(strings.ToLower(word), "n") && rest == "t" {
						// n't: back up one letter
						s.pos -= 1
						s.emit(start, Word)
						st := s.pos
						s.pos += 1 + n + 1
						s.emit(st, Word)
						return lexSpace
					}
					if rest != "t" {
						s.emit(start, Word)
						st := s.pos
						s.pos += n + len(rest)
						s.emit(st, Word)
						return lexSpace
					}
				}
				s.pos += n + n2
				letters++
				continue
			}
			break
		}
		if r == '.' && letters <= 3 {
			// U.S.  U.N.  e.g.  or Lt. Gen. — an abbreviation keeps its dot
			r2, n2 := s.peek(1)
			word := strings.ToLower(s.src[start:s.pos])
			if unicode.IsLetter(r2) && utf8.RuneCountInString(lastSegment(word)) == 1 {
				s.pos += 1 + n2 // "U.S" continue
				letters = 1
				continue
			}
			if strings.Contains(word, ".") || utf8.RuneCountInString(word) == 1 && unicode.IsUpper(firstRune(s.src[start:])) || abbreviations[word] {
				s.pos++
			}
			break
		}
		if r == '.' && abbreviations[strings.ToLower(s.src[start:s.pos])] {
			s.pos++
		}
		break
	}
	s.emit(start, Word)
	return lexSpace
}

func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }

func lastSegment(w string) string {
	if i := strings.LastIndexByte(w, '.'); i >= 0 {
		return w[i+1:]
	}
	return w
}

// cliticAt returns the clitic letters (s, re, ve, ll, d, m, t) at the start of
// s when they end a word, else "".
func cliticAt(s string) string {
	for _, c := range []string{"s", "re", "ve", "ll", "d", "m", "t"} {
		if len(s) >= len(c) && strings.EqualFold(s[:len(c)], c) {
			rest := s[len(c):]
			r, _ := utf8.DecodeRuneInString(rest)
			if rest == "" || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
				return s[:len(c)]
			}
		}
	}
	return ""
}

func lexNumber(s *scanner) stateFn {
	start := s.pos
	for {
		r, n := s.peek(0)
		if unicode.IsDigit(r) {
			s.pos += n
			continue
		}
		if r == ',' || r == '.' {
			r2, _ := s.peek(n)
			if r2 >= '0' && r2 <= '9' {
				s.pos += n
				continue
			}
		}
		break
	}
	// suffixes: 1990s, 3rd, 10th, 5km
	for {
		r, n := s.peek(0)
		if !unicode.IsLetter(r) {
			break
		}
		s.pos += n
	}
	s.emit(start, Number)
	return lexSpace
}

var foldT = runes.Remove(runes.In(unicode.Mn))

// Normalize returns the look-up form of a word: lower case, diacritics removed,
// typographic apostrophes unified to "'", and dots removed from
// abbreviations ("U.S." → "us"). A lone "." stays ".".
func Normalize(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		w = strings.Map(func(r rune) rune {
			switch r {
			case '’', 'ʼ', '‘', '`':
				return '\''
			case utf8.RuneError:
				return '\ufffd'
			}
			return r
		}, w)
		if t, _, err := transform.String(transform.Chain(norm.NFD, foldT, norm.NFC), w); err == nil {
			w = t
		}
	}
	w = strings.ToLower(w)
	if len(w) > 1 && strings.IndexByte(w, '.') >= 0 && strings.Trim(w, ".") != "" {
		w = strings.ReplaceAll(w, ".", "")
	}
	return w
}

// NormalizePhrase normalises every word of a phrase and joins them with single
// spaces, dropping hyphens and dashes so "al-Qaeda" equals "al Qaeda".
func NormalizePhrase(s string) string {
	toks := Tokenize(s)
	parts := make([]string, 0, len(toks))
	for _, t := range toks {
		if t.Kind == Dash {
			continue
		}
		parts = append(parts, t.Norm)
	}
	return strings.Join(parts, " ")
}
