package extract

import (
	"strconv"
	"strings"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/cameo"
	"github.com/intelcell/intelcell/kb"
	"github.com/intelcell/intelcell/lex"
)

// findEvents codes the events of every sentence.
func (d *doc) findEvents() {
	for si := range d.sents {
		d.sentenceEvents(si)
	}
	d.attachCasualties()
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
	// bare: a cooperative act (cooperativeRoots) or a polysemous verb
	// (polysemousVerbs) coded by a verb's default pattern alone, no word of the pattern beyond the verb ("received",
	// "contributed"), and neither an intent nor followed by what is offered
	// or agreed ("offered to hand over")
	bare bool
	// bare19: "attack" or "assail" alone, which politicians do with words
	bare19 bool
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
			if gr := d.aps[obj].group; gr != nil {
				last = d.aps[gr[len(gr)-1]].last
			}
			for k := last + 1; k <= end && k <= last+2; k++ {
				if n := d.toks[k].Norm; n == "to" || n == "into" {
					if dest := d.objectAfter(k+1, end); dest >= 0 && !d.aps[dest].agentOnly {
						obj = dest
					}
					break
				}
			}
		}
		if code == "041" && m.target >= 0 && d.namingCall(m.target, end) {
			continue // "called the governor's plan a disaster": naming, not a telephone call
		}
		if obj < 0 && !g.passive {
			obj = d.thatClauseSubject(m.end+1, end, cameo.Root(code))
		}
		if r := cameo.Root(code); obj < 0 && !g.passive && (r == "02" || r == "10") {
			// "demanded an immediate admission by Moscow": the one asked
			obj = d.byAgent(m.end+1, min(end, m.end+6))
		}
		if r := cameo.Root(code); obj < 0 && !g.passive && r == "12" {
			// "rejected recent calls by Belarus's rulers", "dismissed an
			// appeal from the president": the one who asked
			obj = d.requester(m.end+1, end)
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
		} else if r := cameo.Root(code); g.preparing && !negated && (r == "18" || r == "19" || r == "20") {
			// "the army prepared to resume shelling": an increase of
			// military alert (CAMEO 152), not a threat
			code, intent = "152", false
		} else if intent && d.conditional(v, end) {
			// "will withdraw its force unless ...": a threat
			code, intent = cameo.Threat(code), true
		} else if intent {
			code = cameo.Intent(code)
		}
		if (code == "042" || code == "044") && subj >= 0 && d.peacekeepers(subj) {
			// "NATO peacekeeping troops arrived in Bosnia": a deployment of
			// peacekeepers (CAMEO 074), not a visit
			code = "074"
		}
		if obj < 0 && !g.passive && cameo.Root(code) == "13" {
			// "threatened to stop negotiations if the United States goes
			// ahead": the threat is addressed to the condition's subject
			obj = d.conditionSubject(v)
		}
		if subj < 0 && !g.passive && cameo.IsConflict(code) && d.violentNounSubject(g.start) {
			// "A roadside bombing near Samarra killed one U.S. soldier": the
			// perpetrator is unknown, the victim is not
			subj = -2
		}
		p := pending{code: code, trigger: v, negated: negated,
			intent: intent, pattern: m.pat.Text, consumed: [2]int{v, m.end}, srcAP: subj,
			bare: m.lits == 0 && !intent && code == m.pat.Code && (cooperativeRoots[cameo.Root(m.pat.Code)] || d.lemmaIn(v, polysemousVerbs)) &&
				!(v+1 <= s.Last && d.toks[v+1].Norm == "to" && !d.lemmaIn(v, polysemousVerbs))}
		p.bare19 = m.pat.Code == "190" && m.lits == 0 && d.lemmaIn(v, verbalAttackVerbs)
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
	d.emit(si, d.mainEvents(si, out))
}

// namingCall reports whether the words after the object of "call" give it
// a name or a quality ("called Trump's conduct reckless", "called the
// senator a liar", "called the plan \"a disaster\"") rather than ending
// the telephone call's object phrase.
func (d *doc) namingCall(obj, end int) bool {
	k := d.aps[obj].last + 1
	if k > end {
		return false
	}
	t := &d.toks[k]
	switch {
	case t.Norm == "'s" || t.Norm == "'" || t.Kind == lex.Quote:
		return true
	case t.Kind != lex.Word || !t.IsLower():
		return false
	case t.Norm == "a" || t.Norm == "an" || t.Norm == "the":
		return true
	case prepositions[t.Norm] || conjunctions[t.Norm] || adverbs[t.Norm] || determiners[t.Norm] || subordinators[t.Norm] ||
		isAux(t) || len(d.lemmas(t.Norm)) > 0 || dayNames[t.Norm] > 0 || t.Norm == "sunday" || t.Norm == "late" ||
		t.Norm == "early" || t.Norm == "yesterday" || t.Norm == "today" || t.Norm == "again" || t.Norm == "twice":
		return false
	}
	return true // an adjective or a noun: "called the move illegal"
}

// requester returns the actor phrase of a "by" or "from" phrase after the
// noun object of a rejection ("calls by Belarus's rulers", "an appeal from
// the president"), or -1.
func (d *doc) requester(i, end int) int {
	for k := i + 1; k <= end && k <= i+5; k++ {
		t := &d.toks[k]
		if t.Kind != lex.Word || d.apAt[k] >= 0 {
			return -1
		}
		if t.Norm == "by" || t.Norm == "from" {
			p := &d.toks[k-1]
			if p.Kind != lex.Word || determiners[p.Norm] || len(d.lemmas(p.Norm)) > 0 && !d.nounReading(k-1) {
				return -1
			}
			return d.objectAfter(k+1, end)
		}
	}
	return -1
}

// conditionSubject returns the subject of an "if" or "unless" clause after
// the verb at v in its sentence, or -1.
func (d *doc) conditionSubject(v int) int {
	s := d.sents[d.sentOf[v]]
	for k := v + 1; k <= s.Last; k++ {
		if n := d.toks[k].Norm; n == "if" || n == "unless" {
			if ap := d.objectAfter(k+1, s.Last); ap >= 0 && d.verbFollows(d.aps[ap]) {
				return ap
			}
			return -1
		}
	}
	return -1
}

// peacekeepers reports whether an actor phrase names peacekeeping forces.
func (d *doc) peacekeepers(ap int) bool {
	ph := d.aps[ap]
	for k := ph.first; k <= ph.last; k++ {
		if strings.HasPrefix(d.toks[k].Norm, "peacekeep") || strings.HasPrefix(d.toks[k].Norm, "peace-keep") {
			return true
		}
	}
	return false
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
		} else if c := d.mainCountry(); c != "" {
			// "government troops" in a report about one country are its troops
			srcs, tgts = localiseState(srcs, c), localiseState(tgts, c)
		}
		if len(srcs) == 0 && p.unknownSource && len(tgts) > 0 {
			srcs = []*intelcell.Actor{nil}
		}
		if len(srcs) == 0 {
			continue
		}
		if root == "15" && len(srcs) > 1 && d.jointExercise(p, srcs) {
			// "French and Egyptian warships launched war games": military
			// exercises held together are military cooperation (CAMEO 062),
			// each with the other
			p.code, root, tgts = "062", "06", nil
		}
		if root == "19" && p.bare19 && len(srcs) == 1 && srcs[0] != nil && (srcs[0].Kind == intelcell.KindPerson || p.srcAP >= 0 && (d.aps[p.srcAP].person || d.aps[p.srcAP].personRole)) &&
			!armed(srcs[0]) && !strings.HasSuffix(srcs[0].Code, "CRM") &&
			(len(tgts) == 0 || len(tgts) == 1 && tgts[0] != nil && !armed(tgts[0])) {
			// "Trump attacked the ruling", "the senator attacked Pelosi": a
			// politician's attack (not a soldier's, a policeman's or a
			// criminal's) on a person, a party, an institution or a decision
			// is verbal
			p.code, root = "111", "11"
		}
		if root == "14" && len(srcs) == 1 && srcs[0] != nil && strings.HasSuffix(srcs[0].Code, "GOV") && len(tgts) <= 1 &&
			(len(tgts) == 0 || tgts[0] == nil || tgts[0].Code == srcs[0].CountryCode() || srcs[0].CountryCode() == "" && len(tgts[0].Code) == 3) {
			continue // "the president held a rally": a government does not protest against its own country
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
		if len(tgts) == 0 && len(srcs) == 1 && domesticRoots[root] {
			// "students demonstrated in Jakarta", "authorities imposed a
			// curfew", "the government lifted the state of emergency": a
			// domestic act is directed at the country where it happens
			if t := d.domesticTarget(si, p.trigger, srcs[0], root); t != nil {
				tgts = []*intelcell.Actor{t}
			}
		}
		if len(tgts) == 0 {
			if p.bare && !p.negated {
				// "a judge agreed", "he received 40 votes", "investors
				// contributed", "he was taken to hospital": a cooperative or
				// polysemous verb alone, with no partner named, is rarely the
				// event its default code says
				continue
			}
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

// jointExercise reports whether a show of force is a military exercise held
// by the forces of more than one country.
func (d *doc) jointExercise(p pending, srcs []*intelcell.Actor) bool {
	if !strings.Contains(p.pattern, "exercise") && !strings.Contains(p.pattern, "war game") && !strings.Contains(p.pattern, "drill") &&
		!strings.Contains(p.pattern, "maneuver") && !strings.Contains(p.pattern, "manoeuvre") {
		return false
	}
	for _, a := range srcs[1:] {
		if a != nil && srcs[0] != nil && a.CountryCode() != "" && a.CountryCode() != srcs[0].CountryCode() {
			return true
		}
	}
	return false
}

// armed reports whether an actor is one that an attack by a single person
// may really be made on with force: a country, an armed group, armed forces,
// police or fighters.
func armed(a *intelcell.Actor) bool {
	if a.Kind == intelcell.KindGroup || a.Kind == intelcell.KindState && len(a.Code) == 3 {
		return true
	}
	for _, c := range []string{"MIL", "COP", "REB", "INS", "SEP", "UAF", "SPY"} {
		if strings.HasSuffix(a.Code, c) {
			return true
		}
	}
	return false
}

// cooperativeRoots are the roots of acts done with or for a partner:
// intent to cooperate (03), consultation (04), diplomatic and material
// cooperation (05, 06) and aid (07).
var cooperativeRoots = map[string]bool{"03": true, "04": true, "05": true, "06": true, "07": true}

// domesticRoots are acts that, with no target named, are done to the
// actor's own country: concessions (08), protests (14), coercion (17).
var domesticRoots = map[string]bool{"08": true, "14": true, "17": true}

// domesticTarget returns the country a domestic act with no named target is
// directed at: for a protest the country where it happens, else the
// source's own; nil when the source is that country itself or has none.
func (d *doc) domesticTarget(si, trigger int, src *intelcell.Actor, root string) *intelcell.Actor {
	if src == nil || src.Kind == intelcell.KindIGO || src.Kind == intelcell.KindNGO {
		return nil
	}
	c := src.CountryCode()
	if root == "14" || c == "" {
		if lc := d.locationOf(si, trigger); lc != "" {
			c = lc
		}
	}
	if c == "" || src.Code == c {
		return nil
	}
	e := d.kb.Country(c)
	if e == nil {
		return nil
	}
	return d.actorOf(e, kb.FormName)
}

// reciprocal roots: a coordinated subject with no target acts on itself
// ("Hamas and Fatah clashed", "the two sides agreed").
var reciprocal = map[string]bool{"03": true, "04": true, "05": true, "06": true, "19": true}

// unarmedAgents are CAMEO agent codes of people who cannot retreat,
// cease fire or demobilise militarily (root 087): refugees and civilians
// fleeing, legislators and candidates leaving a race, businesses pulling out
// of a market are not military de-escalation.
var unarmedAgents = []string{"REF", "CVL", "LEG", "ELI", "BUS", "MED", "EDU", "HLH", "LAB", "AGR", "JUD", "NGO", "HRI"}

// unarmed reports whether an actor's code ends in an unarmed agent.
func unarmed(a *intelcell.Actor) bool {
	if a == nil {
		return false
	}
	for _, ag := range unarmedAgents {
		if strings.HasSuffix(a.Code, ag) {
			return true
		}
	}
	return false
}

func (d *doc) addEvent(si int, p pending, s, t *intelcell.Actor, seen map[string]bool) {
	if strings.HasPrefix(p.code, "087") && unarmed(s) {
		return
	}
	key := "-|" + cameo.Root(p.code)
	if s != nil {
		key = s.Code + "|" + s.Name + "|" + cameo.Root(p.code)
	}
	if t != nil {
		key += "|" + t.Code + "|" + t.Name
	}
	// "demolished Palestinian homes and civilian buildings": one act of one
	// trigger on actors that only a role names (no person, no organisation
	// of their own) is one event per coded dyad
	roleKey := ""
	if (s == nil || s.Kind != intelcell.KindPerson) && t != nil && t.Kind == intelcell.KindState && strings.Contains(t.ID, ":") {
		roleKey = key[:strings.LastIndexByte(key, '|')] + "|trigger " + strconv.Itoa(p.trigger)
	}
	if seen[key] || roleKey != "" && seen[roleKey] {
		return
	}
	seen[key] = true
	if roleKey != "" {
		seen[roleKey] = true
	}
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

// stateAgents are the agent codes of a state's own organs.
var stateAgents = map[string]bool{"GOV": true, "MIL": true, "COP": true, "JUD": true, "LEG": true, "SPY": true}

// localiseState gives role-only actors that are organs of a state
// ("government troops", "the police") the report's main country.
func localiseState(as []*intelcell.Actor, country string) []*intelcell.Actor {
	out := make([]*intelcell.Actor, len(as))
	for i, a := range as {
		out[i] = a
		if a != nil && stateAgents[a.Code] {
			b := *a
			b.Code, b.Country, b.ID, b.Kind = country+a.Code, &country, country+":"+a.Code, intelcell.KindState
			out[i] = &b
		}
	}
	return out
}

// mainCountry is the country a report is mostly about: named at least twice
// and in at least 40% of the country mentions; "" when there is none.
func (d *doc) mainCountry() string {
	if d.main != nil {
		return *d.main
	}
	counts := map[string]int{}
	total := 0
	for _, m := range d.ments {
		if m.ent.Kind == kb.KindState {
			counts[m.ent.Code]++
			total++
		}
	}
	best := ""
	for c, n := range counts {
		if n >= 2 && n*10 >= total*4 && (best == "" || n > counts[best] || n == counts[best] && c < best) {
			best = c
		}
	}
	d.main = &best
	return best
}

// localise gives a sector actor (a role with no country) a country.
func localise(a *intelcell.Actor, country string) *intelcell.Actor {
	if a == nil || a.Kind != intelcell.KindSector || len(a.Code) != 3 {
		return a
	}
	if a.Code == "GOV" {
		return a // ministers and officials travel: where they meet is not whose they are
	}
	b := *a
	b.Code = country + a.Code
	b.Country = &country
	b.ID = country + ":" + a.Code
	b.Kind = intelcell.KindState
	return &b
}
