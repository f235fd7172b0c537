package extract

import (
	"sort"
	"strings"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/kb"
	"github.com/intelcell/intelcell/lex"
)

// Actor phrases: noun-phrase chunks around mentions and agent words,
// composed into coded actors, and coordination.

// phrase is an actor phrase: a noun phrase whose head names one or more
// actors ("Iraq's Shi'ite-led government", "US officials", "the Kerry-Lavrov
// meeting").
type phrase struct {
	first, last int
	actors      []*intelcell.Actor
	agent       string // the agent word's code, if any
	plural      bool
	pronoun     string // "he", "they", ... for pronoun phrases
	person      bool
	group       []int // indexes of phrases coordinated with this one (including itself), or nil
	dyad        bool  // hyphenated pair "Kerry-Lavrov" used as a modifier
	agentOnly   bool
	definite    bool // "the official", "the group": refers back
	personRole  bool // headed by a word naming one person: "the Peruvian president"
	sent        int
}

// agentAt returns the longest agent word starting at token i and its end.
func (d *doc) agentAt(i int) (*kb.Agent, int) {
	t := &d.toks[i]
	if t.Kind != lex.Word {
		return nil, -1
	}
	if i > 0 && d.toks[i-1].Kind == lex.Number && len(t.Norm) <= 3 && !t.IsCap() {
		return nil, -1 // "5 pm": a unit after a number, not the acronym of a role
	}
	var best *kb.Agent
	end := -1
	for _, a := range d.kb.AgentsFor(t.Norm) {
		j, ok := i, true
		for k, w := range a.Toks {
			for k > 0 && j < len(d.toks) && d.isHyphen(j) {
				j++
			}
			if j >= len(d.toks) || d.toks[j].Norm != w {
				ok = false
				break
			}
			j++
		}
		if ok && j-1 > end {
			best, end = a, j-1
		}
	}
	return best, end
}

// chunkable reports whether token i may be part of a noun phrase that began
// earlier in the chunk (prev is the previous token's index in the chunk).
func (d *doc) chunkable(i int, inChunk bool, prevKind int, detStart bool) bool {
	t := &d.toks[i]
	if d.mentAt[i] >= 0 {
		return true
	}
	switch t.Kind {
	case lex.Number:
		return true
	case lex.Dash:
		return d.isHyphen(i)
	case lex.Word:
	default:
		return false
	}
	if t.Norm == "'s" || t.Norm == "'" {
		return inChunk
	}
	if a, _ := d.agentAt(i); a != nil {
		return true
	}
	n := t.Norm
	if determiners[n] {
		return !inChunk || prevKind == pkDet
	}
	if prepositions[n] || conjunctions[n] || isAux(t) || negators[n] || subordinators[n] && !t.IsCap() || pronouns[n] && !t.IsCap() {
		return false
	}
	if adverbs[n] || strings.HasSuffix(n, "ly") && len(n) > 4 {
		return false
	}
	if len(d.kb.Lemmas(n)) > 0 && !t.IsCap() && i+1 < len(d.toks) {
		// "UN arms inspectors", "truce monitors": a modifier of an agent word
		if a, _ := d.agentAt(i + 1); a != nil && inChunk && !strings.HasSuffix(n, "ed") && !strings.HasSuffix(n, "ing") &&
			(prevKind == pkName || prevKind == pkDet || prevKind == pkAdj || prevKind == pkDemonym) {
			return true
		}
	}
	if len(d.kb.Lemmas(n)) > 0 && !t.IsCap() {
		// a verb form continues a noun phrase only after a determiner,
		// adjective, number, demonym or possessive: "the attack", "Iraqi forces"
		// "the Kerry-Lavrov meeting", "the US attack": after a name when
		// the phrase began with a determiner
		if prevKind == pkAdj && i > 0 && (strings.HasSuffix(n, "ed") && pluralLike(d.toks[i-1].Norm) || d.irregularPast(n)) {
			return false // "army bulldozers demolished", "coalition aircraft struck": a noun, then its verb
		}
		if prevKind == pkAdj && (strings.HasSuffix(n, "ed") || d.irregularPast(n)) && i+1 < len(d.toks) && determiners[d.toks[i+1].Norm] {
			return false // "the Islamic Jihad movement rejected an invitation": a past verb before its object
		}
		return inChunk && (prevKind == pkDet || prevKind == pkAdj || prevKind == pkNum || prevKind == pkDemonym || prevKind == pkPoss ||
			detStart && prevKind == pkName && !d.peopleBefore(i) && !strings.HasSuffix(n, "ed") && !d.irregularPast(n))
	}
	return true
}

// irregularPast reports whether a word is an irregular past form of a verb
// ("struck", "fought", "shot"), never a noun after an adjective.
func (d *doc) irregularPast(n string) bool {
	for _, l := range d.kb.Lemmas(n) {
		if l != n && !strings.HasSuffix(n, "s") && !strings.HasSuffix(n, "ing") && !strings.HasSuffix(n, "ed") {
			return true
		}
	}
	return false
}

// pluralLike reports whether a word looks like a plural noun.
func pluralLike(w string) bool {
	return strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "ous") && !strings.HasSuffix(w, "us") && len(w) > 3
}

const (
	pkNone = iota
	pkDet
	pkAdj
	pkNum
	pkDemonym
	pkPoss
	pkName
	pkAgent
	pkCap
)

func (d *doc) kindOf(i int) int {
	t := &d.toks[i]
	if mi := d.mentAt[i]; mi >= 0 {
		if d.ments[mi].form == kb.FormDemonym && !d.peopleDemonym(mi) {
			return pkDemonym
		}
		return pkName
	}
	switch {
	case t.Kind == lex.Number:
		return pkNum
	case t.Norm == "'s" || t.Norm == "'":
		return pkPoss
	case determiners[t.Norm]:
		return pkDet
	case t.Kind == lex.Dash:
		return pkAdj
	}
	if a, _ := d.agentAt(i); a != nil {
		return pkAgent
	}
	if t.IsCap() {
		return pkCap
	}
	return pkAdj
}

// peopleBefore reports whether the token before i is a plural demonym
// ("The Palestinians reject"): the phrase is complete and a verb follows.
func (d *doc) peopleBefore(i int) bool {
	mi := d.mentAt[i-1]
	return mi >= 0 && d.ments[mi].form == kb.FormDemonym && d.peopleDemonym(mi)
}

// buildPhrases groups tokens into noun-phrase chunks and turns the chunks that
// name actors into phrases, then links coordinated phrases and resolves
// pronouns and definite descriptions to earlier phrases.
func (d *doc) buildPhrases() {
	d.apAt = make([]int, len(d.toks))
	for i := range d.apAt {
		d.apAt[i] = -1
	}
	for si, s := range d.sents {
		i := s.First
		for i <= s.Last {
			if !d.chunkable(i, false, pkNone, false) {
				if ph := d.pronounPhrase(i, si); ph != nil {
					d.addPhrase(ph)
				}
				i++
				continue
			}
			j, prev := i, d.kindOf(i)
			detStart := prev == pkDet
			for j+1 <= s.Last && d.chunkable(j+1, true, prev, detStart) && j+1-i < 12 {
				j++
				prev = d.kindOf(j)
			}
			// a possessive ends the chunk only if nothing follows it
			if ph := d.makePhrase(i, j, si); ph != nil {
				d.addPhrase(ph)
			}
			i = j + 1
		}
		d.attachOf(si)
		d.coordinate(si)
	}
	d.resolveReferences()
}

// attachOf merges "the president of Armenia", "the government of Iraq":
// an agent phrase with no country followed by "of" and a country takes the
// country.
func (d *doc) attachOf(si int) {
	for k := len(d.aps) - 1; k >= 0 && d.aps[k].sent == si; k-- {
		ph := d.aps[k]
		if !ph.agentOnly || ph.last+2 >= len(d.toks) {
			continue
		}
		prep := d.toks[ph.last+1].Norm
		if ph.person && !(prep == "of" || prep == "for") || !ph.person && !(prep == "of" || prep == "in" || prep == "from") {
			continue
		}
		j := ph.last + 2
		for j < len(d.toks) && determiners[d.toks[j].Norm] && d.apAt[j] < 0 {
			j++
		}
		oi := d.apAt[j]
		if oi < 0 || oi == k {
			continue
		}
		of := d.aps[oi]
		if len(of.actors) != 1 || of.actors[0].CountryCode() == "" && of.actors[0].Kind != intelcell.KindIGO && of.actors[0].Kind != intelcell.KindGroup {
			continue
		}
		a := *of.actors[0]
		switch {
		case ph.person:
			// "a spokesman for the Iranian foreign ministry": the speaker of
			// that organ
			a.Name = clean(d.phraseName(ph.first, of.last))
		case of.actors[0].Kind == intelcell.KindState && of.agent == "":
			a.Code = strings.TrimSuffix(a.Code, "GOV") + ph.agent
			a.ID = strings.SplitN(a.ID, ":", 2)[0] + ":" + ph.agent
		default:
			continue
		}
		ph.actors = []*intelcell.Actor{&a}
		ph.agentOnly = false
		ph.definite = false
		// the phrase now spans "the president of Armenia"
		for t := ph.last + 1; t <= of.last; t++ {
			d.apAt[t] = k
		}
		ph.last = of.last
		of.actors = nil
	}
}

func (d *doc) addPhrase(ph *phrase) {
	d.aps = append(d.aps, ph)
	for k := ph.first; k <= ph.last; k++ {
		d.apAt[k] = len(d.aps) - 1
	}
}

var pronounForms = map[string]string{"he": "he", "him": "he", "his": "he", "she": "she", "her": "she",
	"they": "they", "them": "they", "their": "they", "it": "it", "its": "it"}

func (d *doc) pronounPhrase(i, si int) *phrase {
	t := &d.toks[i]
	p, ok := pronounForms[t.Norm]
	if !ok || t.Kind != lex.Word {
		return nil
	}
	return &phrase{first: i, last: i, pronoun: p, sent: si}
}

// makePhrase turns chunk [i, j] into an actor phrase if it names an actor.
func (d *doc) makePhrase(i, j, si int) *phrase {
	// trim leading determiners for the name; keep them in the span
	var persons, orgs, states []*mention
	var agent *kb.Agent
	agentEnd := -1
	personTitle := -1
	definite := d.toks[i].Norm == "the" || d.toks[i].Norm == "this" || d.toks[i].Norm == "that"
	for k := i; k <= j; k++ {
		if mi := d.mentAt[k]; mi >= 0 {
			m := d.ments[mi]
			if m.first < i || m.last > j || m.place { // a name cut by the chunk, or only a place: ignore
				k = max(k, m.last)
				continue
			}
			switch m.ent.Kind {
			case kb.KindPerson:
				persons = append(persons, m)
			case kb.KindState:
				states = append(states, m)
			default:
				orgs = append(orgs, m)
			}
			k = m.last
			continue
		}
		if a, end := d.agentAt(k); a != nil && end <= j {
			agent, agentEnd = a, end
			if a.Person {
				personTitle = end
			}
			k = end
		}
	}
	if len(persons) == 0 && len(orgs) == 0 && len(states) == 0 && agent == nil {
		return nil
	}
	ph := &phrase{first: i, last: j, sent: si}
	if agent != nil {
		ph.agent = agent.Code
		ph.personRole = agent.Person
		last := d.toks[agentEnd].Norm
		ph.plural = strings.HasSuffix(last, "s") && !strings.HasSuffix(last, "ss")
	}
	// hyphenated pair of people or capitals: "Kerry-Lavrov", "Tehran-Damascus-Moscow"
	if nm := len(persons) + len(states) + len(orgs); nm >= 2 {
		all := append(append(append([]*mention{}, persons...), states...), orgs...)
		sort.Slice(all, func(a, b int) bool { return all[a].first < all[b].first })
		joined := true
		for k := 1; k < len(all); k++ {
			if all[k].first != all[k-1].last+2 || !d.isHyphen(all[k-1].last+1) {
				joined = false
			}
		}
		if joined {
			ph.dyad = true
			for _, m := range all {
				ph.actors = append(ph.actors, d.withAgent(m, agent))
			}
			return ph
		}
	}
	// "the Assad regime", "the Trump administration": a person's name
	// modifying an agent word names the person's state organ
	if len(persons) > 0 && agent != nil && agentEnd > persons[len(persons)-1].last && !agent.Person {
		m := persons[len(persons)-1]
		if c := m.actor.CountryCode(); c != "" {
			a := &intelcell.Actor{ID: c + ":" + agent.Code, Code: c + agent.Code, Name: clean(d.phraseName(i, j)),
				Kind: intelcell.KindState, Country: strp(c)}
			if e := d.kb.Country(c); e != nil {
				a.Name = e.Name
				if e.QID != "" {
					a.ID = e.QID + ":" + agent.Code
				}
			}
			ph.actors = []*intelcell.Actor{a}
			return ph
		}
	}
	switch {
	case len(persons) > 0:
		m := persons[len(persons)-1]
		a := *m.actor
		if a.Code == "" || len(a.Code) == 3 || strings.HasSuffix(a.Code, "ELI") {
			// the title in the phrase tells the role: "former President X";
			// a title without a country takes the sentence's country
			c := d.chunkCountry(states, orgs)
			if c == "" && a.Country == nil && m.ent.ID == "" {
				c = d.sentenceCountry(si)
			}
			switch {
			case len(orgs) > 0 && len(states) == 0 && orgs[len(orgs)-1].last < m.first && m.ent.ID == "":
				// "Taliban spokesperson Zabiullah Mujahid", "Hamas leader X": the
				// organisation's own code
				o := orgs[len(orgs)-1].ent
				a.Code, a.Country = o.Code, strp(o.Country)
			case c != "" && agent != nil:
				a.Code = c + agent.Code
				a.Country = strp(c)
			}
		}
		ph.actors = []*intelcell.Actor{&a}
		ph.person = true
	case len(orgs) > 0 && len(states) > 0 && states[0].last < orgs[len(orgs)-1].first &&
		orgs[len(orgs)-1].ent.Kind == kb.KindOrg && orgs[len(orgs)-1].ent.Country != states[0].ent.Code && len(orgs[len(orgs)-1].ent.Code) >= 6:
		// "Pakistan's Foreign Office": another country's institution of the
		// same name stands for this country's organ of that kind
		c, o := states[0].ent, orgs[len(orgs)-1].ent
		id := c.ID
		if c.QID != "" {
			id = c.QID
		}
		ph.actors = []*intelcell.Actor{{ID: id + ":" + o.Code[3:6], Code: c.Code + o.Code[3:6], Name: d.phraseName(i, j),
			Kind: intelcell.KindState, Country: strp(c.Code)}}
	case len(orgs) > 0:
		m := orgs[len(orgs)-1]
		ph.actors = []*intelcell.Actor{m.actor}
		if agent != nil && agentEnd > m.last && m.ent.Kind == kb.KindState {
			ph.actors = []*intelcell.Actor{d.withAgent(m, agent)}
		}
	case len(states) > 0:
		// the country nearest the head; "Iraq's Shi'ite-led government" → IRQGOV
		m := states[len(states)-1]
		if agent != nil && agentEnd < m.first && len(states) == 1 && !d.isHyphen(agentEnd+1) {
			// "officials in Iraq" are not chunked together; an agent before the
			// country inside one chunk ("government Iraq") is rare: keep both
		}
		ph.actors = []*intelcell.Actor{d.withAgent(m, agent)}
		if personTitle >= 0 && personTitle < j && d.unknownName(personTitle+1, j) {
			// "Iraqi Foreign Minister Ibrahim al-Jaafari" with an unknown name
			ph.actors = []*intelcell.Actor{d.localPerson(personTitle+1, j, m.ent.Code, agent.Code)}
			ph.person = true
		}
	default:
		// an agent with no country: "militants", "a government spokesman"
		if personTitle >= 0 && personTitle < j && d.unknownName(personTitle+1, j) {
			ph.actors = []*intelcell.Actor{d.localPerson(personTitle+1, j, "", agent.Code)}
			ph.person = true
			break
		}
		ph.agentOnly = true
		ph.definite = definite
		name := d.phraseName(i, agentEnd) // "coalition airstrikes" → "coalition"
		ph.actors = []*intelcell.Actor{{ID: agent.Code, Code: agent.Code, Name: name, Kind: intelcell.KindSector}}
		ph.person = agent.Person
	}
	return ph
}

// phraseName is the chunk text without leading determiners.
func (d *doc) phraseName(i, j int) string {
	for i < j && (determiners[d.toks[i].Norm] || d.toks[i].Kind == lex.Number) {
		i++
	}
	return clean(d.tokText(i, j))
}

// sentenceCountry is the first country named in sentence si, or "".
func (d *doc) sentenceCountry(si int) string {
	s := d.sents[si]
	for k := s.First; k <= s.Last; k++ {
		if mi := d.mentAt[k]; mi >= 0 && d.ments[mi].ent.Kind == kb.KindState {
			return d.ments[mi].ent.Code
		}
	}
	return ""
}

func (d *doc) chunkCountry(states, orgs []*mention) string {
	if len(states) > 0 {
		return states[len(states)-1].ent.Code
	}
	for _, o := range orgs {
		if o.ent.Country != "" {
			return o.ent.Country
		}
	}
	return ""
}

// withAgent returns the actor of a country mention refined by an agent word:
// "Iraqi" + "forces" → IRQMIL. A capital alone stands for the government.
func (d *doc) withAgent(m *mention, agent *kb.Agent) *intelcell.Actor {
	a := *m.actor
	if m.ent.Kind == kb.KindState && agent != nil {
		// the country's government, military, police …: a stable id of its own
		a.Code = m.ent.Code + agent.Code
		a.ID = strings.SplitN(a.ID, ":", 2)[0] + ":" + agent.Code
	}
	return &a
}

// unknownName reports whether tokens [i, j] are capitalised words that the
// knowledge base does not know: the name of a person introduced by a title.
func (d *doc) unknownName(i, j int) bool {
	if j-i > 3 {
		return false
	}
	for k := i; k <= j; k++ {
		t := &d.toks[k]
		if d.mentAt[k] >= 0 || !(t.IsCap() || d.isHyphen(k) || t.Norm == "al" || t.Norm == "bin" || t.Norm == "de") {
			return false
		}
	}
	return true
}

// localPerson makes an actor for a person the knowledge base does not know,
// coded from the title and country of the phrase, and remembers the surname.
func (d *doc) localPerson(i, j int, country, agent string) *intelcell.Actor {
	name := clean(d.tokText(i, j))
	e := &kb.Entity{ID: "", Code: country + agent, Name: name, Kind: kb.KindPerson, Country: country, Names: []string{name}}
	e.Roles = []kb.Role{{Code: country + agent, From: d.dateStr, To: d.dateStr}}
	if country == "" {
		e.Roles[0].Code = agent
	}
	d.local[d.toks[j].Norm] = e
	a := &intelcell.Actor{Code: e.Roles[0].Code, Name: name, Kind: intelcell.KindPerson, Country: strp(country)}
	return a
}

// coordinate links phrases of one sentence joined by "and", "or", commas
// and "as well as": "with Russia, Syria and Iran". A bare demonym coordinated
// with a phrase that has an agent shares it: "Hungarian and Romanian officials".
func (d *doc) coordinate(si int) {
	var idx []int
	for k := len(d.aps) - 1; k >= 0 && d.aps[k].sent == si; k-- {
		if d.aps[k].pronoun == "" {
			idx = append([]int{k}, idx...)
		}
	}
	for n := 0; n < len(idx); {
		run := []int{idx[n]}
		sawAnd := false
		m := n + 1
		for ; m < len(idx); m++ {
			a, b := d.aps[run[len(run)-1]], d.aps[idx[m]]
			sep, ok := d.separator(a.last+1, b.first-1)
			if !ok {
				break
			}
			if sep == "and" {
				sawAnd = true
			}
			run = append(run, idx[m])
			if sep == "and" {
				m++
				break
			}
		}
		if len(run) > 1 && sawAnd {
			for _, k := range run {
				d.aps[k].group = run
			}
			last := d.aps[run[len(run)-1]]
			for _, k := range run[:len(run)-1] {
				ph := d.aps[k]
				if ph.agent == "" && last.agent != "" && len(ph.actors) == 1 && ph.actors[0].Kind == intelcell.KindState {
					a := *ph.actors[0]
					a.Code = strings.TrimSuffix(a.Code, "GOV") + last.agent
					a.ID = strings.SplitN(a.ID, ":", 2)[0] + ":" + last.agent
					ph.actors[0] = &a
					ph.agent = last.agent
					ph.plural = last.plural
				}
			}
			n = m
			continue
		}
		n++
	}
}

// separator reports whether tokens [i, j] only join two coordinated phrases,
// and whether the join is the final "and"/"or".
func (d *doc) separator(i, j int) (string, bool) {
	if i > j {
		return "", false
	}
	words := []string{}
	for k := i; k <= j; k++ {
		words = append(words, d.toks[k].Norm)
	}
	s := strings.Join(words, " ")
	switch s {
	case ",":
		return ",", true
	case "and", "or", ", and", ", or", "as well as", ", as well as", "&", "and the", ", and the", "or the":
		return "and", true
	}
	return "", false
}
