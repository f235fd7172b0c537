package extract

import (
	"strings"

	"github.com/intelcell/intelcell"
)

// References: pronouns and definite descriptions pointed at earlier phrases.

// resolveReferences points pronouns ("he", "they") and definite
// descriptions ("the official", "the militant group") at the nearest earlier
// compatible phrase.
func (d *doc) resolveReferences() {
	for k, ph := range d.aps {
		switch {
		case ph.pronoun != "":
			// people are referred back to mostly as subjects: prefer an
			// antecedent that is not the object of a preposition
			subjectLike := func(o *phrase) bool { return !d.prepBefore(o) }
			if ref := d.antecedent(k, func(o *phrase) bool {
				if (ph.pronoun == "he" || ph.pronoun == "she") && !subjectLike(o) && d.antecedent(k, func(o2 *phrase) bool {
					return o2.person && len(o2.actors) == 1 && subjectLike(o2)
				}) != nil {
					return false
				}
				switch ph.pronoun {
				case "he", "she":
					return o.person && len(o.actors) == 1 && !o.plural
				case "they":
					return !o.person && (o.plural || o.group != nil || len(o.actors) > 0 && (o.actors[0].Kind == intelcell.KindGroup || o.actors[0].Kind == intelcell.KindState))
				default: // it
					return !o.person && !o.plural && len(o.actors) == 1 && o.actors[0].Kind != intelcell.KindSector
				}
			}); ref != nil {
				ph.actors = ref.actorsOrGroup(d)
				ph.person = ref.person
			}
		case ph.agentOnly && ph.definite && !ph.plural:
			// "the militant group", "the official" refer back; plural roles
			// ("the rebels") are usually generic
			code := ph.agent
			if ref := d.antecedent(k, func(o *phrase) bool {
				if o.agentOnly || len(o.actors) != 1 || o.person && !ph.person {
					// "the court", "the council" never refer back to a person
					return false
				}
				a := o.actors[0]
				if code == "REB" || code == "INS" || code == "UAF" || code == "SEP" {
					return a.Kind == intelcell.KindGroup
				}
				return strings.HasSuffix(a.Code, code) && a.CountryCode() != ""
			}); ref != nil {
				ph.actors = []*intelcell.Actor{ref.actors[0]}
				ph.agentOnly = false
			}
		}
	}
}

// prepBefore reports whether a preposition directly precedes a phrase.
func (d *doc) prepBefore(o *phrase) bool {
	k := o.first - 1
	for k >= 0 && determiners[d.toks[k].Norm] {
		k--
	}
	return k >= 0 && prepositions[d.toks[k].Norm]
}

// antecedent finds the nearest phrase before k, within three sentences, that
// satisfies ok.
func (d *doc) antecedent(k int, ok func(*phrase) bool) *phrase {
	ph := d.aps[k]
	for o := k - 1; o >= 0; o-- {
		c := d.aps[o]
		if ph.sent-c.sent > 3 {
			break
		}
		if c.pronoun != "" && len(c.actors) == 0 || c.dyad {
			continue
		}
		if len(c.actors) > 0 && ok(c) {
			return c
		}
	}
	return nil
}

// actorsOrGroup returns the actors of a phrase, or of its whole coordination.
func (ph *phrase) actorsOrGroup(d *doc) []*intelcell.Actor {
	if ph.group == nil {
		return ph.actors
	}
	var out []*intelcell.Actor
	for _, k := range ph.group {
		out = append(out, d.aps[k].actors...)
	}
	return out
}
