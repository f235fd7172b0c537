package extract

import (
	"strings"

	"github.com/intelcell/intelcell/lex"
)

// Which events of a sentence are its news. A news sentence usually tells one
// act in its main clause and gives the background in subordinate parts: a
// relative clause ("a helicopter that was captured last week"), a condition
// ("unless Baghdad accepted its conditions"), a circumstance ("as the
// opposition threatened to storm his residence"), a participle adjunct
// (", saying they had lost all trust"), a purpose ("to press their
// demands"), the complement of a noun ("an admission by Moscow that its
// forces murdered ..."). An event coder codes the main act; the background
// acts are only coded when the sentence has no main act of its own.

// backgroundOf returns background(si), computed once per sentence.
func (d *doc) backgroundOf(si int) []bool {
	if d.bgs == nil {
		d.bgs = make([][]bool, len(d.sents))
	}
	if d.bgs[si] == nil {
		d.bgs[si] = d.background(si)
	}
	return d.bgs[si]
}

// background marks, for sentence si, the tokens that lie in a subordinate
// part of the sentence; the slice is indexed from the sentence's first token.
func (d *doc) background(si int) []bool {
	s := d.sents[si]
	bg := make([]bool, s.Last-s.First+1)
	mark := func(from, to int) {
		for k := max(from, s.First); k <= to && k <= s.Last; k++ {
			bg[k-s.First] = true
		}
	}
	verbSeen := false // a verb stood before: what follows is not the sentence's opening
	for k := s.First; k <= s.Last; k++ {
		t := &d.toks[k]
		if t.Kind != lex.Word {
			continue
		}
		n := t.Norm
		switch {
		case (n == "who" || n == "whom" || n == "whose" || n == "which") && k > s.First && d.relativeAfter(k-1),
			n == "where" && k > s.First && d.toks[k-1].Text == ",",
			n == "that" && k > s.First && d.relativeThat(k):
			// a relative clause, or the complement of a noun
			mark(k, d.partEnd(k, true))
		case subordinateOpeners[n] && !(n == "as" && k > s.First && d.toks[k-1].Norm == "well") &&
			(d.clauseFollows(k) || n != "as" && k+1 <= s.Last && d.gerundAt(k+1)):
			// "unless Baghdad accepted", "as the opposition threatened",
			// "before allowing": opening the sentence, the part ends at its
			// comma; after the main clause it runs on to the end
			mark(k, d.partEnd(k, !verbSeen))
		case verbSeen && d.gerundAt(k) && !d.finiteIng(k):
			// ", killing four", "rebels fighting to topple", "calling for"
			mark(k, d.partEnd(k, true))
		case verbSeen && d.reducedRelative(k):
			// "property seized by government forces", "the curfew imposed in Sudan"
			mark(k, d.partEnd(k, true))
		case n == "to" && k+1 <= s.Last && d.verbForm(d.toks[k+1].Norm):
			// a purpose or the complement of a noun: "staged demonstrations
			// to press their demands", "an offer to host a summit"
			if g := d.group(k + 1); g.unasserted && g.intentOf < 0 {
				mark(k, d.partEnd(k, true))
			}
		}
		if d.verbForm(n) && d.apAt[k] < 0 || isAux(t) {
			verbSeen = true
		}
	}
	return bg
}

// subordinateOpeners open adverbial clauses: a condition, a time, a cause,
// a concession.
var subordinateOpeners = set("if", "unless", "after", "before", "as", "when", "while", "until", "since", "because",
	"although", "though", "whereas", "once")

// relativeAfter reports whether token k (just before a wh-word) can be what a
// relative clause describes: a noun, an actor phrase, or a comma after one.
func (d *doc) relativeAfter(k int) bool {
	t := &d.toks[k]
	if t.Text == "," {
		return true
	}
	if d.apAt[k] >= 0 {
		return true
	}
	return t.Kind == lex.Word && !prepositions[t.Norm] && !isAux(t) && !d.verbForm(t.Norm) && !negators[t.Norm]
}

// relativeThat reports whether "that" at k opens a relative clause or the
// complement of a noun ("a helicopter that was captured", "an admission by
// Moscow that ...") rather than the complement of a verb ("said on Tuesday
// that", "warned Iraq that").
func (d *doc) relativeThat(k int) bool {
	s := d.sents[d.sentOf[k]]
	if k+1 <= s.Last && d.apAt[k+1] >= 0 && d.apAt[k] >= 0 {
		return false // "that" as a determiner
	}
	j := k - 1
	for j >= s.First && (adverbs[d.toks[j].Norm] || isDay(d.toks[j].Norm) || d.toks[j].Norm == "on" && j+1 < k && isDay(d.toks[j+1].Norm) ||
		strings.HasSuffix(d.toks[j].Norm, "ly") && len(d.toks[j].Norm) > 4) {
		j--
	}
	if j < s.First {
		return false
	}
	t := &d.toks[j]
	if t.Kind != lex.Word {
		return false
	}
	if ap := d.apAt[j]; ap >= 0 || pronouns[t.Norm] {
		// "warned Iraq that", "told them that": the object of a verb before
		first := j
		if ap >= 0 {
			first = d.aps[ap].first
			if gr := d.aps[ap].group; gr != nil {
				first = d.aps[gr[0]].first
			}
		}
		if p := first - 1; p >= s.First && (d.lemmaIn(p, speechVerbs) || d.lemmaIn(p, thatObjectVerbs)) {
			return false
		}
		return true
	}
	if d.verbForm(t.Norm) || isAux(t) || intentAdjectives[t.Norm] || t.Norm == "so" || t.Norm == "such" || t.Norm == "now" {
		return false
	}
	return true
}

// thatObjectVerbs take an object and a that-clause: "assured Israel that".
var thatObjectVerbs = set("assure", "inform", "remind", "convince", "notify", "persuade", "promise", "advise", "tell",
	"warn", "caution", "urge", "ask", "accuse", "reassure", "brief")

// gerundAt reports whether token k is an -ing form of a verb, read as a verb.
func (d *doc) gerundAt(k int) bool {
	t := &d.toks[k]
	if t.Kind != lex.Word || !strings.HasSuffix(t.Norm, "ing") || t.IsCap() || !d.verbForm(t.Norm) || d.apAt[k] >= 0 {
		return false
	}
	if k > 0 {
		p := &d.toks[k-1]
		if determiners[p.Norm] || p.Norm == "'s" || p.Kind == lex.Number || d.isHyphen(k-1) {
			return false // "the fighting", "a meeting"
		}
		if p.Kind == lex.Word && p.IsLower() && d.apAt[k-1] < 0 && d.adjectiveLike(k-1) && d.nounTrigger(k) {
			return false // "after fierce fighting with guerrillas": a noun
		}
	}
	return true
}

// finiteIng reports whether the -ing form at k has an auxiliary ("is
// providing", "have been holding").
func (d *doc) finiteIng(k int) bool {
	s := d.sents[d.sentOf[k]]
	for j := k - 1; j >= s.First; j-- {
		t := &d.toks[j]
		if adverbs[t.Norm] || negators[t.Norm] || strings.HasSuffix(t.Norm, "ly") && len(t.Norm) > 4 {
			continue
		}
		if beForms[t.Norm] && t.Norm != "being" {
			return true
		}
		if t.Norm == "and" || t.Norm == "or" || t.Norm == "as" && j >= 2 && d.toks[j-1].Norm == "well" {
			// "has been conducting airstrikes as well as training and
			// advising Iraqi forces": coordinated with a finite -ing form
			for i := j - 1; i >= s.First && i >= j-12; i-- {
				if i != k && d.gerundAt(i) && d.coordinatedVerbs(i, k) && d.finiteIng(i) {
					return true
				}
			}
		}
		return false
	}
	return false
}

// reducedRelative reports whether the past participle at k describes the
// noun before it: "property seized by government forces", "a bill signed in
// by the minister", "the curfew imposed in Sudan after ...".
func (d *doc) reducedRelative(k int) bool {
	t := &d.toks[k]
	s := d.sents[d.sentOf[k]]
	if t.Kind != lex.Word || k == s.First || !d.verbForm(t.Norm) || !isParticiple(d, k) || strings.HasSuffix(t.Norm, "ing") {
		return false
	}
	p := &d.toks[k-1]
	if p.Kind != lex.Word || isAux(p) || pronouns[p.Norm] || adverbs[p.Norm] || negators[p.Norm] || conjunctions[p.Norm] ||
		determiners[p.Norm] || prepositions[p.Norm] || p.Norm == "to" || d.verbForm(p.Norm) {
		return false
	}
	if d.reducedPassive(k, d.clauseEnd(k)) {
		return true
	}
	if d.apAt[k-1] >= 0 || p.IsCap() || isDay(p.Norm) || monthNames[p.Norm] || strings.HasSuffix(p.Norm, "ly") {
		return false
	}
	// a common noun before, and no object after: "the curfew imposed in Sudan"
	if k+1 > s.Last {
		return true
	}
	nx := &d.toks[k+1]
	return nx.Kind == lex.Word && prepositions[nx.Norm] && nx.Norm != "up" && nx.Norm != "out" && nx.Norm != "off" && nx.Norm != "down"
}

// partEnd returns the last token of the subordinate part opened at k: the
// next comma when short is set (a relative clause, a participle, a clause
// opening the sentence), else the end of the sentence. The part never runs
// into a reporting tail (", officials said"), past ";" or ":", nor into a
// coordinated main clause ("but", "and has urged").
func (d *doc) partEnd(k int, short bool) int {
	s := d.sents[d.sentOf[k]]
	for j := k + 1; j <= s.Last; j++ {
		t := &d.toks[j]
		if t.Text == ";" || t.Text == ":" || t.Kind == lex.Quote && j > k+1 {
			return j - 1
		}
		if t.Text == "," && (short || j+1 <= s.Last && (d.isSpeechAt(j+1) || d.toks[j+1].Norm == "according")) {
			return j - 1
		}
		if t.Norm == "but" || (t.Norm == "and" || t.Norm == "or") && j+1 <= s.Last && isAux(&d.toks[j+1]) {
			return j - 1
		}
	}
	return s.Last
}

// mainEvents drops the events of a sentence's subordinate parts when the
// sentence has an event of its own in its main clause. Statements do not
// count as main events: "Russia said that Sudan must return ..." codes the
// demand.
func (d *doc) mainEvents(si int, ps []pending) []pending {
	if len(ps) < 2 {
		return ps
	}
	s := d.sents[si]
	bg := d.backgroundOf(si)
	main := false
	for _, p := range ps {
		if !bg[p.trigger-s.First] && !p.statement && (p.src != nil || p.unknownSource) {
			main = true
		}
	}
	if !main {
		return ps
	}
	out := ps[:0]
	for _, p := range ps {
		if !bg[p.trigger-s.First] {
			out = append(out, p)
		}
	}
	return out
}

// verbForm reports whether a word form belongs to some verb (len(d.lemmas(n)) > 0
// without building the list).
func (d *doc) verbForm(n string) bool {
	return len(d.kb.Lemmas(n)) > 0 || len(d.x.closed[n]) > 0
}
