package extract

import (
	"strings"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/cameo"
	"github.com/intelcell/intelcell/lex"
)

// Nominal event triggers: "airstrikes against IS", "the Kerry-Lavrov
// meeting", "an air strike by an Iraqi warplane".

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
		if (p.src == nil || p.srcAP >= 0 && d.aps[p.srcAP].agentOnly) && headEnd+2 <= end && d.toks[headEnd+1].Norm == "between" {
			// "clashes between Turkish troops and Kurdish militants"; "the
			// military conflict between Armenia and Azerbaijan": the pair
			// after "between", not the role word that describes the noun
			if a := d.objectAfter(headEnd+2, end); a >= 0 && d.aps[a].group != nil && len(d.aps[a].group) == 2 {
				g := d.aps[a].group
				p.src, p.tgt, p.srcAP = d.aps[g[0]].actors, d.aps[g[1]].actors, g[0]
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
		if r := cameo.Root(p.code); r == "19" && singular(t.Norm) == "strike" && labourActors(p.src) {
			// "workers ... on the first day of an open-ended strike": a
			// strike by workers or students is a labour strike (CAMEO 143)
			p.code = "143"
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

// labourActors reports whether the actors are workers, students or farmers.
func labourActors(as []*intelcell.Actor) bool {
	for _, a := range as {
		if a != nil && (strings.HasSuffix(a.Code, "LAB") || strings.HasSuffix(a.Code, "EDU") || strings.HasSuffix(a.Code, "AGR")) {
			return true
		}
	}
	return false
}

// modifiesAgent reports whether the word after k is an agent word, so the
// noun at k only modifies it.
func (d *doc) modifiesAgent(k int) bool {
	if k+1 >= len(d.toks) {
		return false
	}
	a, _ := d.agentAt(k + 1)
	return a != nil || modifiedHeads[d.toks[k+1].Norm]
}

// modifiedHeads are nouns that an event noun before them only describes:
// "truce monitors", "aid convoys", "ceasefire line", "strike deadline".
var modifiedHeads = set("monitor", "monitors", "observer", "observers", "convoy", "convoys", "worker", "workers",
	"inspector", "inspectors", "agency", "agencies", "envoy", "envoys", "negotiator", "negotiators", "team", "teams",
	"line", "lines", "zone", "zones", "deadline", "deadlines", "commission", "committee", "mechanism", "violation",
	"violations", "talks")

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
