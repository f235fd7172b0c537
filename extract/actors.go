package extract

import (
	"sort"
	"strings"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/kb"
	"github.com/intelcell/intelcell/lex"
)

// mention is a name from the knowledge base found at tokens [first, last].
type mention struct {
	first, last int
	ent         *kb.Entity
	form        kb.Form
	actor       *intelcell.Actor
	place       bool // a capital or country name used as a place ("in Baghdad"), not an actor
}

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
	sent        int
}

// matchName tries a compiled name at token i and returns the index of its
// last token, or -1.
func (d *doc) matchName(e *kb.NameEntry, i int) int {
	j := i
	for k := range e.Toks {
		for k > 0 && j < len(d.toks) && d.isHyphen(j) {
			j++
		}
		if j >= len(d.toks) || k > 0 && d.sentOf[j] != d.sentOf[i] {
			return -1
		}
		t := &d.toks[j]
		if t.Norm != e.Toks[k] {
			return -1
		}
		if e.CaseSensitive {
			if strings.ReplaceAll(t.Text, ".", "") != e.Exact[k] {
				return -1
			}
		} else if k < len(e.Caps) && e.Caps[k] && !t.IsCap() && t.Kind != lex.Number {
			return -1
		}
		j++
	}
	return j - 1
}

// bestName returns the longest name match at token i among candidates.
func (d *doc) bestName(cands []*kb.NameEntry, i int) (*kb.NameEntry, int) {
	var best *kb.NameEntry
	end := -1
	for _, e := range cands {
		if j := d.matchName(e, i); j > end || j == end && j >= 0 && d.prefer(e, best) {
			best, end = e, j
		}
	}
	return best, end
}

// prefer breaks ties between entities with the same name: a person holding
// a role on the document date, then a country, then an organisation.
func (d *doc) prefer(a, b *kb.NameEntry) bool {
	if b == nil {
		return true
	}
	score := func(e *kb.NameEntry) int {
		s := 0
		if _, ok := e.Entity.RoleAt(d.dateStr); ok {
			s += 4
		}
		if e.Entity.Kind == kb.KindState && e.Form == kb.FormName {
			s += 3
		}
		if e.Form == kb.FormName {
			s++
		}
		return s
	}
	return score(a) > score(b)
}

// findMentions finds every knowledge-base name in the text, longest first,
// then surnames of people already named and of well-known people.
func (d *doc) findMentions() {
	d.mentAt = make([]int, len(d.toks))
	for i := range d.mentAt {
		d.mentAt[i] = -1
	}
	d.local = map[string]*kb.Entity{}
	for i := 0; i < len(d.toks); i++ {
		t := &d.toks[i]
		if t.Kind != lex.Word && t.Kind != lex.Number {
			continue
		}
		best, end := d.bestName(d.kb.Names(t.Norm), i)
		if best == nil || end < 0 {
			if m := d.surnameAt(i); m != nil {
				d.addMention(m)
				i = m.last
			}
			continue
		}
		m := &mention{first: i, last: end, ent: best.Entity, form: best.Form}
		d.addMention(m)
		if best.Entity.Kind == kb.KindPerson {
			d.rememberPerson(best.Entity)
		}
		i = end
	}
}

// findUnknownPeople recognises people the knowledge base does not know from
// how news introduces them: a run of two or three capitalised words that
// says something ("Lindsey Graham said", "said Jane Doe") or is introduced
// by an appositive ("Jane Doe, who ...", "Jane Doe, a senior official,").
// Their surnames then resolve for the rest of the report.
func (d *doc) findUnknownPeople() {
	localFrom := map[*kb.Entity]int{}
	for si, s := range d.sents {
		for i := s.First; i <= s.Last; i++ {
			if d.mentAt[i] >= 0 || !d.nameWord(i) {
				continue
			}
			j := i
			for j+1 <= s.Last && j-i < 2 && d.mentAt[j+1] < 0 && d.nameWord(j+1) {
				j++
			}
			if j == i || d.x.geo != nil && d.x.geo.Has(lex.NormalizePhrase(d.tokText(i, j))) {
				i = j
				continue
			}
			after := j + 1
			isPerson := after <= s.Last && (d.isSpeechVerb(after) ||
				d.toks[after].Text == "," && after+1 <= s.Last && (d.toks[after+1].Norm == "who" || d.appositiveAgent(after+1, s.Last) != nil ||
					d.toks[after+1].Norm == "of" && after+2 <= s.Last && (determiners[d.toks[after+2].Norm] || d.toks[after+2].IsCap())))
			if !isPerson && i > s.First && d.isSpeechVerb(i-1) {
				isPerson = true // "said Jane Doe"
			}
			title := ""
			if i > s.First {
				for k := i - 1; k >= s.First && k >= i-3; k-- {
					if a, end := d.agentAt(k); a != nil && a.Person && end == i-1 {
						title = a.Code // "Senator Ted Cruz", "Foreign Minister Jane Doe"
						break
					}
				}
			}
			if isPerson || title != "" {
				code := title
				if a := d.appositiveAgent(after+1, s.Last); a != nil && after <= s.Last && d.toks[after].Text == "," {
					code = a.Code
				}
				name := clean(d.tokText(i, j))
				e := &kb.Entity{Code: code, Name: name, Kind: kb.KindPerson, Names: []string{name}}
				d.addMention(&mention{first: i, last: j, ent: e, form: kb.FormName})
				d.local[d.toks[j].Norm] = e
				localFrom[e] = j
			}
			_ = si
			i = j
		}
	}
	// their surnames alone, later in the report: "Graham said"
	for i := range d.toks {
		if !d.toks[i].IsCap() || d.toks[i].Kind != lex.Word {
			continue
		}
		e := d.local[d.toks[i].Norm]
		if e == nil || localFrom[e] >= i || i+1 < len(d.toks) && d.nameWord(i+1) {
			continue
		}
		if mi := d.mentAt[i]; mi >= 0 {
			// a surname that matched someone else in the knowledge base is,
			// after this person was introduced, this person
			if m := d.ments[mi]; m.form == kb.FormSurname && m.first == i && m.last == i && m.ent != e {
				m.ent = e
				m.actor = d.actorOf(e, kb.FormSurname)
			}
			continue
		}
		d.addMention(&mention{first: i, last: i, ent: e, form: kb.FormSurname})
	}
}

// nameWord: a capitalised word that can be part of a person's name.
func (d *doc) nameWord(k int) bool {
	t := &d.toks[k]
	if t.Kind != lex.Word || !t.IsCap() || t.IsAllCaps() && len(t.Text) > 1 || len(t.Norm) < 2 {
		return false
	}
	n := t.Norm
	if determiners[n] || prepositions[n] || conjunctions[n] || pronouns[n] || subordinators[n] || monthNames[n] || dayNames[n] > 0 || n == "sunday" {
		return false
	}
	if a, _ := d.agentAt(k); a != nil {
		return false
	}
	return len(d.kb.Lemmas(n)) == 0
}

// appositiveAgent reads "a senior official", "the group's spokesman" after a
// comma and returns its agent word, or nil.
func (d *doc) appositiveAgent(i, last int) *kb.Agent {
	if i > last || !(d.toks[i].Norm == "a" || d.toks[i].Norm == "an" || d.toks[i].Norm == "the") {
		return nil
	}
	for k := i + 1; k <= last && k <= i+5; k++ {
		if a, _ := d.agentAt(k); a != nil && a.Person {
			return a
		}
		if d.toks[k].Kind == lex.Punct {
			return nil
		}
	}
	return nil
}

func (d *doc) addMention(m *mention) {
	m.actor = d.actorOf(m.ent, m.form)
	d.ments = append(d.ments, m)
	for j := m.first; j <= m.last; j++ {
		d.mentAt[j] = len(d.ments) - 1
	}
}

func (d *doc) rememberPerson(e *kb.Entity) {
	for _, n := range e.Names {
		w := strings.Fields(n)
		if len(w) > 1 {
			d.local[lex.Normalize(w[len(w)-1])] = e
			for _, pre := range []string{"al-", "el-", "Al-", "El-"} {
				if s := strings.TrimPrefix(w[len(w)-1], pre); s != w[len(w)-1] {
					d.local[lex.Normalize(s)] = e
				}
			}
		}
	}
}

// surnameAt matches a person's family name alone: one named in full earlier
// in the document, or a person of the knowledge base who held a role within
// eight years of the document date.
func (d *doc) surnameAt(i int) *mention {
	t := &d.toks[i]
	if !t.IsCap() || t.Kind != lex.Word || monthNames[t.Norm] || len(t.Norm) < 3 {
		return nil
	}
	if e := d.local[t.Norm]; e != nil {
		return &mention{first: i, last: i, ent: e, form: kb.FormSurname}
	}
	cands := d.kb.Surnames(t.Norm)
	if len(cands) == 0 {
		return nil
	}
	// "Ted Cruz" is not Manuel Marrero Cruz: a different given name before
	// the surname names someone else
	if i > 0 && d.sentOf[i-1] == d.sentOf[i] && d.nameWord(i-1) && d.mentAt[i-1] < 0 {
		given := d.toks[i-1].Norm
		var keep []*kb.NameEntry
		for _, c := range cands {
			for _, n := range c.Entity.Names {
				if strings.Contains(lex.NormalizePhrase(n), given+" ") {
					keep = append(keep, c)
					break
				}
			}
		}
		if len(keep) == 0 {
			return nil
		}
		cands = keep
	}
	// A capitalised word at the start of a sentence is only a surname when a
	// verb or punctuation follows, not when it starts a common phrase.
	var best *kb.NameEntry
	bestEnd, bestScore := -1, -1
	for _, c := range cands {
		end := d.matchName(c, i)
		if end < 0 {
			continue
		}
		s := d.surnameScore(c.Entity)
		if s < 0 {
			continue
		}
		if end > bestEnd || end == bestEnd && s > bestScore {
			best, bestEnd, bestScore = c, end, s
		}
	}
	if best == nil {
		return nil
	}
	// two different people equally likely: ambiguous, skip
	for _, c := range cands {
		if c.Entity != best.Entity && d.matchName(c, i) == bestEnd && d.surnameScore(c.Entity) == bestScore {
			return nil
		}
	}
	return &mention{first: i, last: bestEnd, ent: best.Entity, form: kb.FormSurname}
}

// surnameScore ranks people for a bare surname: in office on the date (3),
// in office within 8 years (1..2), otherwise not a candidate (-1).
func (d *doc) surnameScore(e *kb.Entity) int {
	if _, ok := e.RoleAt(d.dateStr); ok {
		return 3
	}
	y := d.date.Year()
	best := -1
	for _, r := range e.Roles {
		fy := atoiPrefix(r.From)
		ty := y
		if r.To != "" {
			ty = atoiPrefix(r.To)
		}
		gap := 0
		if y < fy {
			gap = fy - y
		} else if y > ty {
			gap = y - ty
		}
		if gap <= 8 {
			s := 2
			if gap > 3 {
				s = 1
			}
			if s > best {
				best = s
			}
		}
	}
	return best
}

func atoiPrefix(s string) int {
	n := 0
	for i := 0; i < len(s) && i < 4; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// actorOf builds the Actor for an entity named in a given form.
func (d *doc) actorOf(e *kb.Entity, f kb.Form) *intelcell.Actor {
	a := &intelcell.Actor{ID: e.ID, Code: e.Code, Name: e.Name, Country: strp(e.Country)}
	if e.QID != "" {
		a.ID = e.QID
	}
	switch e.Kind {
	case kb.KindState:
		a.Kind = intelcell.KindState
		if f == kb.FormCapital {
			a.Code = e.Code + "GOV"
			a.ID += ":GOV"
		}
	case kb.KindPerson:
		a.Kind = intelcell.KindPerson
		if r, ok := e.RoleAt(d.dateStr); ok {
			a.Code, a.Role = r.Code, r.Title
		} else if len(e.Roles) > 0 && e.Roles[0].From < d.dateStr && e.Country != "" {
			a.Code = e.Country + "ELI" // a former office holder
		}
	case kb.KindIGO:
		a.Kind = intelcell.KindIGO
	case kb.KindNGO:
		a.Kind = intelcell.KindNGO
	case kb.KindGroup:
		a.Kind = intelcell.KindGroup
	default:
		a.Kind = intelcell.KindOrg
	}
	return a
}

// agentAt returns the longest agent word starting at token i and its end.
func (d *doc) agentAt(i int) (*kb.Agent, int) {
	t := &d.toks[i]
	if t.Kind != lex.Word {
		return nil, -1
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
		if !ph.agentOnly || ph.last+2 >= len(d.toks) || ph.person && d.toks[ph.last+1].Norm != "of" ||
			!(d.toks[ph.last+1].Norm == "of" || d.toks[ph.last+1].Norm == "in" || d.toks[ph.last+1].Norm == "from") {
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
		if len(of.actors) != 1 || of.actors[0].Kind != intelcell.KindState || of.agent != "" {
			continue
		}
		a := *of.actors[0]
		a.Code = strings.TrimSuffix(a.Code, "GOV") + ph.agent
		a.ID = strings.SplitN(a.ID, ":", 2)[0] + ":" + ph.agent
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
			if m.first < i || m.last > j { // a name cut by the chunk: ignore
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
				if o.agentOnly || len(o.actors) != 1 {
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

// mentionsOut lists every actor mention for the Document: names, and the
// actor phrases that resolve through agents or references.
func (d *doc) mentionsOut() []intelcell.Mention {
	out := make([]intelcell.Mention, 0, len(d.ments))
	for _, m := range d.ments {
		if m.place {
			continue
		}
		a := *m.actor
		// a name inside a phrase takes the phrase's refinement ("Iraqi forces" → IRQMIL)
		if k := d.apAt[m.first]; k >= 0 && len(d.aps[k].actors) == 1 && !d.aps[k].dyad {
			pa := d.aps[k].actors[0]
			if pa.CountryCode() == a.CountryCode() && a.Kind == intelcell.KindState {
				a.Code = pa.Code
			}
		}
		out = append(out, intelcell.Mention{Start: d.toks[m.first].Start, End: d.toks[m.last].End,
			Text: clean(d.tokText(m.first, m.last)), Actor: a})
	}
	for _, ph := range d.aps {
		if len(ph.actors) != 1 || d.mentAt[ph.first] >= 0 {
			continue
		}
		has := false
		for k := ph.first; k <= ph.last; k++ {
			has = has || d.mentAt[k] >= 0
		}
		if has || ph.actors[0].Kind == intelcell.KindSector {
			continue
		}
		out = append(out, intelcell.Mention{Start: d.toks[ph.first].Start, End: d.toks[ph.last].End,
			Text: clean(d.tokText(ph.first, ph.last)), Actor: *ph.actors[0]})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Start < out[b].Start })
	return out
}
