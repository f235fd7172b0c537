package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAdminCommands(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{
		{"org", "create", "alpha", "--data", data},
		{"org", "create", "--data", data, "beta"},
		{"group", "create", "ab", "--orgs", "alpha,beta", "--data", data},
	} {
		if out, errOut, code := runCLI(t, "", args...); code != 0 {
			t.Fatalf("%v: %d %s %s", args, code, out, errOut)
		}
	}
	out, _, code := runCLI(t, "", "org", "list", "--data", data)
	if code != 0 || !strings.Contains(out, "alpha") || !strings.Contains(out, "beta") {
		t.Errorf("org list: %s", out)
	}
	if _, _, code := runCLI(t, "", "org", "create", "alpha", "--data", data); code != 1 {
		t.Errorf("duplicate org exit %d", code)
	}
	out, _, code = runCLI(t, "", "token", "create", "--org", "alpha", "--role", "analyst", "--data", data)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || !strings.HasPrefix(lines[len(lines)-1], "icl_") || strings.Contains(lines[len(lines)-1], " ") {
		t.Errorf("token create: %q", out)
	}
	if out, errOut, code := runCLI(t, "", "token", "create", "--org", "beta", "--name", "feed robot", "--data", data); code != 0 {
		t.Errorf("token create --name: %s %s", out, errOut)
	}
	if out, _, _ := runCLI(t, "", "token", "list", "--org", "beta", "--data", data); !strings.Contains(out, "NAME") || !strings.Contains(out, "feed robot") {
		t.Errorf("token list shows no name: %q", out)
	}
	if _, _, code := runCLI(t, "", "token", "create", "--org", "alpha", "--role", "king", "--data", data); code != 1 {
		t.Errorf("bad role exit %d", code)
	}
	out, _, _ = runCLI(t, "", "token", "list", "--data", data)
	id := strings.Fields(strings.Split(out, "\n")[1])[0]
	if out, errOut, code := runCLI(t, "", "token", "revoke", id, "--data", data); code != 0 {
		t.Errorf("revoke: %s %s", out, errOut)
	}
	if out, _, _ := runCLI(t, "", "group", "list", "--data", data); !strings.Contains(out, "ab\talpha,beta") {
		t.Errorf("group list: %q", out)
	}
}

func TestIngestCommand(t *testing.T) {
	data := t.TempDir()
	runCLI(t, "", "org", "create", "alpha", "--data", data)
	in := t.TempDir()
	os.WriteFile(filepath.Join(in, "a.txt"), []byte("Jordan agreed to expand intelligence cooperation with Egypt on Sunday."), 0o600)
	os.WriteFile(filepath.Join(in, "b.html"), []byte("<html><head><title>Raid</title></head><body><p>Iraqi forces attacked Islamic State positions.</p><script>x()</script></body></html>"), 0o600)
	os.WriteFile(filepath.Join(in, "c.jsonl"), []byte(`{"id":"1","date":"2016-05-10","title":"T","text":"Iran met Iraq."}`+"\n"+`{"id":"2","date":"2016-05-10","text":"Iran met Iraq."}`+"\n"), 0o600)
	os.WriteFile(filepath.Join(in, "README.md"), []byte("not a report"), 0o600)
	out, errOut, code := runCLI(t, "", "ingest", in, "--org", "alpha", "--audience", "cell", "--data", data, "--date", "2016-05-10")
	if code != 0 || !strings.Contains(out, "ingested 4 reports (4 new, 0 duplicates), 0 failed") || !strings.Contains(out, "extracted 4 (0 errors)") {
		t.Errorf("ingest: %d %q %q", code, out, errOut)
	}
	// Again: all duplicates. A bad line fails the run.
	os.WriteFile(filepath.Join(in, "d.jsonl"), []byte("{not json\n"), 0o600)
	out, errOut, code = runCLI(t, "", "ingest", in, "--org", "alpha", "--audience", "cell", "--data", data)
	if code != 1 || !strings.Contains(out, "(0 new, 4 duplicates), 1 failed") || !strings.Contains(errOut, "d.jsonl:1") {
		t.Errorf("ingest again: %d %q %q", code, out, errOut)
	}
	if _, _, code := runCLI(t, "", "ingest", in, "--org", "alpha", "--audience", "public", "--tlp", "red", "--data", data); code != 2 {
		t.Errorf("contradictory release exit %d", code)
	}
	if _, _, code := runCLI(t, "", "ingest", in, "--org", "nobody", "--data", data); code != 1 {
		t.Errorf("unknown org exit %d", code)
	}
}
