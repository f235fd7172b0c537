package kb

import "strings"

// Resolution is one way a name resolves: the entity, how the name names it,
// and the actor code it has on a date.
type Resolution struct {
	Entity *Entity
	How    string // "name", "demonym", "capital or seat of government", "surname"
	Code   string
	Role   Role
}

// Resolve returns every entity the exact name refers to on date (YYYY-MM-DD),
// for look-ups by people; extraction matches names in running text instead.
func (k *KB) Resolve(name, date string) []Resolution {
	toks, _ := phraseToks(name)
	if len(toks) == 0 {
		return nil
	}
	key := strings.Join(toks, " ")
	var out []Resolution
	add := func(e *NameEntry) {
		if strings.Join(e.Toks, " ") != key {
			return
		}
		r := Resolution{Entity: e.Entity, Code: e.Entity.Code}
		switch e.Form {
		case FormDemonym:
			r.How = "demonym"
		case FormCapital:
			r.How = "capital or seat of government"
			r.Code += "GOV"
		case FormSurname:
			r.How = "surname"
		default:
			r.How = "name"
		}
		if e.Entity.Kind == KindPerson {
			if role, ok := e.Entity.RoleAt(date); ok {
				r.Role, r.Code = role, role.Code
			}
		}
		out = append(out, r)
	}
	for _, e := range k.names[toks[0]] {
		add(e)
	}
	for _, e := range k.surnames[toks[0]] {
		add(e)
	}
	return out
}

// Stats counts the entries of each section.
func (k *KB) Stats() map[string]int {
	st := map[string]int{"countries": len(k.Countries), "people": len(k.People), "regions": len(k.Regions),
		"agent words": len(k.Agents)}
	roles := 0
	for _, p := range k.People {
		roles += len(p.Roles)
	}
	st["roles"] = roles
	for _, o := range k.Orgs {
		st["orgs: "+o.Kind]++
	}
	names := 0
	for _, l := range k.names {
		names += len(l)
	}
	st["names (all forms)"] = names
	verbs := 0
	for _, l := range k.verbs {
		verbs += len(l)
	}
	st["verb patterns"] = verbs
	st["verb lemmas"] = len(k.verbs)
	nouns := 0
	for _, l := range k.nouns {
		nouns += len(l)
	}
	st["noun patterns"] = nouns
	st["problems"] = len(k.Problems)
	return st
}
