package extract

import (
	"strings"

	"github.com/intelcell/intelcell/kb"
	"github.com/intelcell/intelcell/lex"
)

// Matching the knowledge base's event patterns against a clause.

// match is one pattern matched at a trigger.
type match struct {
	pat       *kb.Pattern
	end       int // last token the pattern consumed
	target    int // phrase index in the target slot, or -1
	source    int // phrase index in the source slot, or -1
	lits      int
	objSearch int // where to look for a direct object when the pattern has no slot
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
			if k > i && d.skipBarrier(k-1) {
				break
			}
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

// skipBarrier reports whether a pattern's "*" may not skip token k because
// a new clause starts there: "announced on Monday that he will withdraw
// weapons", "announced it would prohibit all aid", "arrested 20 students as
// the opposition threatened".
func (d *doc) skipBarrier(k int) bool {
	t := &d.toks[k]
	if t.Kind != lex.Word {
		return t.Text == ";" || t.Text == ":"
	}
	switch n := t.Norm; {
	case n == "that" || n == "which" || n == "who" || n == "whom" || n == "whose" || n == "unless" || n == "if" ||
		n == "because" || n == "although" || n == "though" || n == "whereas" || n == "while":
		return !(n == "that" && d.apAt[k] >= 0)
	case modals[n] || n == "he" || n == "she" || n == "they" || n == "we":
		return true
	case n == "it":
		return k+1 < len(d.toks) && isAux(&d.toks[k+1])
	case clauseConjunctions[n] || n == "as":
		return d.clauseFollows(k)
	}
	return false
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
