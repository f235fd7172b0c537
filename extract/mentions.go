package extract

import (
	"sort"
	"strings"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/kb"
	"github.com/intelcell/intelcell/lex"
)

// Actor mentions: names of the knowledge base found in the text, surnames,
// and people the knowledge base does not know.

// mention is a name from the knowledge base found at tokens [first, last].
type mention struct {
	first, last int
	ent         *kb.Entity
	form        kb.Form
	actor       *intelcell.Actor
	place       bool // a capital or country name used as a place ("in Baghdad"), not an actor
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

// orgKinds are the kinds of organisation whose one-word name may also be a
// person's surname ("Bloomberg", "Ford").
var orgKinds = map[string]bool{kb.KindOrg: true, kb.KindMedia: true, kb.KindMNC: true}

// findMentions finds every knowledge-base name in the text, longest first,
// then surnames of people already named and of well-known people.
func (d *doc) findMentions() {
	d.mentAt = make([]int, len(d.toks))
	for i := range d.mentAt {
		d.mentAt[i] = -1
	}
	d.local = map[string]*kb.Entity{}
	d.pending = map[int]*kb.Entity{}
	// "Michael Bloomberg" is not Bloomberg News: an organisation's one-word
	// name after a given name is a person's surname, and the bare name then
	// means that person throughout the report
	for i := 1; i < len(d.toks); i++ {
		t := &d.toks[i]
		if t.Kind != lex.Word || !t.IsCap() || d.local[t.Norm] != nil {
			continue
		}
		for _, e := range d.kb.Names(t.Norm) {
			if len(e.Toks) == 1 && orgKinds[e.Entity.Kind] && d.matchName(e, i) == i {
				if given, gi := d.givenBefore(i); given != "" {
					name := clean(d.tokText(gi, i))
					d.local[t.Norm] = &kb.Entity{Name: name, Kind: kb.KindPerson, Names: []string{name}}
					d.pending[i] = d.local[t.Norm]
				}
				break
			}
		}
	}
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
		if best.Form == kb.FormCapital && end+1 < len(d.toks) && d.sentOf[end+1] == d.sentOf[i] && d.nameWord(end+1) &&
			!d.toks[end+1].Newline && len(d.kb.Names(d.toks[end+1].Norm)) == 0 {
			// "the Paris Climate Accord", "Baghdad International Airport": a
			// capital inside a longer name is not its government, only a place
			d.addMention(&mention{first: i, last: end, ent: best.Entity, form: best.Form, place: true})
			i = end
			continue
		}
		if end == i && orgKinds[best.Entity.Kind] {
			if d.pending[i] != nil {
				continue // the surname of a person named in full
			}
			if e := d.local[t.Norm]; e != nil && e.ID == "" {
				d.addMention(&mention{first: i, last: i, ent: e, form: kb.FormSurname})
				continue
			}
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
			pend := d.pending[j]
			if isPerson || title != "" {
				code := title
				if a := d.appositiveAgent(after+1, s.Last); a != nil && after <= s.Last && d.toks[after].Text == "," {
					code = a.Code
				}
				name := clean(d.tokText(i, j))
				e := pend
				if old := d.local[d.toks[j].Norm]; e == nil && old != nil && old.Name == name {
					e = old // named in full again: the same person
				}
				if e == nil {
					e = &kb.Entity{Name: name, Kind: kb.KindPerson, Names: []string{name}}
				}
				if e.Code == "" {
					e.Code = code
				}
				d.addMention(&mention{first: i, last: j, ent: e, form: kb.FormName})
				d.local[d.toks[j].Norm] = e
				if _, ok := localFrom[e]; !ok {
					localFrom[e] = j
				}
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
		if e == nil || localFrom[e] >= i || i+1 < len(d.toks) && d.nameWord(i+1) || d.pending[i] != nil {
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
	// surnames met before their person's title was known take it now
	for _, m := range d.ments {
		if m.ent.ID == "" && m.ent.Kind == kb.KindPerson && m.actor.Code != m.ent.Code {
			m.actor = d.actorOf(m.ent, m.form)
		}
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
	// a capitalised name word right after it makes it a given name
	// ("Elizabeth Warren" is not Queen Elizabeth)
	if i+1 < len(d.toks) && d.sentOf[i+1] == d.sentOf[i] && d.nameWord(i+1) {
		return nil
	}
	if i > 0 && placeAbbrevs[d.toks[i-1].Norm] && d.toks[i-1].IsCap() {
		return nil // "Fort St. John", "Mt. Kenya": a place's name, not a surname
	}
	given, gi := d.givenBefore(i)
	hasGiven := func(e *kb.Entity) bool {
		for _, n := range e.Names {
			if strings.Contains(lex.NormalizePhrase(n), given+" ") {
				return true
			}
		}
		return false
	}
	if e := d.local[t.Norm]; e != nil && (given == "" || hasGiven(e)) {
		return &mention{first: i, last: i, ent: e, form: kb.FormSurname}
	}
	cands := d.kb.Surnames(t.Norm)
	if len(cands) == 0 {
		return nil
	}
	// "Ted Cruz" is not Manuel Marrero Cruz: a different given name before
	// the surname names someone else, whom the surname alone then means for
	// the rest of the report
	if given != "" {
		var keep []*kb.NameEntry
		for _, c := range cands {
			if hasGiven(c.Entity) {
				keep = append(keep, c)
			}
		}
		if len(keep) == 0 {
			inOffice := false
			for _, c := range cands {
				if r, ok := c.Entity.RoleAt(d.dateStr); ok && strings.HasSuffix(r.Code, "GOV") {
					inOffice = true
				}
			}
			// bind the bare surname to this person unless someone of that
			// name was introduced before or a government leader in office
			// bears it ("Melania Trump" does not make every "Trump" hers)
			if d.nameWord(i) && d.local[t.Norm] == nil && !inOffice {
				name := clean(d.tokText(gi, i))
				d.local[t.Norm] = &kb.Entity{Name: name, Kind: kb.KindPerson, Names: []string{name}}
				d.pending[i] = d.local[t.Norm]
			}
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

// givenBefore returns the given name written before a surname at token i
// ("Ted" in "Ted Cruz", "Cyrus" in "Cyrus R. Vance") and its token, or "".
func (d *doc) givenBefore(i int) (string, int) {
	k := i - 1
	if k > 0 && d.sentOf[k] == d.sentOf[i] && d.toks[k].Kind == lex.Word && d.toks[k].IsCap() && len(d.toks[k].Norm) == 1 {
		k-- // a middle initial
	}
	if k >= 0 && d.sentOf[k] == d.sentOf[i] && d.nameWord(k) && d.mentAt[k] < 0 && !notGiven[d.toks[k].Norm] && !strings.HasSuffix(d.toks[k].Norm, "ly") &&
		!strings.HasSuffix(d.toks[k].Text, ".") { // "St. John", "Mt. Hood": an abbreviation, not a given name
		return d.toks[k].Norm, k
	}
	return "", -1
}

// placeAbbrevs are abbreviations that begin place names (St., Mt., Ft.).
var placeAbbrevs = set("st", "ste", "mt", "ft", "pt")

// notGiven are capitalised words that often stand before a surname at the
// start of a sentence or in a title without being a given name.
var notGiven = set("former", "late", "afterwards", "later", "then", "ex", "incoming", "outgoing", "acting", "disgraced",
	"embattled", "veteran", "nominee", "candidate", "rival", "elder", "younger", "young", "old", "both", "when", "while",
	"but", "after", "before", "because", "although", "though", "since", "until", "whether", "why", "how", "what", "where",
	"did", "does", "will", "would", "could", "should", "can", "may", "might", "must", "has", "had", "have", "is", "was",
	"citing", "including", "like", "unlike", "dear", "thanks", "thank", "says", "said", "sources")

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
