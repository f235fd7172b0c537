package http_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/intelcell/intelcell"
)

// TestActorQuotes: GET /api/v1/actors/{id}/quotes gives the quotes of
// visible reports only, newest report first; an actor quoted only in reports
// the caller may not see answers exactly like one never quoted.
func TestActorQuotes(t *testing.T) {
	e := newCellEnv(t, []string{"alpha", "beta"}, nil)
	quote := func(a *intelcell.Actor, text string) intelcell.Quote {
		return intelcell.Quote{Speaker: a, Text: text, Direct: true, Span: intelcell.Span{Start: 0, End: len(text)}}
	}
	private := e.submit("alpha/analyst", "p", "Zorblax said: the secret plan.", relOrg)
	e.docs[private].Quotes = []intelcell.Quote{quote(actXSEC, "the secret plan"), quote(actIRQ, "a private word")}
	shared := e.submit("alpha/analyst", "s", "Iraq said: a shared word.", relCellA)
	e.docs[shared].Quotes = []intelcell.Quote{quote(actIRQ, "a shared word")}
	e.process()
	type answer struct {
		Quotes []intelcell.ActorQuote `json:"quotes"`
	}
	var a answer
	e.getJSON("alpha/reader", "/api/v1/actors/"+actXSEC.ID+"/quotes", &a)
	if len(a.Quotes) != 1 || a.Quotes[0].Text != "the secret plan" || a.Quotes[0].Report != private || !a.Quotes[0].Direct {
		t.Errorf("alpha's quotes of Zorblax: %+v", a)
	}
	e.getJSON("alpha/reader", "/api/v1/actors/"+actIRQ.ID+"/quotes", &a)
	if len(a.Quotes) != 2 {
		t.Errorf("alpha's quotes of Iraq: %+v", a)
	}
	for _, who := range []string{"beta/reader", "beta/cell-admin", ""} {
		c1, b1 := e.get(who, "/api/v1/actors/"+actXSEC.ID+"/quotes")
		c2, b2 := e.get(who, "/api/v1/actors/Q00000/quotes")
		if c1 != 200 || c1 != c2 || !bytes.Equal(b1, b2) {
			t.Errorf("%q: quotes of an actor quoted only in alpha's private report: %d %s / never quoted: %d %s", who, c1, b1, c2, b2)
		}
	}
	e.getJSON("beta/reader", "/api/v1/actors/"+actIRQ.ID+"/quotes", &a)
	if len(a.Quotes) != 1 || a.Quotes[0].Report != shared {
		t.Errorf("beta's quotes of Iraq: %+v", a)
	}
	if code, b := e.get("alpha/reader", "/api/v1/actors/Q796/quotes?limit=0"); code != 400 {
		t.Errorf("limit 0: %d %s", code, b)
	}
	e.getJSON("alpha/reader", "/api/v1/actors/Q796/quotes?limit=1", &a)
	if len(a.Quotes) != 1 {
		t.Errorf("limit 1: %+v", a)
	}
	b, _ := json.Marshal(a)
	if bytes.Contains(b, []byte("alpha")) {
		t.Errorf("a quote names its org: %s", b)
	}
}
