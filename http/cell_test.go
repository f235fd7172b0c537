package http_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	nethttp "net/http"
	"strings"
	"testing"

	"github.com/intelcell/intelcell"
)

// The cell's administration over HTTP (http/cell.go), on the real server
// over a loopback listener: who lists which orgs and tokens, who may create
// and revoke which tokens, that secrets are shown once and never listed or
// logged, and that everything is in the audit log.

type tokenList struct {
	Tokens []intelcell.Token `json:"tokens"`
}

type newToken struct {
	Token  intelcell.Token `json:"token"`
	Secret string          `json:"secret"`
}

func TestCellOrgs(t *testing.T) {
	e := newCellEnv(t, []string{"alpha", "beta", "gamma"}, nil)
	if err := e.db.SetOrgDefaultRelease(t.Context(), "beta", intelcell.Release{Audience: intelcell.AudienceCell, TLP: intelcell.TLPGreen}); err != nil {
		t.Fatal(err)
	}
	var o struct {
		Orgs []struct {
			Name           string            `json:"name"`
			DefaultRelease intelcell.Release `json:"default_release"`
		} `json:"orgs"`
	}
	e.getJSON("alpha/cell-admin", "/api/v1/orgs", &o)
	if len(o.Orgs) != 3 || o.Orgs[1].Name != "beta" || o.Orgs[1].DefaultRelease.Audience != intelcell.AudienceCell || o.Orgs[0].DefaultRelease.TLP != intelcell.TLPAmberStrict {
		t.Errorf("cell admin's orgs %+v", o)
	}
	for _, who := range []string{"beta/admin", "beta/analyst", "beta/reader"} {
		e.getJSON(who, "/api/v1/orgs", &o)
		if len(o.Orgs) != 1 || o.Orgs[0].Name != "beta" {
			t.Errorf("%s sees orgs %+v", who, o)
		}
	}
	if code, _ := e.get("", "/api/v1/orgs"); code != 401 {
		t.Errorf("anonymous orgs: %d", code)
	}
}

func TestCellTokens(t *testing.T) {
	e := newCellEnv(t, []string{"alpha", "beta"}, nil)
	post := func(who, body string) (int, []byte, nethttp.Header) {
		t.Helper()
		req, _ := nethttp.NewRequest("POST", e.url+"/api/v1/tokens", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+e.tokens[who])
		req.Header.Set("Content-Type", "application/json")
		res, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b, res.Header
	}

	// Listing: an org admin its org's tokens, a cell admin all; never a secret or a hash.
	var l tokenList
	_, raw := e.get("alpha/admin", "/api/v1/tokens")
	json.Unmarshal(raw, &l)
	if len(l.Tokens) != 4 {
		t.Errorf("alpha/admin lists %d tokens, want alpha's 4: %s", len(l.Tokens), raw)
	}
	for _, tk := range l.Tokens {
		if tk.Org != "alpha" || tk.ID == "" || tk.Created.IsZero() {
			t.Errorf("alpha/admin lists %+v", tk)
		}
	}
	_, all := e.get("beta/cell-admin", "/api/v1/tokens")
	json.Unmarshal(all, &l)
	if len(l.Tokens) != 8 {
		t.Errorf("cell admin lists %d tokens, want 8", len(l.Tokens))
	}
	ids := map[string]string{} // "org/role" → id of the fixture's tokens
	for _, tk := range l.Tokens {
		ids[tk.Org+"/"+string(tk.Role)] = tk.ID
	}
	for _, b := range [][]byte{raw, all} {
		for key, secret := range e.tokens {
			if bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte(intelcell.HashSecret(secret))) {
				t.Errorf("the token list shows %s's secret or hash", key)
			}
		}
	}
	for who, want := range map[string]int{"alpha/analyst": 403, "alpha/reader": 403, "": 401, "icl_bad": 401} {
		if code, _ := e.get(who, "/api/v1/tokens"); code != want {
			t.Errorf("%q lists tokens: %d, want %d", who, code, want)
		}
		if code, _, _ := post(who, `{"role":"reader"}`); code != want && who != "" && who != "icl_bad" {
			t.Errorf("%q creates a token: %d, want %d", who, code, want)
		}
	}

	// Creating: the secret once, in the answer; it works; the list shows the name.
	code, b, h := post("alpha/admin", `{"role":"analyst","name":"Ana's laptop <b>"}`)
	var nt newToken
	if code != 201 || json.Unmarshal(b, &nt) != nil || nt.Secret == "" || nt.Token.Org != "alpha" || nt.Token.Role != intelcell.RoleAnalyst || nt.Token.Name != "Ana's laptop <b>" {
		t.Fatalf("create: %d %s", code, b)
	}
	if h.Get("Location") != "/api/v1/tokens/"+nt.Token.ID || h.Get("Cache-Control") != "no-store" {
		t.Errorf("create headers: %v", h)
	}
	e.tokens["alpha/new"] = nt.Secret
	var who struct{ Org, Role, TokenID string }
	e.getJSON("alpha/new", "/api/v1/whoami", &who)
	if who.Org != "alpha" || who.Role != "analyst" {
		t.Errorf("the new token is %+v", who)
	}
	_, raw = e.get("alpha/admin", "/api/v1/tokens")
	if bytes.Contains(raw, []byte(nt.Secret)) || !bytes.Contains(raw, []byte(`"name":"Ana's laptop \u003cb\u003e"`)) {
		t.Errorf("list after create: %s", raw)
	}
	// Defaults: the caller's org, role reader.
	if code, b, _ := post("beta/admin", `{}`); code != 201 || !strings.Contains(string(b), `"org":"beta","role":"reader"`) {
		t.Errorf("create with defaults: %d %s", code, b)
	}
	// A cell admin creates for any org, any role.
	if code, b, _ := post("beta/cell-admin", `{"org":"alpha","role":"cell-admin","name":"ops"}`); code != 201 || !strings.Contains(string(b), `"org":"alpha","role":"cell-admin"`) {
		t.Errorf("cell admin creates for alpha: %d %s", code, b)
	}
	// An org admin: not another org (answered as no such org), not a higher role.
	c1, b1, _ := post("alpha/admin", `{"org":"beta","role":"reader"}`)
	c2, b2, _ := post("alpha/admin", `{"org":"nosuchorg","role":"reader"}`)
	if c1 != 404 || c2 != 404 || !bytes.Equal(bytes.ReplaceAll(b1, []byte("beta"), []byte("N")), bytes.ReplaceAll(b2, []byte("nosuchorg"), []byte("N"))) {
		t.Errorf("org admin creating for another org: %d %s / missing org %d %s", c1, b1, c2, b2)
	}
	if code, b, _ := post("alpha/admin", `{"role":"cell-admin"}`); code != 403 {
		t.Errorf("org admin creates a cell-admin token: %d %s", code, b)
	}
	for _, body := range []string{`{"role":"god"}`, `{"name":"` + strings.Repeat("x", 101) + `"}`, `{"name":"a\nb"}`, `{"role":"reader","secret":"x"}`, `{`, `[]`} {
		if code, b, _ := post("alpha/admin", body); code != 400 {
			t.Errorf("create %s: %d %s", body, code, b)
		}
	}

	// Revoking.
	var rev struct{ Token intelcell.Token }
	code, b = e.do("DELETE", "/api/v1/tokens/"+nt.Token.ID, "alpha/admin", "")
	if code != 200 || json.Unmarshal(b, &rev) != nil || rev.Token.Revoked == nil || rev.Token.ID != nt.Token.ID {
		t.Fatalf("revoke: %d %s", code, b)
	}
	if code, _ := e.get("alpha/new", "/api/v1/whoami"); code != 401 {
		t.Errorf("a revoked token still works: %d", code)
	}
	var again struct{ Token intelcell.Token }
	if code, b := e.do("DELETE", "/api/v1/tokens/"+nt.Token.ID, "alpha/admin", ""); code != 200 || json.Unmarshal(b, &again) != nil || !again.Token.Revoked.Equal(*rev.Token.Revoked) {
		t.Errorf("revoking twice: %d %s", code, b)
	}
	// Another org's token answers exactly like one that does not exist.
	c1, b1 = e.do("DELETE", "/api/v1/tokens/"+ids["beta/reader"], "alpha/admin", "")
	c2, b2 = e.do("DELETE", "/api/v1/tokens/0000000000000000", "alpha/admin", "")
	if c1 != 404 || c2 != 404 || !bytes.Equal(bytes.ReplaceAll(b1, []byte(ids["beta/reader"]), []byte("ID")), bytes.ReplaceAll(b2, []byte("0000000000000000"), []byte("ID"))) {
		t.Errorf("revoking beta's token: %d %s / a missing one: %d %s", c1, b1, c2, b2)
	}
	if code, _ := e.get("beta/reader", "/api/v1/whoami"); code != 200 {
		t.Errorf("beta's token was revoked by alpha's admin")
	}
	if code, _ := e.do("DELETE", "/api/v1/tokens/"+ids["alpha/cell-admin"], "alpha/admin", ""); code != 403 {
		t.Errorf("org admin revokes its org's cell-admin token: %d", code)
	}
	if code, _ := e.do("DELETE", "/api/v1/tokens/"+ids["beta/reader"], "alpha/analyst", ""); code != 403 {
		t.Errorf("an analyst revokes: %d", code)
	}
	if code, b := e.do("DELETE", "/api/v1/tokens/"+ids["beta/reader"], "alpha/cell-admin", ""); code != 200 {
		t.Errorf("cell admin revokes beta's token: %d %s", code, b)
	}
	if code, _ := e.get("beta/reader", "/api/v1/whoami"); code != 401 {
		t.Errorf("revoked by the cell admin, beta/reader still works: %d", code)
	}

	// The audit log has every creation and revocation, never a secret; an
	// org sees its own, not the other's.
	e.srv.FlushAudit()
	var entries []*intelcell.AuditEntry
	e.db.ScanAudit(t.Context(), func(en *intelcell.AuditEntry) error { entries = append(entries, en); return nil })
	var created, revoked int
	for _, en := range entries {
		if strings.Contains(fmt.Sprint(*en), nt.Secret) {
			t.Errorf("the audit log holds a secret: %+v", en)
		}
		if en.Target == "token" && en.Status/100 == 2 {
			switch en.Action {
			case intelcell.AuditCreate:
				created++
				if en.Object == "" || !strings.Contains(en.Detail, "role") && en.Detail != "{}" {
					t.Errorf("token creation entry %+v", en)
				}
			case intelcell.AuditChange:
				revoked++
			}
		}
	}
	if created != 3 || revoked != 3 {
		t.Errorf("audit: %d token creations and %d revocations, want 3 and 3", created, revoked)
	}
	var a auditAnswer
	e.getJSON("alpha/admin", "/api/v1/audit?limit=1000", &a)
	var own int
	for _, en := range a.Entries {
		if en["target"] == "token" && en["object"] == nt.Token.ID {
			own++
		}
		if en["org"] == "beta" {
			t.Errorf("alpha's admin sees beta's entry %v", en)
		}
	}
	if own != 3 {
		t.Errorf("alpha's admin sees %d entries about its new token, want 3 (create, revoke twice)", own)
	}
}
