package extract

import "github.com/intelcell/intelcell/lex"

// Clause structure without a parser: where a clause starts and ends,
// which phrase is a verb's subject or object, coordination of verbs.

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
	bg := d.backgroundOf(d.sentOf[i])
	for k := i - 1; k >= s.First; k-- {
		t := &d.toks[k]
		if bg[k-s.First] && !bg[i-s.First] {
			continue // "Hamas, which Israel accuses of terrorism, attacked": the relative clause is inside the main one
		}
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
	bg := d.backgroundOf(d.sentOf[g])
	for k := g - 1; k >= cs; k-- {
		ap := d.apAt[k]
		if ap < 0 {
			continue
		}
		ph := d.aps[ap]
		if bg[ph.last-s.First] && !bg[g-s.First] {
			// "Hamas, which advocates Israel's destruction, ran": the
			// relative clause's phrases are not the main verb's subject
			k = ph.first
			continue
		}
		k = ph.first
		if ph.dyad || len(ph.actors) == 0 {
			continue
		}
		if d.governed(ph) {
			continue
		}
		if ph.agentOnly && ph.last+1 < g && d.eventNounAt(ph.last+1) {
			// "the latest military conflict killed 50": the role word only
			// describes the event noun that is the subject
			return -1
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
			if d.relativeThat(k) {
				return -1 // "demanded an admission by Moscow that ...": the noun's complement
			}
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

// eventNounAt reports whether token k is a lower-case word that heads a
// nominal event ("conflict", "shooting", "crackdown").
func (d *doc) eventNounAt(k int) bool {
	t := &d.toks[k]
	return t.Kind == lex.Word && t.IsLower() && len(d.kb.NounPatterns(singular(t.Norm))) > 0
}
