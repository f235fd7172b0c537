package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/sqlite"
)

func TestOrgDefaultRelease(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{
		{"org", "create", "alpha", "--default-audience", "cell", "--default-attribution=false", "--data", data},
		{"org", "create", "beta", "--data", data},
		{"group", "create", "ab", "--orgs", "alpha,beta", "--data", data},
	} {
		if out, errOut, code := runCLI(t, "", args...); code != 0 {
			t.Fatalf("%v: %d %s %s", args, code, out, errOut)
		}
	}
	out, _, _ := runCLI(t, "", "org", "list", "--data", data)
	if !strings.Contains(out, "alpha\t") || !strings.Contains(out, "default audience=cell tlp=green attribution=false") ||
		!strings.Contains(out, "default audience=org tlp=amber+strict attribution=true") {
		t.Errorf("org list: %q", out)
	}
	if _, errOut, code := runCLI(t, "", "org", "set-default", "beta", "--default-audience", "public", "--default-tlp", "red", "--data", data); code != 2 || !strings.Contains(errOut, "tlp red does not allow audience public") {
		t.Errorf("contradictory default: %d %q", code, errOut)
	}
	if _, _, code := runCLI(t, "", "org", "set-default", "beta", "--data", data); code != 2 {
		t.Errorf("set-default without a release: %d", code)
	}
	if out, errOut, code := runCLI(t, "", "org", "set-default", "beta", "--default-audience", "groups", "--default-groups", "ab", "--data", data); code != 0 || !strings.Contains(out, "audience=groups groups=ab tlp=amber") {
		t.Errorf("set-default: %d %q %q", code, out, errOut)
	}
	// Reports ingested without release flags take their org's default.
	in := filepath.Join(t.TempDir(), "r.txt")
	os.WriteFile(in, []byte("Jordan agreed to expand intelligence cooperation with Egypt."), 0o600)
	for _, o := range []string{"alpha", "beta"} {
		if out, errOut, code := runCLI(t, "", "ingest", in, "--org", o, "--no-extract", "--data", data); code != 0 {
			t.Fatalf("ingest: %q %q", out, errOut)
		}
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := map[string]intelcell.Release{}
	for _, o := range []string{"alpha", "beta"} {
		v, _ := db.OrgViewer(ctx, o, intelcell.RoleReader)
		rs, _, err := db.SearchReports(ctx, v, intelcell.ReportFilter{Query: "Jordan"})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.OrgName == o {
				got[o] = r.Release
			}
		}
	}
	if a := got["alpha"]; a.Audience != intelcell.AudienceCell || a.Attribution {
		t.Errorf("alpha's report: %+v", a)
	}
	if b := got["beta"]; b.Audience != intelcell.AudienceGroups || len(b.Groups) != 1 || b.TLP != intelcell.TLPAmber {
		t.Errorf("beta's report: %+v", b)
	}
}

func TestAuditCommands(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{
		{"org", "create", "alpha", "--data", data},
		{"org", "create", "beta", "--data", data},
		{"group", "create", "ab", "--orgs", "alpha", "--data", data},
		{"group", "add", "ab", "beta", "--data", data},
		{"token", "create", "--org", "alpha", "--role", "admin", "--data", data},
	} {
		if out, errOut, code := runCLI(t, "", args...); code != 0 {
			t.Fatalf("%v: %d %s %s", args, code, out, errOut)
		}
	}
	out, errOut, code := runCLI(t, "", "audit", "verify", "--data", data)
	if code != 0 || !strings.Contains(out, "audit log intact: 5 entries, head ") {
		t.Fatalf("verify: %d %q %q", code, out, errOut)
	}
	out, _, code = runCLI(t, "", "audit", "list", "--data", data)
	for _, want := range []string{"cli", "create  org", "change  group", "add beta", "create  token", "org alpha role admin"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("audit list lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = runCLI(t, "", "audit", "list", "--action", "change", "--data", data)
	if strings.Count(strings.TrimSpace(out), "\n") != 1 {
		t.Errorf("audit list --action change:\n%s", out)
	}

	// Tamper with entry 3 on the file; verify names it and fails.
	raw, err := sql.Open("sqlite", filepath.Join(data, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'user nobody; members alpha' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	out, _, code = runCLI(t, "", "audit", "verify", "--data", data)
	if code != 1 || !strings.Contains(out, "audit log BROKEN at entry 3: its content does not match its hash (2 entries before it verify)") {
		t.Errorf("verify after tampering: %d %q", code, out)
	}
}
