package lex

// Sentence is a run of tokens [First, Last] (inclusive indexes into the
// token slice) and the byte span it covers.
type Sentence struct {
	First, Last int
	Start, End  int
}

// titles are abbreviations that precede a name and never end a sentence.
var titles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "gen": true, "lt": true, "col": true,
	"maj": true, "capt": true, "cpt": true, "sgt": true, "cmdr": true, "adm": true, "brig": true, "gov": true,
	"sen": true, "rep": true, "pres": true, "rev": true, "hon": true, "amb": true, "sec": true, "st": true,
	"supt": true, "insp": true, "cpl": true, "pvt": true, "fr": true, "mt": true, "vs": true, "cf": true,
}

// starters are capitalised words that commonly begin a sentence; after an
// abbreviation such as "U.S." a following starter begins a new sentence.
var starters = map[string]bool{
	"the": true, "a": true, "an": true, "but": true, "and": true, "he": true, "she": true, "it": true,
	"they": true, "we": true, "i": true, "in": true, "on": true, "this": true, "that": true, "there": true,
	"his": true, "her": true, "their": true, "its": true, "however": true, "meanwhile": true, "after": true,
	"when": true, "while": true, "some": true, "many": true, "officials": true, "last": true, "earlier": true,
	"also": true, "at": true, "as": true, "if": true, "for": true, "since": true, "according": true,
}

func isCloser(t *Token) bool {
	return t.Kind == Quote || t.Kind == Punct && (t.Text == ")" || t.Text == "]" || t.Text == "}")
}

// MaxSentenceTokens bounds a sentence: longer runs without a sentence end
// (lists, tables, text without punctuation) are cut into pieces of this size,
// which keeps every per-sentence analysis linear in the input.
const MaxSentenceTokens = 250

// Sentences splits tokens into sentences. A sentence ends at ".", "!" or "?"
// (with any closing quotes or brackets) before a token that does not start
// with a lower-case letter, at an abbreviation followed by a typical sentence
// starter, and at a line break unless the line break only wraps a sentence.
func Sentences(toks []Token) []Sentence {
	var out []Sentence
	first := 0
	cut := func(last int) {
		if last >= first {
			out = append(out, Sentence{First: first, Last: last, Start: toks[first].Start, End: toks[last].End})
		}
		first = last + 1
	}
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		if i-first >= MaxSentenceTokens {
			cut(i - 1) // a run-on "sentence" is analysed in bounded pieces
		}
		if i > first && t.Newline {
			prev := &toks[i-1]
			wrapped := !t.Blank && (prev.Kind == Word && prev.IsLower() || prev.Text == ",") && t.IsLower()
			if !wrapped {
				cut(i - 1)
			}
		}
		if i == first && (i == 0 || t.Newline) {
			if j := datelineEnd(toks, i); j > i {
				cut(j) // "WASHINGTON (Reuters) -" is a sentence of its own
				i = j
				continue
			}
		}
		end := false
		switch {
		case t.Kind == Punct && (t.Text[0] == '.' || t.Text == "!" || t.Text == "?"):
			end = true
		case t.Kind == Word && len(t.Text) > 1 && t.Text[len(t.Text)-1] == '.' && !titles[t.Norm]:
			if i+1 < len(toks) && toks[i+1].IsCap() && starters[toks[i+1].Norm] {
				end = true
			}
		}
		if !end {
			continue
		}
		j := i
		for j+1 < len(toks) && isCloser(&toks[j+1]) && !toks[j+1].Space {
			j++
		}
		if j+1 < len(toks) {
			n := &toks[j+1]
			if n.Kind == Word && n.IsLower() || n.Kind == Punct && (n.Text == "," || n.Text == ";") {
				continue
			}
		}
		cut(j)
		i = j
	}
	if first < len(toks) {
		cut(len(toks) - 1)
	}
	return out
}

// datelineEnd returns the dash that ends a news agency dateline starting at
// token i ("WASHINGTON (Reuters) -", "CAIRO, Egypt (AP) —", "(Reuters) -"), or -1. The place
// words before the agency in brackets are capitalised.
func datelineEnd(toks []Token, i int) int {
	if !toks[i].IsCap() && toks[i].Text != "(" {
		return -1
	}
	for k := i; k < len(toks) && k < i+12; k++ {
		t := &toks[k]
		if k > i && t.Newline {
			return -1
		}
		switch {
		case t.Kind == Punct && t.Text == "(":
			m := k + 1
			for m < len(toks) && m < k+4 && toks[m].Kind == Word && toks[m].IsCap() {
				m++
			}
			if m == k+1 || m+1 >= len(toks) || toks[m].Text != ")" || toks[m+1].Kind != Dash {
				return -1
			}
			return m + 1
		case t.Kind == Word && t.IsCap(), t.Kind == Punct && (t.Text == "," || t.Text == "/" || t.Text == "."):
		default:
			return -1
		}
	}
	return -1
}
