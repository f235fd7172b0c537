package extract

import (
	"strings"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/cameo"
	"github.com/intelcell/intelcell/kb"
	"github.com/intelcell/intelcell/lex"
)

// verbGroup describes the auxiliaries, negation and modality around a verb.
type verbGroup struct {
	start    int  // first token of the group (auxiliaries, adverbs, negation)
	negated  bool // "not", "n't", "never"
	modal    bool // will, would, could, may, might, should, can
	passive  bool // be + past participle
	intentOf int  // index of the governing intent verb ("agreed to X"), or -1
	intent   bool
	threat   bool
	denied   bool // under a refusal: "refused to X"
	// obligation: "must", "should", "ought to", "need to" — demanded, not done
	obligation bool
	// speculative: "may have interfered", "could attack" — possible, not stated
	speculative bool
	// unasserted: a purpose infinitive or a gerund after a preposition ("to
	// avoid", "for signing", "aimed at ending"): not stated as happening
	unasserted bool
}

// match is one pattern matched at a trigger.
type match struct {
	pat       *kb.Pattern
	end       int // last token the pattern consumed
	target    int // phrase index in the target slot, or -1
	source    int // phrase index in the source slot, or -1
	lits      int
	objSearch int // where to look for a direct object when the pattern has no slot
}

// findEvents codes the events of every sentence.
func (d *doc) findEvents() {
	for si := range d.sents {
		d.sentenceEvents(si)
	}
	d.attachCasualties()
}

// clauseEnd returns the last token of the clause that starts at or before i.
func (d *doc) clauseEnd(i int) int {
	s := d.sents[d.sentOf[i]]
	for k := i + 1; k <= s.Last; k++ {
		t := &d.toks[k]
		if t.Text == ";" || t.Text == ":" || t.Kind == lex.Quote && k > i+1 {
			return k - 1
		}
		if t.Kind == lex.Word && (t.Norm == "but" || t.Norm == "while" || t.Norm == "whereas" || t.Norm == "although" || t.Norm == "because") {
			return k - 1
		}
		if t.Norm == "," && k+1 <= s.Last && (subordinators[d.toks[k+1].Norm] && d.toks[k+1].Norm != "as" || d.isSpeechAt(k+1)) {
			return k - 1
		}
	}
	return s.Last
}

// isSpeechAt reports whether a reporting phrase starts at k (", he said").
func (d *doc) isSpeechAt(k int) bool {
	for j := k; j < len(d.toks) && j <= k+6; j++ {
		if d.isSpeechVerb(j) {
			return true
		}
		if d.toks[j].Kind == lex.Punct {
			return false
		}
	}
	return false
}

func (d *doc) isSpeechVerb(j int) bool {
	return d.toks[j].Kind == lex.Word && !d.toks[j].IsCap() && d.lemmaIn(j, speechVerbs)
}

// clauseStart returns the first token of the clause that ends at i.
func (d *doc) clauseStart(i int) int {
	s := d.sents[d.sentOf[i]]
	for k := i - 1; k >= s.First; k-- {
		t := &d.toks[k]
		if t.Text == ";" || t.Text == ":" {
			return k + 1
		}
		if t.Kind == lex.Quote && d.quoteSide(k) != 0 {
			return k + 1
		}
		if t.Kind == lex.Word && (t.Norm == "that" || t.Norm == "which" || t.Norm == "who" || t.Norm == "whom" || t.Norm == "but" || t.Norm == "because" || t.Norm == "although" || t.Norm == "whether" || t.Norm == "if" ||
			clauseConjunctions[t.Norm] && k+1 < i && d.clauseFollows(k)) {
			if t.Norm == "that" && k+1 <= s.Last && d.apAt[k+1] < 0 && d.apAt[k] >= 0 {
				continue // "that" as a determiner inside a phrase
			}
			return k
		}
	}
	return s.First
}

// clauseConjunctions open a clause of their own when a subject and a verb follow.
var clauseConjunctions = set("after", "before", "since", "until", "when", "while")

// clauseFollows reports whether a subject and a verb follow token k: "after
// Democrats complained", not "after the meeting" nor "once again rejected".
func (d *doc) clauseFollows(k int) bool {
	s := d.sents[d.sentOf[k]]
	subject := false
	for j := k + 1; j <= s.Last && j <= k+6; j++ {
		t := &d.toks[j]
		if len(d.verbLemmas(j)) > 0 || isAux(t) {
			return subject
		}
		if t.Kind == lex.Punct {
			return false
		}
		subject = subject || d.apAt[j] >= 0 || t.IsCap() || pronouns[t.Norm]
	}
	return false
}

// quoteSide: 1 opening quote, -1 closing quote, 0 apostrophe-like.
func (d *doc) quoteSide(k int) int {
	t := &d.toks[k]
	if t.Kind != lex.Quote {
		return 0
	}
	switch t.Text {
	case "“", "«", "„", "‹", "「", "『":
		return 1
	case "”", "»", "›", "」", "』":
		return -1
	}
	nextAttached := k+1 < len(d.toks) && !d.toks[k+1].Space
	if t.Space && nextAttached || k == 0 {
		return 1
	}
	if !t.Space {
		return -1
	}
	return 0
}

// verbLemmas returns the lemmas of token k that have patterns, or nil when
// the token reads as a noun here.
func (d *doc) verbLemmas(k int) []string {
	t := &d.toks[k]
	if t.Kind != lex.Word || t.IsCap() && k != d.sents[d.sentOf[k]].First {
		return nil
	}
	ls := d.kb.Lemmas(t.Norm)
	if len(ls) == 0 {
		return nil
	}
	if a, _ := d.agentAt(k); a != nil {
		return nil
	}
	if d.mentAt[k] >= 0 {
		return nil
	}
	if k == d.sents[d.sentOf[k]].First && d.nounReading(k) {
		return nil // "Clashes between ..."
	}
	if ap := d.apAt[k]; ap >= 0 && d.aps[ap].first < k && d.apAt[k-1] == ap {
		return nil // inside a noun phrase: "the Kerry-Lavrov meeting"
	}
	if k > 0 {
		p := &d.toks[k-1]
		if determiners[p.Norm] && p.Norm != "no" || p.Norm == "'s" || p.Kind == lex.Number && d.mentAt[k-1] < 0 {
			return nil
		}
		// "a joint monitoring centre": an -ing form after a determiner and a
		// modifier is a noun
		if k >= 2 && strings.HasSuffix(t.Norm, "ing") && determiners[d.toks[k-2].Norm] && p.Kind == lex.Word && p.IsLower() && d.adjectiveLike(k-1) &&
			k+1 < len(d.toks) && d.adjectiveLike(k+1) {
			return nil
		}
		// "in military support for": after a preposition and a modifier, a noun
		if k >= 2 && (p.Kind == lex.Word && p.IsLower()) && !isAux(p) && len(d.kb.Lemmas(p.Norm)) == 0 &&
			!strings.HasSuffix(t.Norm, "ing") && !strings.HasSuffix(t.Norm, "ed") {
			if pp := &d.toks[k-2]; pp.Kind == lex.Word && (prepositions[pp.Norm] && pp.Norm != "to" || determiners[pp.Norm]) {
				return nil
			}
		}
		// "amid attacks", "after talks": after a preposition a word is a noun
		// (gerunds aside, which are handled as unasserted acts)
		if p.Kind == lex.Word && prepositions[p.Norm] && p.Norm != "to" && !strings.HasSuffix(t.Norm, "ing") && !clauseConjunctions[p.Norm] {
			return nil
		}
		if mi := d.mentAt[k-1]; mi >= 0 && d.ments[mi].form == kb.FormDemonym && !d.peopleDemonym(mi) {
			return nil
		}
		// after an adjective a base or -s form is a noun: "an important
		// partner", "fresh talks"; -ed forms stay verbs ("the two sides agreed")
		if p.Kind == lex.Word && p.IsLower() && !strings.HasSuffix(t.Norm, "ed") && !strings.HasSuffix(t.Norm, "ing") && d.adjectiveLike(k-1) {
			return nil
		}
		if d.isHyphen(k-1) && k >= 2 && !verbPrefixes[d.toks[k-2].Norm] {
			return nil // "U.S.-led", "long-threatened", "rebel-held": a compound modifier ("re-open" stays a verb)
		}
		// "shelled positions", "imposed sanctions": after a past-tense verb a
		// bare or plural form is the object
		if !strings.HasSuffix(t.Norm, "ed") && !strings.HasSuffix(t.Norm, "ing") && p.Kind == lex.Word && p.IsLower() &&
			!isAux(p) && len(d.kb.Lemmas(p.Norm)) > 0 && !beForms[p.Norm] && !objectlessVerbs[p.Norm] {
			return nil // "lift ban", "imposed sanctions"
		}
	}
	var out []string
	for _, l := range ls {
		if len(d.kb.VerbPatterns(l)) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// peopleDemonym reports whether a demonym names people ("Palestinians",
// "the Russians") rather than modifying a noun ("Russian forces").
func (d *doc) peopleDemonym(mi int) bool {
	n := d.toks[d.ments[mi].last].Norm
	return strings.HasSuffix(n, "s") && n != "swiss" && !strings.HasSuffix(n, "ese")
}

// adjectiveLike reports whether token k is a lower-case word of no closed
// class, no verb form and no agent: most likely an adjective or noun modifier.
func (d *doc) adjectiveLike(k int) bool {
	t := &d.toks[k]
	n := t.Norm
	if determiners[n] || prepositions[n] || conjunctions[n] || pronouns[n] || subordinators[n] || negators[n] ||
		adverbs[n] || isAux(t) || strings.HasSuffix(n, "ly") || len(d.lemmas(n)) > 0 || d.apAt[k] >= 0 {
		return false
	}
	if a, _ := d.agentAt(k); a != nil {
		return false
	}
	return !strings.HasSuffix(n, "s") || strings.HasSuffix(n, "ous") || strings.HasSuffix(n, "ss")
}

// group analyses the verb group ending at verb token v.
func (d *doc) group(v int) verbGroup {
	g := verbGroup{start: v, intentOf: -1}
	s := d.sents[d.sentOf[v]]
	sawBe := false
	for k := v - 1; k >= s.First; k-- {
		t := &d.toks[k]
		if d.mentAt[k] >= 0 {
			break // a name ("Theresa May") is never an auxiliary
		}
		switch {
		case negators[t.Norm] && t.Norm != "no" && t.Norm != "nor":
			g.negated = true
		case modals[t.Norm]:
			g.modal = true
			if speculative[t.Norm] {
				g.speculative = true
			}
			if t.Norm == "must" || t.Norm == "should" {
				g.obligation = true
			}
		case beForms[t.Norm] && t.Norm != "'s":
			if k == v-1 || !sawBe {
				sawBe = true
				if !strings.HasSuffix(d.toks[v].Norm, "ing") && (isParticiple(d, v) || k == v-1) && t.Norm != "being" || t.Norm == "been" && isParticiple(d, v) {
					g.passive = true
				}
			}
		case haveForms[t.Norm] && t.Norm != "'d" || doForms[t.Norm]:
		case adverbs[t.Norm] || strings.HasSuffix(t.Norm, "ly") && len(t.Norm) > 4 && t.Kind == lex.Word && d.apAt[k] < 0:
		default:
			goto done
		}
		g.start = k
	}
done:
	// "been" + -ing is progressive, never passive
	if strings.HasSuffix(d.toks[v].Norm, "ing") {
		g.passive = false
	}
	// "to" + verb governed by an intent verb or adjective: "agreed to set up",
	// "would be willing to send", "threatened to strike", "refused to meet"
	if k := g.start - 1; k > s.First && d.toks[k].Norm == "to" {
		o := k - 1
		for o > s.First && (adverbs[d.toks[o].Norm] || d.toks[o].Norm == "not" || isDay(d.toks[o].Norm) ||
			d.toks[o].Norm == "on" && o+1 < k && isDay(d.toks[o+1].Norm) || d.toks[o].Norm == ",") {
			o--
		}
		t := &d.toks[o]
		lem := ""
		for _, l := range d.lemmas(t.Norm) {
			if intentVerbs[l] || aspectVerbs[l] || l == "refuse" || l == "decline" || l == "fail" {
				lem = l
			}
		}
		if lem == "" && intentAdjectives[t.Norm] {
			lem = t.Norm
		}
		if lem == "" && (t.Norm == "order" || t.Norm == "ordered" || t.Norm == "plans" || t.Norm == "plan") {
			lem = "plan"
		}
		if lem != "" {
			og := d.group(o)
			g.intentOf = o
			g.negated = g.negated || og.negated
			g.modal = g.modal || og.modal
			switch lem {
			case "refuse", "decline", "fail", "unwilling", "reluctant":
				g.denied = true
			case "threaten", "vow", "warn":
				g.threat = true
			case "seem", "appear", "try", "attempt", "move", "continue", "begin", "start", "resume", "proceed", "keep", "go", "manage",
				"able", "going", "set", "poised", "due", "likely", "expect", "about":
				// "appeared to coordinate", "is set to meet": the act itself,
				// stated with less certainty or planned in the near future
				g.intent = g.modal
			default:
				g.intent = true
			}
			g.start = og.start
		}
	}
	if k := g.start - 1; g.intentOf < 0 && k >= s.First {
		p := &d.toks[k]
		switch {
		case p.Norm == "to" && k > s.First && (d.toks[k-1].Norm == "ought" || d.toks[k-1].Norm == "need" || d.toks[k-1].Norm == "needs" || d.toks[k-1].Norm == "have" || d.toks[k-1].Norm == "has"):
			g.obligation = true
		case p.Norm == "to" && !strings.HasSuffix(d.toks[v].Norm, "ing"):
			g.unasserted = true // "to allow", "urged X to support"
		case strings.HasSuffix(d.toks[v].Norm, "ing") && prepositions[p.Norm] && !assertingPreps[p.Norm]:
			g.unasserted = true // "for signing", "of violating", "aimed at ending"
		}
	}
	if g.modal && !g.obligation {
		g.intent = true
	}
	return g
}

// assertingPreps before a gerund still tell of something that happened:
// "after attacking", "by shelling", "while visiting".
var assertingPreps = set("after", "before", "by", "while", "since", "upon", "when", "despite", "following", "amid", "as", "in")

// isParticiple reports whether token v can be a past participle.
func isParticiple(d *doc, v int) bool {
	n := d.toks[v].Norm
	if strings.HasSuffix(n, "ed") || strings.HasSuffix(n, "en") || strings.HasSuffix(n, "wn") {
		return true
	}
	for _, l := range d.kb.Lemmas(n) {
		if l != n && !strings.HasSuffix(n, "s") && !strings.HasSuffix(n, "ing") {
			return true
		}
	}
	return false
}

// matchPattern matches pattern elements pt starting at token i (inclusive),
// not beyond end. It returns the match or ok=false.
func (d *doc) matchPattern(pt []kb.PatTok, i, end int, m *match) bool {
	if len(pt) == 0 {
		m.end = i - 1
		return true
	}
	if i > end+1 {
		return false
	}
	switch el := pt[0]; el.Kind {
	case kb.PatSkip:
		for k := i; k <= end+1 && k <= i+6; k++ {
			if d.matchPattern(pt[1:], k, end, m) {
				return true
			}
		}
		return false
	case kb.PatTarget, kb.PatSource:
		// skip determiners before the phrase
		k := i
		for k <= end && determiners[d.toks[k].Norm] && d.apAt[k] < 0 {
			k++
		}
		if k > end {
			return false
		}
		ap := d.apAt[k]
		if ap < 0 {
			return false
		}
		ph := d.aps[ap]
		last := ph.last
		if ph.group != nil {
			last = d.aps[ph.group[len(ph.group)-1]].last
		}
		save := *m
		if el.Kind == kb.PatTarget {
			m.target = ap
		} else {
			m.source = ap
		}
		if d.matchPattern(pt[1:], last+1, end, m) {
			return true
		}
		*m = save
		return false
	default:
		// a literal: allow up to two skippable words (articles, possessives,
		// adjectives, numbers) before it
		for skip, k := 0, i; k <= end && skip <= 2; k++ {
			for _, w := range el.Seq {
				if e := d.wordMatch(k, end, w); e >= 0 && !d.insidePhrase(e) {
					m.lits++
					save := m.target
					if ap := d.apAt[e]; ap >= 0 && m.target < 0 && d.aps[ap].last == e && len(d.aps[ap].actors) > 0 {
						m.target = ap // the literal is the head of an actor phrase
					}
					if d.matchPattern(pt[1:], e+1, end, m) {
						return true
					}
					m.target = save
					m.lits--
				}
			}
			t := &d.toks[k]
			if ap := d.apAt[k]; ap >= 0 && d.aps[ap].last > k {
				// a modifier inside an actor phrase whose head the literal may
				// name: "advising Iraqi forces" matches "advise * force"
				continue
			}
			if !(determiners[t.Norm] || t.Kind == lex.Number || t.Norm == "'s" || d.isHyphen(k) ||
				t.Kind == lex.Word && !prepositions[t.Norm] && !conjunctions[t.Norm] && d.apAt[k] < 0 && !isAux(t)) {
				return false
			}
			if !(determiners[t.Norm] || t.Norm == "'s") {
				skip++
			}
		}
		return false
	}
}

// insidePhrase reports whether token e is a modifier inside an actor phrase
// ("oil" in "an Islamic State oil facility"): a pattern word may name a
// phrase's head, not one of its modifiers.
func (d *doc) insidePhrase(e int) bool {
	ap := d.apAt[e]
	if ap < 0 || len(d.aps[ap].actors) == 0 || d.aps[ap].last == e {
		return false
	}
	a, _ := d.agentAt(e) // role words ("ambassador", "diplomats") may be named
	return a == nil
}

// wordMatch matches a pattern word (or a phrase of several words, such as
// "sit in" from "sit-in") at token k, the last word also in its plural, and
// returns the last token matched or -1.
func (d *doc) wordMatch(k, end int, seq []string) int {
	for i, w := range seq {
		if k > end {
			return -1
		}
		if i < len(seq)-1 {
			if d.toks[k].Norm != w {
				return -1
			}
			k++
			if k <= end && d.isHyphen(k) {
				k++
			}
			continue
		}
		if !pluralOf(d.toks[k].Norm, w) {
			return -1
		}
		if k+1 < len(d.toks) && d.isHyphen(k+1) {
			return -1 // "war-torn": the first part of a compound modifier
		}
	}
	return k
}

// pluralOf reports whether n is w or a regular plural of w.
func pluralOf(n, w string) bool {
	if !strings.HasPrefix(n, w) {
		return len(w) > 1 && w[len(w)-1] == 'y' && len(n) == len(w)+2 && n[:len(w)-1] == w[:len(w)-1] && n[len(w)-1:] == "ies"
	}
	switch n[len(w):] {
	case "", "s", "es":
		return true
	}
	return false
}

// window records the words present in a clause, for skipping patterns
// whose literal words do not occur in it at all.
type window map[string]bool

func (d *doc) windowOf(i, end int) window {
	w := make(window, end-i+1)
	for k := i; k <= end; k++ {
		n := d.toks[k].Norm
		w[n] = true
		if sg := singular(n); sg != n {
			w[sg] = true
		}
		if strings.HasSuffix(n, "es") {
			w[n[:len(n)-2]] = true
		}
	}
	return w
}

// possible reports whether every literal of p has an alternative whose first
// word occurs in the window.
func (w window) possible(p *kb.Pattern) bool {
	for _, el := range p.Toks {
		if el.Kind != kb.PatWord {
			continue
		}
		ok := false
		for _, seq := range el.Seq {
			if w[seq[0]] {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// bestMatch tries every pattern of the lemmas at verb v.
func (d *doc) bestMatch(lemmas []string, v, end int) *match {
	var best *match
	var win window
	try := func(p *kb.Pattern) {
		if best != nil && p.Lits < best.lits || p.Lits > 0 && !win.possible(p) {
			return
		}
		m := &match{pat: p, target: -1, source: -1}
		if d.matchPattern(p.Toks, v+1, end, m) && (best == nil || m.lits > best.lits || m.lits == best.lits && moreSpecific(p, best.pat)) {
			m.objSearch = m.end + 1
			best = m
		}
	}
	for _, l := range lemmas {
		ix := d.kb.VerbIndex(l)
		if ix == nil {
			continue
		}
		if win == nil {
			win = d.windowOf(v+1, end)
		}
		// only the patterns whose first word occurs in the clause can match
		for w := range win {
			for _, p := range ix.ByWord[w] {
				try(p)
			}
		}
		for _, p := range ix.Bare {
			try(p)
		}
	}
	return best
}

// moreSpecific breaks ties between patterns with as many literal words: the
// one with more elements, then the one written first — so the result never
// depends on map order.
func moreSpecific(a, b *kb.Pattern) bool {
	if len(a.Toks) != len(b.Toks) {
		return len(a.Toks) > len(b.Toks)
	}
	return a.Where < b.Where
}

// denialStart returns the first token of a clause denied by a verb such as
// "rejected the notion that" or "denied that", or -1.
func (d *doc) denialStart(si int) int {
	s := d.sents[si]
	for k := s.First; k <= s.Last; k++ {
		if !d.lemmaIn(k, denialVerbs) {
			continue
		}
		for j := k + 1; j <= s.Last && j <= k+5; j++ {
			n := d.toks[j].Norm
			if n == "that" {
				return j + 1
			}
			if !(determiners[n] || denialNouns[n] || n == "out" || adverbs[n]) {
				break
			}
		}
	}
	return -1
}

// subjectOf finds the phrase acting as the subject of the verb group that
// starts at g, or -1.
func (d *doc) subjectOf(g int) int {
	cs := d.clauseStart(g)
	s := d.sents[d.sentOf[g]]
	// relative clause: "X, which/who VERB" → X
	if cs < g && (d.toks[cs].Norm == "who" || d.toks[cs].Norm == "which") && cs == g-1 {
		k := cs - 1
		if k >= s.First && d.toks[k].Text == "," {
			k--
		}
		if k >= s.First && d.apAt[k] >= 0 {
			return d.apAt[k]
		}
	}
	for k := g - 1; k >= cs; k-- {
		ap := d.apAt[k]
		if ap < 0 {
			continue
		}
		ph := d.aps[ap]
		k = ph.first
		if ph.dyad || len(ph.actors) == 0 {
			continue
		}
		if d.governed(ph) {
			continue
		}
		// an appositive "Pakistan, a key U.S. ally in the war, has refused":
		// the phrase before the comma is the subject
		if ph.group == nil && ph.first-2 >= cs && d.toks[ph.first-1].Text == "," {
			for k2 := ph.first - 2; k2 >= cs && k2 >= ph.first-4; k2-- {
				if prev := d.apAt[k2]; prev >= 0 {
					if pp := d.aps[prev]; pp.last == ph.first-2 && pp.group == nil && !d.governed(pp) && len(pp.actors) > 0 {
						return prev
					}
					break
				}
			}
		}
		return ap
	}
	return -1
}

// governed reports whether a phrase is the object of a preposition or of a
// verb (and so cannot be a subject). For a coordination the first member
// decides. Quantities before the phrase ("up to 16", "more than 1,000") are
// looked through; "after", "before", "since" … followed by a clause are
// conjunctions, not prepositions.
func (d *doc) governed(ph *phrase) bool {
	first := ph.first
	if ph.group != nil {
		first = d.aps[ph.group[0]].first
	}
	k := first - 1
	s := d.sents[ph.sent]
	for k >= s.First {
		t := &d.toks[k]
		if determiners[t.Norm] || adverbs[t.Norm] || t.Kind == lex.Number || numberWords[t.Norm] > 0 || approxWords[t.Norm] && t.Norm != "of" && t.Norm != "to" ||
			t.Norm == "to" && k > s.First && d.toks[k-1].Norm == "up" || t.Norm == "up" && k+1 <= s.Last && d.toks[k+1].Norm == "to" {
			k--
			continue
		}
		break
	}
	if k < s.First {
		return false
	}
	t := &d.toks[k]
	// "thousands of students", "a group of refugees": the quantity does not govern its head
	if t.Norm == "of" && k > s.First && quantityNouns[d.toks[k-1].Norm] {
		return false
	}
	if clauseOpeners[t.Norm] && d.verbFollows(ph) {
		return false
	}
	// "an air strike by a Jordanian warplane hit ...": the agent of a
	// nominal act that is itself the subject
	if t.Norm == "by" && k > s.First && d.nounTrigger(k-1) && d.verbFollows(ph) {
		return false
	}
	if prepositions[t.Norm] && t.Norm != "as" {
		return true
	}
	if len(d.verbLemmas(k)) > 0 && !objectless(d.lemmas(t.Norm)) || isAux(t) && !beForms[t.Norm] {
		return true // the object of a verb ("said" takes a clause, not an object)
	}
	return false
}

// nounTrigger reports whether token k is a noun with event patterns.
func (d *doc) nounTrigger(k int) bool {
	n := d.toks[k].Norm
	return len(d.kb.NounPatterns(n)) > 0 || len(d.kb.NounPatterns(singular(n))) > 0
}

// clauseOpeners are prepositions that also open clauses.
var clauseOpeners = set("after", "before", "since", "until", "as", "while", "when", "once", "because")

// verbFollows reports whether a verb follows a phrase (or its coordination)
// closely: the phrase is then a subject.
func (d *doc) verbFollows(ph *phrase) bool {
	last := ph.last
	if ph.group != nil {
		last = d.aps[ph.group[len(ph.group)-1]].last
	}
	for k := last + 1; k < len(d.toks) && k <= last+3; k++ {
		t := &d.toks[k]
		if isAux(t) || len(d.verbLemmas(k)) > 0 {
			return true
		}
		if !(adverbs[t.Norm] || negators[t.Norm]) {
			return false
		}
	}
	return false
}

// objectAfter returns the phrase directly after token i (a direct object), or -1.
func (d *doc) objectAfter(i, end int) int {
	for k := i; k <= end && k <= i+5; k++ {
		if ap := d.apAt[k]; ap >= 0 {
			if d.aps[ap].dyad {
				return -1
			}
			return ap
		}
		t := &d.toks[k]
		if t.Norm == "of" && k > i && quantityNouns[d.toks[k-1].Norm] {
			continue // "dozens of protesters"
		}
		if !(determiners[t.Norm] || t.Kind == lex.Number || adverbs[t.Norm] || approxWords[t.Norm] && t.Norm != "of" || numberWords[t.Norm] > 0) {
			return -1
		}
	}
	return -1
}

// byAgent returns the phrase after "by" following token i, for passives.
func (d *doc) byAgent(i, end int) int {
	for k := i; k <= end && k <= i+8; k++ {
		if d.toks[k].Norm == "by" {
			for j := k + 1; j <= end && j <= k+3; j++ {
				if ap := d.apAt[j]; ap >= 0 {
					return ap
				}
			}
			return -1
		}
	}
	return -1
}

type pending struct {
	src, tgt  []*intelcell.Actor
	code      string
	trigger   int
	spanFirst int
	spanLast  int
	negated   bool
	intent    bool
	pattern   string
	consumed  [2]int // tokens a verb pattern consumed, so noun triggers inside are not coded again
	violent   bool
	srcAP     int
	statement bool
	light     bool // a noun event whose source is the subject of a light verb
	// unknownSource: a violent act with a victim and no known perpetrator
	unknownSource bool
}

// sentenceEvents codes the verb and noun events of sentence si.
func (d *doc) sentenceEvents(si int) {
	s := d.sents[si]
	denied, deniedEnd := d.denialStart(si), -1
	if denied >= 0 {
		deniedEnd = d.clauseEnd(denied)
	}
	inDenial := func(k int) bool { return denied >= 0 && k >= denied && k <= deniedEnd }
	var out []pending
	intentHosts := map[int]bool{}
	unasserted := s.Last + 1 // tokens from here on are the content of a demand
	lastUnasserted := -1     // the last verb that was not asserted
	speaker := -1            // the subject of the sentence's reporting verb, once seen
	lastSubject := -1
	lastVerb := -1
	for v := s.First; v <= s.Last; v++ {
		lemmas := d.verbLemmas(v)
		if len(lemmas) == 0 {
			continue
		}
		g := d.group(v)
		end := d.clauseEnd(v)
		m := d.bestMatch(lemmas, v, end)
		if m == nil || m.pat.Code == "---" {
			continue
		}
		if g.obligation && speaker >= 0 && !g.unasserted && v < unasserted {
			// "Russia said that Sudan must return the helicopter": the
			// speaker demands it of the clause's subject
			if subj := d.subjectOf(g.start); subj >= 0 && subj != speaker {
				code := "100"
				if d.toks[g.start].Norm == "should" {
					code = "020"
				}
				p := pending{code: code, trigger: v, pattern: "X said Y must Z", srcAP: speaker,
					src: d.aps[speaker].actorsOrGroup(d), tgt: d.aps[subj].actorsOrGroup(d),
					spanFirst: min(d.aps[speaker].first, g.start), spanLast: max(m.end, d.aps[speaker].last)}
				out = append(out, p)
			}
			continue
		}
		if g.unasserted || g.obligation || g.speculative && !g.negated || v >= unasserted {
			lastUnasserted = v
			continue
		}
		if lastUnasserted >= 0 && strings.HasSuffix(d.toks[v].Norm, "ing") && d.participial(v) && d.coordinatedVerbs(lastUnasserted, g.start) {
			// "accused Russia of shelling ..., killing three": part of what is
			// alleged, not an act of the sentence's subject
			continue
		}
		// ", killing four people and wounding seven": the toll of the act
		// just coded, not a new event
		if r := cameo.Root(m.pat.Code); (r == "18" || r == "19" || r == "20") && strings.HasSuffix(d.toks[v].Norm, "ing") && d.participial(v) {
			violentBefore := false
			for _, q := range out {
				violentBefore = violentBefore || q.violent
			}
			if violentBefore && d.casualtyVerb(v) {
				continue
			}
		}
		if root := cameo.Root(m.pat.Code); (root == "02" || root == "10") && unasserted > v {
			// "demanded that the US cancel ...": what is demanded is not an event
			for k := m.end + 1; k <= s.Last && k <= m.end+4; k++ {
				if d.toks[k].Norm == "that" {
					unasserted = k
				}
			}
		}
		code := m.pat.Code
		// subject: explicit slot, grammatical subject, intent host's subject,
		// or the subject of the previous coordinated verb
		subj := m.source
		if subj < 0 {
			start := g.start
			subj = d.subjectOf(start)
		}
		if subj < 0 && lastSubject >= 0 && lastVerb >= 0 && d.coordinatedVerbs(lastVerb, g.start) {
			subj = lastSubject
		}
		obj := m.target
		if obj < 0 && !objectless(lemmas) {
			obj = d.objectAfter(m.objSearch, end)
			if obj >= 0 && d.toks[m.objSearch-1].Kind == lex.Word && prepositions[d.toks[m.objSearch-1].Norm] && m.lits == 0 {
				obj = -1
			}
			if obj < 0 && m.lits == 0 {
				obj = d.sharedObject(m.objSearch, end)
			}
			if obj < 0 && m.lits > 0 && !prepositions[d.toks[min(v+1, end)].Norm] {
				// the object before the pattern's words: "rejected an Indian
				// proposal for a free trade agreement", "give Tanzania a grant"
				if o := d.objectAfter(v+1, end); o >= 0 && d.aps[o].last < m.end {
					obj = o
				}
			}
		}
		if obj >= 0 && d.aps[obj].agentOnly && m.target < 0 {
			// "sent troops to Yemen": the destination, not one's own troops
			last := d.aps[obj].last
			for k := last + 1; k <= end && k <= last+2; k++ {
				if n := d.toks[k].Norm; n == "to" || n == "into" {
					if dest := d.objectAfter(k+1, end); dest >= 0 && !d.aps[dest].agentOnly {
						obj = dest
					}
					break
				}
			}
		}
		if obj < 0 && !g.passive {
			obj = d.thatClauseSubject(m.end+1, end, cameo.Root(code))
		}
		if r := cameo.Root(code); obj < 0 && !g.passive && (r == "02" || r == "10") {
			// "demanded an immediate admission by Moscow": the one asked
			obj = d.byAgent(m.end+1, min(end, m.end+6))
		}
		if !g.passive && g.start == v && v > s.First && strings.HasSuffix(d.toks[v].Norm, "ed") && d.reducedPassive(v, end) {
			// "a deal brokered by China": a past participle after a noun with
			// a by-agent is a passive
			g.passive = true
		}
		if g.passive {
			by := d.byAgent(m.end+1, end)
			if m.target < 0 {
				obj = subj
				subj = by
			} else if by >= 0 {
				subj = by
			}
		}
		if g.intentOf >= 0 {
			intentHosts[g.intentOf] = true
		}
		intent := g.intent || g.threat
		negated := g.negated || g.denied || inDenial(v)
		if !cameo.IsConflict(code) && (g.denied || g.negated && (g.intent || g.modal) && !inDenial(v)) {
			// "refused to meet", "declined to resign", "will not accept": a
			// rejection (CAMEO 12x), which did happen
			code, intent, negated = cameo.Reject(code), false, false
		} else if intent && d.conditional(v, end) {
			// "will withdraw its force unless ...": a threat
			code, intent = cameo.Threat(code), true
		} else if intent {
			code = cameo.Intent(code)
		}
		if subj < 0 && !g.passive && cameo.IsConflict(code) && d.violentNounSubject(g.start) {
			// "A roadside bombing near Samarra killed one U.S. soldier": the
			// perpetrator is unknown, the victim is not
			subj = -2
		}
		p := pending{code: code, trigger: v, negated: negated,
			intent: intent, pattern: m.pat.Text, consumed: [2]int{v, m.end}, srcAP: subj}
		p.spanFirst, p.spanLast = g.start, m.end
		if subj >= 0 {
			p.src = d.aps[subj].actorsOrGroup(d)
			p.spanFirst = min(p.spanFirst, d.aps[subj].first)
		} else if subj == -2 {
			p.unknownSource = true
		}
		if obj >= 0 {
			p.tgt = d.aps[obj].actorsOrGroup(d)
			last := d.aps[obj].last
			if gr := d.aps[obj].group; gr != nil {
				last = d.aps[gr[len(gr)-1]].last
			}
			p.spanLast = max(p.spanLast, last)
		}
		root := cameo.Root(code)
		p.violent = root == "18" || root == "19" || root == "20"
		p.statement = root == "01"
		out = append(out, p)
		if subj >= 0 && speaker < 0 && d.isSpeechVerb(v) {
			speaker = subj
		}
		if subj >= 0 {
			lastSubject, lastVerb = subj, v
		}
	}
	// an intent verb whose embedded act was coded is not an event of its own
	kept := out[:0]
	for _, p := range out {
		if intentHosts[p.trigger] {
			continue
		}
		kept = append(kept, p)
	}
	out = kept
	out = append(out, d.nounEvents(si, out, inDenial)...)
	d.emit(si, out)
}

// thatClauseSubject: for appeals, demands, accusations, rejections and
// threats, "demanded that the US cancel ..." targets the subject of the
// complement clause.
func (d *doc) thatClauseSubject(i, end int, root string) int {
	switch root {
	case "02", "10", "11", "12", "13":
	default:
		return -1
	}
	for k := i; k <= end && k <= i+4; k++ {
		if d.toks[k].Norm == "that" {
			if ap := d.objectAfter(k+1, end); ap >= 0 && !d.aps[ap].dyad {
				return ap
			}
			return -1
		}
		if d.toks[k].Kind == lex.Punct {
			return -1
		}
	}
	return -1
}

// objectless reports whether all lemmas are speech verbs without objects.
func objectless(lemmas []string) bool {
	for _, l := range lemmas {
		if !objectlessVerbs[l] {
			return false
		}
	}
	return len(lemmas) > 0
}

// sharedObject finds the object of a coordinated verb that shares it:
// "training and advising Iraqi forces" gives "training" the object of
// "advising".
func (d *doc) sharedObject(i, end int) int {
	if i > end || !(d.toks[i].Norm == "and" || d.toks[i].Norm == "or" || d.toks[i].Norm == ",") {
		return -1
	}
	v := i + 1
	if v <= end && (d.toks[v].Norm == "and" || d.toks[v].Norm == "or") {
		v++
	}
	if v > end || len(d.kb.Lemmas(d.toks[v].Norm)) == 0 || d.apAt[v] >= 0 {
		return -1
	}
	return d.objectAfter(v+1, end)
}

// conditional reports whether the clause of v states a condition ("unless",
// "if") after the verb.
func (d *doc) conditional(v, end int) bool {
	s := d.sents[d.sentOf[v]]
	for k := v + 1; k <= s.Last; k++ {
		if n := d.toks[k].Norm; n == "unless" || n == "if" && k > end {
			return true
		}
	}
	return false
}

// violentNounSubject reports whether the clause before g starts with a
// violent nominal act ("A roadside bombing near X", "An explosion").
func (d *doc) violentNounSubject(g int) bool {
	cs := d.clauseStart(g)
	for k := cs; k < g && k <= cs+4; k++ {
		n := d.toks[k].Norm
		for _, p := range append(d.kb.NounPatterns(n), d.kb.NounPatterns(singular(n))...) {
			if r := cameo.Root(p.Code); len(p.Toks) == 0 && (r == "18" || r == "19" || r == "20") {
				return true
			}
		}
		if n == "explosion" || n == "blast" {
			return true
		}
	}
	return false
}

// participial reports whether the -ing verb at v opens a participle clause
// after a comma ("..., killing four") or continues one ("... and wounding").
func (d *doc) participial(v int) bool {
	for k := v - 1; k >= 0 && k >= v-8; k-- {
		n := d.toks[k].Norm
		if n == "," {
			return true
		}
		if n == "." || n == ";" {
			return false
		}
	}
	return false
}

// casualtyVerb: kill, wound, injure and the like.
func (d *doc) casualtyVerb(v int) bool {
	n := d.toks[v].Norm
	return killWords[n] || woundWords[n]
}

// reducedPassive reports whether the participle at v follows a noun (not a
// subject that could act) and is followed by a "by" phrase.
func (d *doc) reducedPassive(v, end int) bool {
	p := &d.toks[v-1]
	if p.Kind != lex.Word || d.apAt[v-1] >= 0 || isAux(p) || pronouns[p.Norm] || len(d.lemmas(p.Norm)) > 0 {
		return false
	}
	return d.byAgent(v+1, min(end, v+3)) >= 0
}

// coordinatedVerbs reports whether the verb at b shares the subject of the
// verb at a: only commas, "and", "as well as", objects and adverbials
// between, no new clause.
func (d *doc) coordinatedVerbs(a, b int) bool {
	sawConj := false
	for k := a + 1; k < b; k++ {
		t := &d.toks[k]
		if t.Text == ";" || t.Text == ":" || t.Kind == lex.Quote {
			return false
		}
		if t.Kind == lex.Word && (subordinators[t.Norm] && t.Norm != "as" && t.Norm != "after" && t.Norm != "before") {
			return false
		}
		if t.Norm == "and" || t.Norm == "," || t.Norm == "as" || t.Norm == "or" {
			sawConj = true
		}
	}
	return sawConj
}

// nounEvents codes nominal triggers: "airstrikes against IS", "the
// Kerry-Lavrov meeting", "an air strike by an Iraqi warplane".
func (d *doc) nounEvents(si int, verbs []pending, inDenial func(int) bool) []pending {
	s := d.sents[si]
	var out []pending
	for k := s.First; k <= s.Last; k++ {
		t := &d.toks[k]
		if t.Kind != lex.Word {
			continue
		}
		if d.mentAt[k] >= 0 {
			continue // "Amnesty International" is a name, not an amnesty
		}
		consumed := false
		for _, p := range verbs {
			consumed = consumed || k >= p.consumed[0] && k <= p.consumed[1]
		}
		if consumed || len(d.verbLemmas(k)) > 0 && d.nounReading(k) == false {
			continue
		}
		pats := d.kb.NounPatterns(t.Norm)
		if sg := singular(t.Norm); sg != t.Norm {
			pats = append(pats, d.kb.NounPatterns(sg)...)
		}
		if len(pats) == 0 {
			continue
		}
		end := d.clauseEnd(k)
		var best *match
		headEnd := -1
		for _, p := range pats {
			he := d.matchHead(p.Head, k)
			if he < 0 {
				continue
			}
			m := &match{pat: p, target: -1, source: -1}
			if d.matchPattern(p.Toks, he+1, end, m) && (best == nil || m.lits > best.lits || m.lits == best.lits && he > headEnd) {
				best, headEnd = m, he
			}
		}
		if best == nil || best.pat.Code == "---" {
			continue
		}
		if d.modifiesAgent(headEnd) {
			continue // "truce monitors", "aid workers", "peace envoy"
		}
		p := pending{code: best.pat.Code, trigger: k, pattern: best.pat.Text, srcAP: -1,
			negated: inDenial(k), spanFirst: k, spanLast: max(best.end, headEnd)}
		// source and target from the phrase the noun heads or follows
		ap := d.apAt[k]
		if ap < 0 && k > s.First {
			if pa := d.apAt[k-1]; pa >= 0 {
				ap = pa
			}
		}
		if ap >= 0 && d.aps[ap].first < k {
			ph := d.aps[ap]
			p.spanFirst = ph.first
			if ph.dyad && len(ph.actors) >= 2 {
				for a := 0; a < len(ph.actors); a++ {
					for b := a + 1; b < len(ph.actors); b++ {
						q := p
						q.src, q.tgt = ph.actors[a:a+1], ph.actors[b:b+1]
						out = append(out, d.finishNoun(q))
					}
				}
				k = headEnd
				continue
			}
			p.src = ph.actors
			p.srcAP = ap
		}
		if best.source >= 0 {
			p.src = d.aps[best.source].actorsOrGroup(d)
		}
		if r := cameo.Root(p.code); p.src == nil && headEnd+1 <= end && d.toks[headEnd+1].Norm == "from" && (r == "18" || r == "19" || r == "20" || r == "11" || r == "13") {
			if from := d.objectAfter(headEnd+2, end); from >= 0 {
				p.src = d.aps[from].actorsOrGroup(d)
			}
		}
		if p.src == nil {
			if by := d.byAgent(headEnd+1, min(end, headEnd+3)); by >= 0 {
				p.src = d.aps[by].actorsOrGroup(d)
				p.spanLast = max(p.spanLast, d.aps[by].last)
			}
		}
		if p.src == nil {
			// object of a light verb: "conducting airstrikes", "held talks"
			for j := k - 1; j >= s.First && j >= k-4; j-- {
				if d.toks[j].Kind == lex.Word && prepositions[d.toks[j].Norm] || d.toks[j].Kind == lex.Punct {
					break // "put on hold amid attacks": not the light verb's object
				}
				if d.lemmaIn(j, lightVerbs) {
					g := d.group(j)
					if subj := d.subjectOf(g.start); subj >= 0 {
						p.light = true
						p.src = d.aps[subj].actorsOrGroup(d)
						p.spanFirst = min(g.start, d.aps[subj].first)
						p.negated = p.negated || g.negated
						if g.intent || g.threat {
							p.intent = true
							p.code = cameo.Intent(p.code)
						}
					}
					break
				}
			}
		}
		if p.src == nil && headEnd+2 <= end && d.toks[headEnd+1].Norm == "between" {
			// "clashes between Turkish troops and Kurdish militants"
			if a := d.objectAfter(headEnd+2, end); a >= 0 && d.aps[a].group != nil && len(d.aps[a].group) == 2 {
				g := d.aps[a].group
				p.src, p.tgt = d.aps[g[0]].actors, d.aps[g[1]].actors
				p.light = true
				p.spanLast = max(p.spanLast, d.aps[g[1]].last)
			}
		}
		if p.tgt != nil {
		} else if best.target >= 0 {
			p.tgt = d.aps[best.target].actorsOrGroup(d)
			p.spanLast = max(p.spanLast, d.aps[best.target].last)
		} else {
			for j := headEnd + 1; j <= end && j <= headEnd+2; j++ {
				n := d.toks[j].Norm
				if n == "against" || n == "on" || n == "targeting" || n == "with" || n == "at" || n == "between" {
					if obj := d.objectAfter(j+1, end); obj >= 0 {
						p.tgt = d.aps[obj].actorsOrGroup(d)
						p.spanLast = max(p.spanLast, d.aps[obj].last)
					}
					break
				}
			}
		}
		// a nominal event needs both sides: "the ISIS war" alone codes nothing
		if p.src != nil && (p.tgt != nil || p.light) {
			out = append(out, d.finishNoun(p))
		}
		k = headEnd
	}
	return out
}

func (d *doc) finishNoun(p pending) pending {
	root := cameo.Root(p.code)
	p.violent = root == "18" || root == "19" || root == "20"
	p.consumed = [2]int{p.trigger, p.trigger}
	return p
}

// modifiesAgent reports whether the word after k is an agent word, so the
// noun at k only modifies it.
func (d *doc) modifiesAgent(k int) bool {
	if k+1 >= len(d.toks) {
		return false
	}
	a, _ := d.agentAt(k + 1)
	return a != nil
}

// nounReading reports whether an ambiguous word (attack, strike, talks)
// reads as a noun at k: after a determiner, a number, a possessive or a
// modifier inside a noun phrase.
func (d *doc) nounReading(k int) bool {
	if k == d.sents[d.sentOf[k]].First {
		// "Clashes between ...", "Talks with ..." opening a sentence
		return k+1 < len(d.toks) && prepositions[d.toks[k+1].Norm] && d.toks[k+1].Norm != "to"
	}
	p := &d.toks[k-1]
	if determiners[p.Norm] || p.Kind == lex.Number || p.Norm == "'s" || d.isHyphen(k-1) {
		return true
	}
	if ap := d.apAt[k-1]; ap >= 0 && d.apAt[k] == ap {
		return true
	}
	if !isAux(p) && !pronouns[p.Norm] && p.Kind == lex.Word && d.apAt[k-1] < 0 && !prepositions[p.Norm] && p.Norm != "to" && len(d.kb.Lemmas(p.Norm)) == 0 {
		return true // an adjective: "deadly attack", "fresh talks"
	}
	return false
}

// matchHead matches a noun pattern's head words at k (the last may be
// plural) and returns the last token, or -1.
func (d *doc) matchHead(head []string, k int) int {
	j := k
	for i, w := range head {
		for i > 0 && j < len(d.toks) && d.isHyphen(j) {
			j++
		}
		if j >= len(d.toks) {
			return -1
		}
		n := d.toks[j].Norm
		if n != w && !(i == len(head)-1 && singular(n) == w) {
			return -1
		}
		j++
	}
	return j - 1
}

// singular strips a regular plural ending.
func singular(w string) string {
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ses") || strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && len(w) > 3:
		return w[:len(w)-1]
	}
	return w
}

// emit turns pending events into Document events: one per source-target pair,
// dropping incomplete events (except statements), self-directed events and
// duplicates.
func (d *doc) emit(si int, ps []pending) {
	seen := map[string]bool{}
	for _, p := range ps {
		srcs, tgts := p.src, p.tgt
		root := cameo.Root(p.code)
		if c := d.locationOf(si, p.trigger); c != "" {
			// "police arrested protesters in Moscow": actors named only by
			// their role belong to the country where the event happens
			srcs, tgts = localiseAll(srcs, c), localiseAll(tgts, c)
		}
		if len(srcs) == 0 && p.unknownSource && len(tgts) > 0 {
			srcs = []*intelcell.Actor{nil}
		}
		if len(srcs) == 0 {
			continue
		}
		if len(tgts) == 0 && len(srcs) > 1 && reciprocal[root] {
			// "The United States and Jordan have agreed": each with the other
			for a := range srcs {
				for b := range srcs {
					if a != b && srcs[a].Code != srcs[b].Code {
						d.addEvent(si, p, srcs[a], srcs[b], seen)
					}
				}
			}
			continue
		}
		if root == "01" && len(tgts) == 1 && tgts[0] != nil && tgts[0].Kind == intelcell.KindSector {
			tgts = nil // "briefed reporters": an audience, not a target
		}
		if len(tgts) == 0 {
			// an act with no target ("rebels surrendered", "thousands
			// protested") is still an event
			tgts = []*intelcell.Actor{nil}
		}
		for _, s := range srcs {
			for _, t := range tgts {
				if s == nil {
					if t != nil && t.Kind != intelcell.KindSector {
						d.addEvent(si, p, nil, t, seen)
					}
					continue
				}
				if t != nil && (s.Code == t.Code && s.Name == t.Name) {
					continue
				}
				if s.Kind == intelcell.KindSector && (t == nil || t.Kind == intelcell.KindSector) && root != "01" {
					continue // "officials met reporters": no coded actor
				}
				d.addEvent(si, p, s, t, seen)
			}
		}
	}
}

// reciprocal roots: a coordinated subject with no target acts on itself
// ("Hamas and Fatah clashed", "the two sides agreed").
var reciprocal = map[string]bool{"03": true, "04": true, "05": true, "06": true, "19": true}

func (d *doc) addEvent(si int, p pending, s, t *intelcell.Actor, seen map[string]bool) {
	key := "-|" + cameo.Root(p.code)
	if s != nil {
		key = s.Code + "|" + s.Name + "|" + cameo.Root(p.code)
	}
	if t != nil {
		key += "|" + t.Code + "|" + t.Name
	}
	if seen[key] {
		return
	}
	seen[key] = true
	d.events = append(d.events, d.makeEvent(si, p, s, t))
}

func (d *doc) makeEvent(si int, p pending, s, t *intelcell.Actor) intelcell.Event {
	c, _ := cameo.Lookup(p.code)
	place := d.placeFor(si, p.trigger)
	e := intelcell.Event{
		Source: s, Target: t, Cameo: p.code, Plover: c.Plover, Goldstein: c.Goldstein, QuadClass: c.QuadClass,
		Negated: p.negated, Intent: p.intent, Date: d.dateOf(si),
		Span:    intelcell.Span{Start: d.toks[p.spanFirst].Start, End: d.toks[p.spanLast].End},
		Trigger: intelcell.Span{Start: d.toks[p.trigger].Start, End: d.toks[p.trigger].End},
		Pattern: p.pattern,
	}
	e.Place = place
	return e
}

func localiseAll(as []*intelcell.Actor, country string) []*intelcell.Actor {
	out := make([]*intelcell.Actor, len(as))
	for i, a := range as {
		out[i] = localise(a, country)
	}
	return out
}

// localise gives a sector actor (a role with no country) a country.
func localise(a *intelcell.Actor, country string) *intelcell.Actor {
	if a == nil || a.Kind != intelcell.KindSector || len(a.Code) != 3 {
		return a
	}
	b := *a
	b.Code = country + a.Code
	b.Country = &country
	b.ID = country + ":" + a.Code
	b.Kind = intelcell.KindState
	return &b
}
