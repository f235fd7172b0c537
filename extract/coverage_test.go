package extract

import (
	"strings"
	"testing"
)

// TestKnowledgeBaseNamesResolveInText puts every organisation, group and
// office holder of the knowledge base into a sentence of the form
// "NAME criticised Brazil on Monday." and checks that the engine codes the
// event with the name's actor as source: the knowledge base and the engine
// agree, whatever the name's shape (particles, acronyms, hyphens).
func TestKnowledgeBaseNamesResolveInText(t *testing.T) {
	x := extractor(t)
	k := x.KB()
	type probe struct{ name, date, code string }
	var probes []probe
	for _, o := range k.Orgs {
		probes = append(probes, probe{o.Name, "2016-06-15", o.Code})
	}
	for _, p := range k.People {
		if r, ok := p.RoleAt("2016-06-15"); ok {
			probes = append(probes, probe{p.Name, "2016-06-15", r.Code})
		}
	}
	ok := 0
	var bad []string
	for _, pr := range probes {
		d, err := x.Extract(Input{Text: pr.name + " criticised Brazil on Monday.", Date: pr.date})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range d.Events {
			if e.Source != nil && e.Source.Code == pr.code && e.Target != nil && strings.HasPrefix(e.Target.Code, "BRA") {
				found = true
			}
		}
		if found {
			ok++
		} else if len(bad) < 15 {
			bad = append(bad, pr.name+" ("+pr.code+")")
		}
	}
	rate := float64(ok) / float64(len(probes))
	t.Logf("%d of %d knowledge-base names resolve in text (%.3f); e.g. failing: %s", ok, len(probes), rate, strings.Join(bad, "; "))
	if rate < 0.95 {
		t.Errorf("only %.3f of knowledge-base names resolve as event sources", rate)
	}
}
