package extract

import (
	"strings"

	"github.com/intelcell/intelcell/kb"
	"github.com/intelcell/intelcell/lex"
)

// Verb groups: which words are verbs here, their auxiliaries, negation,
// modality, voice, and the intent or refusal they sit under.

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
	// preparing: under "prepared to" used as a verb ("the army prepared to
	// attack"): a violent act prepared is a mobilisation of force
	preparing bool
	// unasserted: a purpose infinitive or a gerund after a preposition ("to
	// avoid", "for signing", "aimed at ending"): not stated as happening
	unasserted bool
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
		// "faced terrorist attacks", "Rebel raid kills five": after a
		// singular role word with no determiner, a base or -s form is a
		// noun the role word modifies
		if ap := d.apAt[k-1]; ap >= 0 && d.aps[ap].last == k-1 && d.aps[ap].agentOnly && !d.aps[ap].plural &&
			!determiners[d.toks[d.aps[ap].first].Norm] && !strings.HasSuffix(t.Norm, "ed") && !strings.HasSuffix(t.Norm, "ing") &&
			(strings.HasSuffix(t.Norm, "s") || contains(ls, t.Norm)) {
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
		if lem != "" && !intentAdjectives[t.Norm] && d.nounUse(o) {
			// "rejected a US offer to host a summit", "plans to sell arms":
			// what a noun proposes is not stated as happening
			g.unasserted = true
			lem = ""
		}
		if lem != "" {
			og := d.group(o)
			g.intentOf = o
			g.negated = g.negated || og.negated
			g.modal = g.modal || og.modal
			switch lem {
			case "refuse", "decline", "fail", "unwilling", "reluctant":
				g.denied = true
			case "unable":
				g.unasserted = true // "was unable to verify": nothing was done
			case "threaten", "vow", "warn", "swear":
				g.threat = true
			case "prepare":
				// "the army prepared to resume shelling": readying force,
				// not a statement; "is prepared to talk" is a willingness
				g.intent = true
				g.preparing = o > s.First && !beForms[d.toks[o-1].Norm]
			case "seem", "appear", "try", "attempt", "move", "continue", "begin", "start", "resume", "proceed", "keep", "go", "manage",
				"able", "going", "set", "poised", "due", "likely", "expect", "about", "decide":
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

// nounUse reports whether the word at k (an intent word such as "offer",
// "plan", "attempt", "bid") is used as a noun: after a determiner, a
// possessive or an adjective, or after a name or demonym that modifies it
// ("a US offer", "the Russian proposal").
func (d *doc) nounUse(k int) bool {
	n := d.toks[k].Norm
	if strings.HasSuffix(n, "ed") || strings.HasSuffix(n, "ing") || k == 0 {
		return false
	}
	if d.nounReading(k) {
		return true
	}
	ap := d.apAt[k-1]
	if ap < 0 || d.apAt[k] >= 0 {
		return false
	}
	ph := d.aps[ap]
	if !determiners[d.toks[ph.first].Norm] {
		return false
	}
	mi := d.mentAt[k-1]
	return mi >= 0 && !(d.ments[mi].form == kb.FormDemonym && d.peopleDemonym(mi))
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

// objectless reports whether all lemmas are speech verbs without objects.
func objectless(lemmas []string) bool {
	for _, l := range lemmas {
		if !objectlessVerbs[l] {
			return false
		}
	}
	return len(lemmas) > 0
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
