package kb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEmbeddedKnowledgeBaseIsClean(t *testing.T) {
	k, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range k.Problems {
		t.Errorf("%s", p)
	}
	st := k.Stats()
	for sec, min := range map[string]int{"countries": 249, "people": 1000, "roles": 2000, "agent words": 400,
		"orgs: group": 200, "orgs: igo": 100, "verb patterns": 3000, "noun patterns": 300} {
		if st[sec] < min {
			t.Errorf("%s: %d entries, want at least %d", sec, st[sec], min)
		}
	}
}

func TestResolveNamesAndRoles(t *testing.T) {
	k, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	first := func(name, date string) Resolution {
		rs := k.Resolve(name, date)
		if len(rs) == 0 {
			t.Fatalf("%q does not resolve", name)
		}
		return rs[0]
	}
	for name, code := range map[string]string{"Russian Federation": "RUS", "Moscow": "RUSGOV", "Iraqis": "IRQ", "the Kremlin": "RUSGOV"} {
		if r := first(strings.TrimPrefix(name, "the "), "2015-01-01"); r.Code != code {
			t.Errorf("%s → %s, want %s", name, r.Code, code)
		}
	}
	if r := first("Sergei Lavrov", "2015-09-28"); r.Code != "RUSGOV" || r.Entity.Country != "RUS" {
		t.Errorf("Lavrov in 2015: %+v", r)
	}
	isis := first("ISIL", "2015-01-01").Entity
	for _, alias := range []string{"ISIS", "Daesh", "Islamic State"} {
		if e := first(alias, "2015-01-01").Entity; e != isis {
			t.Errorf("%s should name the same entity as ISIL, got %s", alias, e.Name)
		}
	}
}

func TestOverlayAndProblems(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("orgs_local.tsv", "id\tcode\tkind\tcountry\tname\taliases\tqid\n"+
		"acme-militia\tIRQUAFACM\tgroup\tIRQ\tAcme Brigade\tAcme Brigades;ABX\t\n"+
		"bad-one\tnot a code\tgroup\tIRQ\tBad\t\t\n"+
		"short\tIRQREB\tgroup\tIRQ\tToo\tfew\n")
	write("verbs_local.tsv", "code\tpattern\n9999\tfrobnicate\n1823\tfrobnicate *\n")
	write("weird.tsv", "x\n")
	k, err := Load(Options{Overlay: dir})
	if err != nil {
		t.Fatal(err)
	}
	if rs := k.Resolve("ABX", "2020-01-01"); len(rs) != 1 || rs[0].Code != "IRQUAFACM" {
		t.Errorf("overlay group should resolve by its acronym: %+v", rs)
	}
	var msgs []string
	for _, p := range k.Problems {
		msgs = append(msgs, p.String())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"orgs_local.tsv:3: code \"not a code\"", "orgs_local.tsv:4: 6 fields", "verbs_local.tsv:2: event code \"9999\"", "weird.tsv:0: unknown section"} {
		if !strings.Contains(all, want) {
			t.Errorf("want a problem like %q, got:\n%s", want, all)
		}
	}
	if _, err := Load(Options{Overlay: filepath.Join(dir, "missing")}); err == nil {
		t.Error("a missing overlay directory must be an error")
	}
}

func TestInflect(t *testing.T) {
	for lemma, forms := range map[string]string{"agree": "agrees agreed agreeing", "ban": "bans banned banning",
		"deny": "denies denied denying", "bombard": "bombards bombarded bombarding", "die": "dies died dying"} {
		got := " " + strings.Join(Inflect(lemma), " ") + " "
		for _, f := range strings.Fields(forms) {
			if !strings.Contains(got, " "+f+" ") {
				t.Errorf("Inflect(%s) lacks %s: %s", lemma, f, got)
			}
		}
	}
}
