package extract

import (
	"strings"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/lex"
)

// findQuotes finds direct quotes (any quotation-mark style, balanced or not,
// split over sentences) and reported speech ("X said that ...", "..., X
// said"), each with its speaker.
func (d *doc) findQuotes() {
	inQuote := make([]bool, len(d.toks))
	for i := 0; i < len(d.toks); i++ {
		if d.quoteSide(i) != 1 || !d.opensQuote(i) {
			continue
		}
		j := d.closeQuote(i)
		if j < 0 || j <= i+1 {
			continue
		}
		for k := i; k <= j; k++ {
			inQuote[k] = true
		}
		start, end := d.toks[i].End, d.toks[j].Start
		if end <= start {
			continue
		}
		text := strings.TrimSpace(d.text[start:end])
		text = strings.TrimRight(text, ",")
		q := intelcell.Quote{Text: clean(text), Direct: true,
			Span: intelcell.Span{Start: d.toks[i].Start, End: d.toks[j].End}}
		q.Speaker = d.quoteSpeaker(i, j)
		if q.Speaker == nil && len(d.quotes) > 0 && !d.attributedBefore(i) {
			// a quote that continues the previous speaker's words in the
			// next sentence: “...,” Graham said. “And we all ...”
			prev := &d.quotes[len(d.quotes)-1]
			if prev.Direct && prev.Speaker != nil && d.sentAtByte(prev.Span.End) >= d.sentOf[i]-1 {
				q.Speaker = prev.Speaker
			}
		}
		d.quotes = append(d.quotes, q)
		i = j
	}
	d.reportedSpeech(inQuote)
}

// attributedBefore reports whether a reporting verb stands just before the
// quote at i ("a source said “..."): the quote is someone else's.
func (d *doc) attributedBefore(i int) bool {
	for k := i - 1; k >= 0 && k >= i-3; k-- {
		if d.isSpeechVerb(k) {
			return true
		}
	}
	return false
}

// opensQuote reports whether the quote mark at i opens a quotation: a word
// follows it and, for single marks, it is not an apostrophe.
func (d *doc) opensQuote(i int) bool {
	if i+1 >= len(d.toks) || d.toks[i+1].Space {
		return false
	}
	t := d.toks[i].Text
	if t == "’" {
		return false
	}
	if t == "'" {
		// a straight single quote opens only with a space before it and a
		// closing one in the same sentence: "said the government 'will not …'"
		if i == 0 || !d.toks[i].Space {
			return false
		}
		s := d.sents[d.sentOf[i]]
		for k := i + 2; k <= s.Last; k++ {
			if d.toks[k].Text == "'" && !d.toks[k].Space && (k+1 > s.Last || d.toks[k+1].Space || d.toks[k+1].Kind == lex.Punct) {
				return true
			}
		}
		return false
	}
	return true
}

// maxQuoteTokens bounds how far a quotation may run.
const maxQuoteTokens = 400

// closeQuote finds the mark closing the quote opened at i: a quote mark of
// the matching family attached to the word before it. An unbalanced quote
// ends at the end of its paragraph.
func (d *doc) closeQuote(i int) int {
	open := d.toks[i].Text
	single := open == "‘" || open == "‹" || open == "‚" || open == "'"
	for k := i + 1; k < len(d.toks); k++ {
		t := &d.toks[k]
		if k-i > maxQuoteTokens {
			return -1 // no close within reach: not a quotation
		}
		if t.Blank || t.Newline && k > i+1 && d.toks[k-1].Kind != lex.Word {
			return k - 1 // paragraph ended: unbalanced quote
		}
		if t.Kind != lex.Quote || t.Space && k+1 < len(d.toks) && !d.toks[k+1].Space {
			continue
		}
		isSingle := t.Text == "’" || t.Text == "'" || t.Text == "›" || t.Text == "‘"
		if single != isSingle {
			continue
		}
		if isSingle && k+1 < len(d.toks) && !d.toks[k+1].Space && d.toks[k+1].Kind == lex.Word {
			continue // an apostrophe inside a word
		}
		return k
	}
	if k := len(d.toks) - 1; k > i {
		return k
	}
	return -1
}

// quoteSpeaker finds who said the quote [i, j]: "X said: “...”", "“...”,
// X said", "“...”, said X", "X told CNN: “...”".
func (d *doc) quoteSpeaker(i, j int) *intelcell.Actor {
	si := d.sents[d.sentOf[i]]
	// a reporting verb just before the quote: "X said: “", "X told CNN television: “"
	before := func(window int) *intelcell.Actor {
		for k := i - 1; k >= si.First && k >= i-window; k-- {
			if d.toks[k].Kind == lex.Quote {
				return nil
			}
			if d.isSpeechVerb(k) {
				g := d.group(k)
				if subj := d.subjectOf(g.start); subj >= 0 {
					return d.speakerActor(subj)
				}
				return d.speakerAfter(k)
			}
		}
		return nil
	}
	if a := before(6); a != nil {
		return a
	}
	// after the quote, in its sentence: "“...”, X said" or "“...”, said X"
	sj := d.sentOf[j]
	for k := j + 1; k < len(d.toks) && k <= j+8 && d.sentOf[k] == sj; k++ {
		t := &d.toks[k]
		if t.Kind == lex.Quote && d.quoteSide(k) == 1 || t.Newline {
			break
		}
		if d.isSpeechVerb(k) {
			for b := k - 1; b > j; b-- {
				if ap := d.apAt[b]; ap >= 0 {
					return d.speakerActor(ap)
				}
			}
			return d.speakerAfter(k)
		}
	}
	return before(16)
}

// speakerAfter returns the phrase right after a speech verb ("said Kerry").
func (d *doc) speakerAfter(k int) *intelcell.Actor {
	for j := k + 1; j <= k+3 && j < len(d.toks); j++ {
		if ap := d.apAt[j]; ap >= 0 {
			return d.speakerActor(ap)
		}
		if d.toks[j].Kind == lex.Punct || d.toks[j].Kind == lex.Quote {
			break
		}
	}
	return nil
}

func (d *doc) speakerActor(ap int) *intelcell.Actor {
	ph := d.aps[ap]
	if len(ph.actors) == 0 {
		return nil
	}
	a := *ph.actors[0]
	return &a
}

// reportedSpeech records indirect quotes: "X said (that) CLAUSE",
// "CLAUSE, X said" and "according to X, CLAUSE".
func (d *doc) reportedSpeech(inQuote []bool) {
	for _, s := range d.sents {
		d.accordingTo(s, inQuote)
	}
	for si, s := range d.sents {
		for k := s.First; k <= s.Last; k++ {
			if inQuote[k] || !d.isSpeechVerb(k) {
				continue
			}
			g := d.group(k)
			// "CLAUSE, X said (on Sunday)." — the reporting phrase ends the sentence
			if c := d.commaBefore(g.start, s.First); c > s.First && d.tailOnly(k+1, s.Last) {
				subj := d.subjectOf(g.start)
				if subj >= 0 && d.aps[subj].first > c && !inQuote[s.First] && !inQuote[c-1] {
					d.addIndirect(s.First, c-1, subj)
					break
				}
			}
			// "X said (that) CLAUSE."
			subj := d.subjectOf(g.start)
			if subj < 0 {
				continue
			}
			from := k + 1
			for from <= s.Last {
				n := d.toks[from].Norm
				_, day := dayNames[n]
				if n == "that" || n == "on" && from+1 <= s.Last && isDay(d.toks[from+1].Norm) || day && (from+1 > s.Last || d.toks[from+1].Norm != "'s") || n == "yesterday" || n == "today" {
					from++
					continue
				}
				break
			}
			// a direct quote follows: "X told CNN: “...”" is not reported speech
			direct := false
			for j := k + 1; j <= s.Last && j <= k+6; j++ {
				direct = direct || d.toks[j].Kind == lex.Quote && d.quoteSide(j) == 1
			}
			if direct {
				continue
			}
			// skip "told REPORTERS"
			if from > s.Last {
				continue
			}
			if ap := d.apAt[from]; ap >= 0 && d.toks[k].Norm != "said" {
				from = d.aps[ap].last + 1
				if from <= s.Last && d.toks[from].Norm == "that" {
					from++
				}
			}
			to := s.Last
			for to > from && (d.toks[to].Kind == lex.Punct) {
				to--
			}
			// reported speech is a clause: "warned the US against interfering"
			// is not a quotation
			if to-from >= 2 && from <= s.Last && !inQuote[from] && d.toks[from].Kind == lex.Word && !prepositions[d.toks[from].Norm] && d.hasVerb(from, min(to, from+8)) {
				d.addIndirect(from, to, subj)
			}
			_ = si
			break
		}
	}
}

func isDay(n string) bool {
	_, ok := dayNames[n]
	return ok
}

// hasVerb reports whether tokens [i, j] contain a verb or auxiliary.
func (d *doc) hasVerb(i, j int) bool {
	for k := i; k <= j; k++ {
		if isAux(&d.toks[k]) || len(d.lemmas(d.toks[k].Norm)) > 0 && d.mentAt[k] < 0 {
			return true
		}
	}
	return false
}

// accordingTo records "According to X, CLAUSE." and "CLAUSE, according to X."
func (d *doc) accordingTo(s lex.Sentence, inQuote []bool) {
	for k := s.First; k+2 <= s.Last; k++ {
		if d.toks[k].Norm != "according" || d.toks[k+1].Norm != "to" || inQuote[k] {
			continue
		}
		ap := d.objectAfter(k+2, s.Last)
		if ap < 0 {
			return
		}
		if k == s.First {
			// skip the phrase and its appositive up to the next comma
			c := d.aps[ap].last + 1
			for c <= s.Last && d.toks[c].Text != "," {
				c++
			}
			for c+1 <= s.Last && d.apAt[c+1] >= 0 && d.aps[d.apAt[c+1]].first == c+1 {
				// ", the presidential spokesman," — an appositive
				e := d.aps[d.apAt[c+1]].last + 1
				if e <= s.Last && d.toks[e].Text == "," {
					c = e
					continue
				}
				break
			}
			if c+2 <= s.Last {
				d.addIndirect(c+1, s.Last, ap)
			}
		} else if k > s.First+2 && d.toks[k-1].Text == "," {
			d.addIndirect(s.First, k-2, ap)
		}
		return
	}
}

// tailOnly reports whether tokens [i, last] are only a short adverbial
// ("on Sunday", "in a statement") and punctuation.
func (d *doc) tailOnly(i, last int) bool {
	words := 0
	for k := i; k <= last; k++ {
		if d.toks[k].Kind == lex.Quote && d.quoteSide(k) == 1 {
			return false
		}
		if d.toks[k].Kind == lex.Word || d.toks[k].Kind == lex.Number {
			words++
		}
	}
	return words <= 5
}

// commaBefore returns the index of a comma directly before the subject of a
// trailing "X said", or -1.
func (d *doc) commaBefore(g, first int) int {
	for k := g - 1; k > first && k >= g-8; k-- {
		if d.toks[k].Text == "," {
			return k
		}
		if d.toks[k].Kind == lex.Quote {
			return -1
		}
	}
	return -1
}

func (d *doc) addIndirect(from, to, subj int) {
	for to > from && (d.toks[to].Kind == lex.Punct || d.toks[to].Kind == lex.Quote) {
		to--
	}
	q := intelcell.Quote{Text: clean(d.tokText(from, to)), Direct: false, Speaker: d.speakerActor(subj),
		Span: intelcell.Span{Start: d.toks[from].Start, End: d.toks[to].End}}
	d.quotes = append(d.quotes, q)
}
