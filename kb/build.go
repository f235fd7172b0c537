package kb

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/intelcell/intelcell/cameo"
	"github.com/intelcell/intelcell/lex"
)

var orgKinds = map[string]bool{KindOrg: true, KindIGO: true, KindNGO: true, KindGroup: true, KindMedia: true, KindMNC: true, KindParty: true}

// eastAsian countries write the family name first.
var familyFirst = map[string]bool{"CHN": true, "PRK": true, "KOR": true, "TWN": true, "HKG": true, "MAC": true}

func build(secs map[string][]*row, probs *[]Problem) *KB {
	k := &KB{
		byCode: map[string]*Entity{}, byISO2: map[string]*Entity{}, byID: map[string]*Entity{},
		names: map[string][]*NameEntry{}, surnames: map[string][]*NameEntry{}, agents: map[string][]*Agent{},
		verbs: map[string][]*Pattern{}, nouns: map[string][]*Pattern{}, forms: map[string][]string{},
		titles: map[string][]*Entity{}, irregular: map[string][]string{},
	}
	bad := func(r *row, format string, args ...any) {
		*probs = append(*probs, Problem{r.file, r.line, fmt.Sprintf(format, args...)})
	}
	float := func(r *row, col string) float64 {
		v := r.get(col)
		if v == "" {
			return 0
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			bad(r, "%s: %q is not a number", col, v)
		}
		return f
	}

	// Countries.
	type countryRow struct {
		e *Entity
		r *row
	}
	var crs []countryRow
	for _, r := range secs["countries"] {
		code := r.get("code")
		if len(code) != 3 || !ValidCode(code) {
			bad(r, "code %q is not an ISO alpha-3 code", code)
			continue
		}
		e := k.byCode[code]
		if e == nil {
			e = &Entity{}
			k.Countries = append(k.Countries, e)
		}
		*e = Entity{ID: code, Code: code, Name: r.get("name"), Kind: KindState, Country: code, QID: r.get("qid"),
			Lat: float(r, "lat"), Lon: float(r, "lon"), Capital: r.get("capital")}
		if e.Name == "" {
			bad(r, "country %s has no name", code)
		}
		k.byCode[code] = e
		k.byID[code] = e
		if iso2 := r.get("iso2"); iso2 != "" {
			k.byISO2[strings.ToUpper(iso2)] = e
		}
		crs = append(crs, countryRow{e, r})
	}
	for _, cr := range crs {
		e, r := cr.e, cr.r
		if k.byCode[e.Code] != e {
			continue
		}
		e.Names = append([]string{e.Name}, r.list("names")...)
		for _, n := range e.Names {
			k.addName(n, e, FormName, r.where(), probs)
		}
		for _, n := range r.list("demonyms") {
			k.addName(n, e, FormDemonym, r.where(), probs)
		}
		if c := r.get("capital"); c != "" {
			k.addName(c, e, FormCapital, r.where(), probs)
		}
		for _, n := range r.list("metonyms") {
			n = strings.TrimPrefix(strings.TrimPrefix(n, "the "), "The ")
			k.addName(n, e, FormCapital, r.where(), probs)
		}
	}

	// Organisations and groups.
	for _, r := range secs["orgs"] {
		id, code, kind := r.get("id"), r.get("code"), r.get("kind")
		if id == "" {
			bad(r, "missing id")
			continue
		}
		if !ValidCode(code) {
			bad(r, "code %q is not a well-formed actor code", code)
			continue
		}
		if !orgKinds[kind] {
			bad(r, "kind %q is not one of org, igo, ngo, group, media, mnc, party", kind)
			continue
		}
		country := r.get("country")
		if country != "" && k.byCode[country] == nil {
			bad(r, "unknown country %q", country)
		}
		e := k.byID[id]
		if e == nil || e.Kind == KindState || e.Kind == KindPerson {
			e = &Entity{}
			k.Orgs = append(k.Orgs, e)
		}
		*e = Entity{ID: id, Code: code, Name: r.get("name"), Kind: kind, Country: country, QID: r.get("qid")}
		k.byID[id] = e
		e.Names = append([]string{e.Name}, r.list("aliases")...)
		for _, n := range e.Names {
			k.addName(n, e, FormName, r.where(), probs)
		}
	}

	// People and roles.
	for _, r := range secs["people"] {
		id := r.get("id")
		if id == "" {
			bad(r, "missing id")
			continue
		}
		country := r.get("country")
		if country != "" && k.byCode[country] == nil {
			bad(r, "unknown country %q", country)
		}
		e := k.byID[id]
		if e == nil || e.Kind != KindPerson {
			e = &Entity{}
			k.People = append(k.People, e)
		}
		*e = Entity{ID: id, Code: country, Name: r.get("name"), Kind: KindPerson, Country: country, QID: r.get("qid")}
		k.byID[id] = e
		e.Names = append([]string{e.Name}, r.list("aliases")...)
		for _, n := range e.Names {
			k.addName(n, e, FormName, r.where(), probs)
		}
	}
	for _, r := range secs["roles"] {
		e := k.byID[r.get("person")]
		if e == nil || e.Kind != KindPerson {
			bad(r, "unknown person %q", r.get("person"))
			continue
		}
		code := r.get("code")
		if !ValidCode(code) {
			bad(r, "code %q is not a well-formed actor code", code)
			continue
		}
		from, ok1 := normDate(r.get("from"), false)
		to, ok2 := normDate(r.get("to"), true)
		if !ok1 || !ok2 || from == "" {
			bad(r, "bad dates %q to %q (YYYY, YYYY-MM or YYYY-MM-DD; from is required)", r.get("from"), r.get("to"))
			continue
		}
		if to != "" && to < from {
			bad(r, "role ends (%s) before it starts (%s)", to, from)
			continue
		}
		role := Role{Code: code, Title: r.get("title"), From: from, To: to}
		for _, old := range e.Roles {
			if old.Code == role.Code && old.Title == role.Title && overlaps(old, role) {
				bad(r, "role %s %s of %s overlaps an earlier line for the same role", role.Title, role.Code, e.Name)
			}
		}
		e.Roles = append(e.Roles, role)
		if role.Title != "" {
			key := lex.NormalizePhrase(role.Title) + "|" + code[:3]
			if !containsEntity(k.titles[key], e) {
				k.titles[key] = append(k.titles[key], e)
			}
		}
	}
	for _, e := range k.People {
		sort.Slice(e.Roles, func(i, j int) bool { return e.Roles[i].From < e.Roles[j].From })
		k.addSurnames(e)
	}

	// Agents.
	for _, r := range secs["agents"] {
		code := r.get("agent")
		if len(code) != 3 || !ValidCode(code) {
			bad(r, "agent %q is not a 3-letter agent code", code)
			continue
		}
		for _, w := range r.list("words") {
			toks, _ := phraseToks(w)
			if len(toks) == 0 {
				continue
			}
			a := &Agent{Toks: toks, Code: code, Person: r.get("person") == "1"}
			dup := false
			for i, old := range k.agents[toks[0]] {
				if strings.Join(old.Toks, " ") == strings.Join(toks, " ") {
					k.agents[toks[0]][i] = a // overlay replaces
					dup = true
				}
			}
			if !dup {
				k.agents[toks[0]] = append(k.agents[toks[0]], a)
				k.Agents = append(k.Agents, a)
			}
		}
	}

	// Irregular verb forms, then patterns.
	for _, r := range secs["verbforms"] {
		lemma := strings.ToLower(r.get("lemma"))
		if lemma == "" {
			bad(r, "missing lemma")
			continue
		}
		for _, f := range r.list("forms") {
			k.addForm(strings.ToLower(f), lemma)
			k.irregular[lemma] = append(k.irregular[lemma], strings.ToLower(f))
		}
	}
	seen := map[string]*Pattern{}
	for _, sec := range []string{"verbs", "nouns"} {
		for _, r := range secs[sec] {
			p, err := compilePattern(r.get("code"), r.get("pattern"), sec == "nouns")
			if err != nil {
				bad(r, "%v", err)
				continue
			}
			p.Where = r.where()
			if p.Code != "---" && !cameo.Valid(p.Code) {
				bad(r, "event code %s is not in the CAMEO codebook", p.Code)
				continue
			}
			key := sec + "|" + p.Text
			if old := seen[key]; old != nil {
				if old.Code != p.Code && !strings.HasPrefix(old.Where, r.file) {
					*old = *p // overlay replaces
				} else if old.Code != p.Code {
					bad(r, "pattern %q already has code %s at %s", p.Text, old.Code, old.Where)
				}
				continue
			}
			seen[key] = p
			if sec == "verbs" {
				k.verbs[p.Head[0]] = append(k.verbs[p.Head[0]], p)
				for _, f := range Inflect(p.Head[0]) {
					k.addForm(f, p.Head[0])
				}
			} else {
				k.nouns[p.Head[0]] = append(k.nouns[p.Head[0]], p)
			}
		}
	}
	k.verbIndex = make(map[string]*PatternIndex, len(k.verbs))
	for lemma, ps := range k.verbs {
		sortPatterns(ps)
		ix := &PatternIndex{ByWord: map[string][]*Pattern{}}
		for _, p := range ps {
			first := -1
			for i, el := range p.Toks {
				if el.Kind == PatWord {
					first = i
					break
				}
			}
			if first < 0 {
				ix.Bare = append(ix.Bare, p)
				continue
			}
			for _, seq := range p.Toks[first].Seq {
				l := ix.ByWord[seq[0]]
				if len(l) == 0 || l[len(l)-1] != p {
					ix.ByWord[seq[0]] = append(l, p)
				}
			}
		}
		k.verbIndex[lemma] = ix
	}
	for _, ps := range k.nouns {
		sortPatterns(ps)
	}

	// Regions.
	for _, r := range secs["regions"] {
		reg := &Region{Name: r.get("name"), Aliases: r.list("aliases"), Country: r.get("country"),
			Lat: float(r, "lat"), Lon: float(r, "lon"), Kind: r.get("kind")}
		if reg.Name == "" {
			bad(r, "missing name")
			continue
		}
		if reg.Country != "" && k.byCode[reg.Country] == nil {
			bad(r, "unknown country %q", reg.Country)
		}
		k.Regions = append(k.Regions, reg)
	}
	return k
}

func overlaps(a, b Role) bool {
	aEnd, bEnd := a.To, b.To
	if aEnd == "" {
		aEnd = "9999"
	}
	if bEnd == "" {
		bEnd = "9999"
	}
	return a.From <= bEnd && b.From <= aEnd
}

func containsEntity(list []*Entity, e *Entity) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

// addSurnames indexes the family name of each of a person's names for use
// alone ("Kerry", "Assad" and "al-Assad").
func (k *KB) addSurnames(e *Entity) {
	add := func(s string) {
		toks, orig := phraseToks(s)
		if len(toks) == 0 || len(toks[0]) < 2 {
			return
		}
		for _, old := range k.surnames[toks[0]] {
			if old.Entity == e && strings.Join(old.Toks, " ") == strings.Join(toks, " ") {
				return
			}
		}
		caps := make([]bool, len(orig))
		for i, o := range orig {
			caps[i] = o != "" && strings.ToUpper(o[:1]) == o[:1] && strings.ToLower(o[:1]) != o[:1]
		}
		k.surnames[toks[0]] = append(k.surnames[toks[0]], &NameEntry{Toks: toks, Caps: caps, Exact: orig, Entity: e, Form: FormSurname})
	}
	for _, n := range e.Names {
		words := strings.Fields(n)
		if len(words) < 2 {
			continue
		}
		if familyFirst[e.Country] {
			add(words[0])
			continue
		}
		last := words[len(words)-1]
		// particles belong to the surname: "bin Laden", "al-Assad", "van der Leyen"
		i := len(words) - 1
		for i > 1 && isParticle(words[i-1]) {
			i--
		}
		if i < len(words)-1 {
			add(strings.Join(words[i:], " "))
		}
		add(last)
		for _, pre := range []string{"al-", "Al-", "el-", "El-", " al ", "el "} {
			if strings.HasPrefix(last, pre) && len(last) > len(pre)+1 {
				add(last[len(pre):])
			}
		}
	}
}

func isParticle(w string) bool {
	switch strings.ToLower(w) {
	case "bin", "ben", "ibn", "al", "el", "van", "von", "der", "de", "da", "di", "du", "la", "le", "abu", "abd", "dos", "del":
		return true
	}
	return false
}

func (k *KB) addForm(form, lemma string) {
	for _, l := range k.forms[form] {
		if l == lemma {
			return
		}
	}
	k.forms[form] = append(k.forms[form], lemma)
}

// sortPatterns orders a verb's patterns most specific first.
func sortPatterns(ps []*Pattern) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Lits != ps[j].Lits {
			return ps[i].Lits > ps[j].Lits
		}
		return len(ps[i].Toks) > len(ps[j].Toks)
	})
}

// compilePattern parses a pattern line.
func compilePattern(code, text string, noun bool) (*Pattern, error) {
	if code != "---" && !eventCodeRE.MatchString(code) {
		return nil, fmt.Errorf("event code %q is not a CAMEO code (2 to 4 digits, root 01-20) or ---", code)
	}
	fields := strings.Fields(strings.ToLower(text))
	if len(fields) == 0 {
		return nil, fmt.Errorf("empty pattern")
	}
	p := &Pattern{Code: code, Text: strings.Join(fields, " ")}
	i := 0
	if noun {
		for i < len(fields) && !strings.ContainsAny(fields[i], "*+$|") && (i == 0 || !isPrep(fields[i])) {
			toks, _ := phraseToks(fields[i])
			p.Head = append(p.Head, toks...)
			i++
		}
	} else {
		// "co-operate", "de-escalate": the lemma is written without the hyphen
		toks, _ := phraseToks(strings.ReplaceAll(fields[0], "-", ""))
		if len(toks) != 1 || strings.ContainsAny(fields[0], "*+$|") {
			return nil, fmt.Errorf("a verb pattern starts with one verb base form, not %q", fields[0])
		}
		if functionWords[toks[0]] {
			return nil, fmt.Errorf("a verb pattern starts with a verb, not the function word %q (negation and modality are the engine's)", toks[0])
		}
		p.Head = toks
		i = 1
	}
	if len(p.Head) == 0 {
		return nil, fmt.Errorf("pattern %q has no head word", text)
	}
	for ; i < len(fields); i++ {
		switch f := fields[i]; f {
		case "*":
			p.Toks = append(p.Toks, PatTok{Kind: PatSkip})
		case "+":
			p.Toks = append(p.Toks, PatTok{Kind: PatTarget})
		case "$":
			p.Toks = append(p.Toks, PatTok{Kind: PatSource})
		default:
			var alts []string
			for _, a := range strings.Split(f, "|") {
				// "sit-in", "minister's" are several tokens: kept as a phrase
				n := lex.NormalizePhrase(a)
				if n == "" || strings.ContainsAny(n, "*+$") {
					return nil, fmt.Errorf("bad word %q in pattern", f)
				}
				alts = append(alts, n)
			}
			seq := make([][]string, len(alts))
			for i, a := range alts {
				seq[i] = strings.Fields(a)
			}
			p.Toks = append(p.Toks, PatTok{Kind: PatWord, Words: alts, Seq: seq})
			p.Lits++
		}
	}
	return p, nil
}

// functionWords can never be the verb of a pattern.
var functionWords = map[string]bool{"not": true, "no": true, "never": true, "will": true, "would": true, "shall": true,
	"should": true, "can": true, "could": true, "may": true, "might": true, "must": true, "the": true, "a": true, "an": true,
	"to": true, "of": true, "in": true, "on": true, "and": true, "or": true, "it": true, "they": true, "he": true, "she": true}

func isPrep(w string) bool {
	switch w {
	case "against", "on", "in", "with", "by", "of", "to", "for", "from", "at", "over", "between", "near", "into", "targeting":
		return true
	}
	return false
}

// Inflect returns the regular inflections of a verb lemma; irregular ones come
// from the verbforms files.
func Inflect(v string) []string {
	out := []string{v}
	n := len(v)
	if n == 0 {
		return out
	}
	last := v[n-1]
	vowel := func(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }
	switch {
	case strings.HasSuffix(v, "s") || strings.HasSuffix(v, "x") || strings.HasSuffix(v, "z") || strings.HasSuffix(v, "ch") || strings.HasSuffix(v, "sh") || strings.HasSuffix(v, "o"):
		out = append(out, v+"es")
	case last == 'y' && n > 1 && !vowel(v[n-2]):
		out = append(out, v[:n-1]+"ies")
	default:
		out = append(out, v+"s")
	}
	switch {
	case last == 'e' && strings.HasSuffix(v, "ee"):
		out = append(out, v+"d", v+"ing")
	case strings.HasSuffix(v, "ie"):
		out = append(out, v+"d", v[:n-2]+"ying")
	case last == 'e':
		out = append(out, v+"d", v[:n-1]+"ing")
	case last == 'y' && n > 1 && !vowel(v[n-2]):
		out = append(out, v[:n-1]+"ied", v+"ing")
	case n >= 3 && !vowel(last) && vowel(v[n-2]) && !vowel(v[n-3]) && strings.IndexByte("wxy", last) < 0:
		// consonant-vowel-consonant: short verbs double (ban → banned); longer
		// ones may not (visit → visited): generate both.
		out = append(out, v+"ed", v+"ing", v+string(last)+"ed", v+string(last)+"ing")
	default:
		out = append(out, v+"ed", v+"ing")
	}
	return out
}
