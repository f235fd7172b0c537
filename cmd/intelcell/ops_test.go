package main

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportBackupReprocess(t *testing.T) {
	data := t.TempDir()
	runCLI(t, "", "org", "create", "alpha", "--data", data)
	runCLI(t, "", "org", "create", "beta", "--data", data)
	in := filepath.Join(t.TempDir(), "r.jsonl")
	os.WriteFile(in, []byte(`{"date":"2016-05-10","text":"Jordan agreed to expand intelligence cooperation with Egypt on Sunday."}`+"\n"+
		`{"date":"2016-05-11","text":"Iraqi forces attacked Islamic State positions near Mosul."}`+"\n"), 0o600)
	if out, errOut, code := runCLI(t, "", "ingest", in, "--org", "alpha", "--data", data); code != 0 {
		t.Fatalf("ingest: %s %s", out, errOut)
	}
	out, errOut, code := runCLI(t, "", "export", "--org", "alpha", "--data", data)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) < 3 || rows[0][0] != "GLOBALEVENTID" {
		t.Fatalf("export csv: %d %v %q %s", code, err, out, errOut)
	}
	// beta may not see alpha's reports (org-only default release).
	if out, _, code := runCLI(t, "", "export", "--org", "beta", "--format", "jsonl", "--data", data); code != 0 || out != "" {
		t.Errorf("export as beta: %d %q", code, out)
	}
	if out, _, _ := runCLI(t, "", "export", "--org", "alpha", "--format", "jsonl", "--cameo", "19", "--data", data); !strings.Contains(out, `"cameo":"19`) || strings.Count(out, "\n") != 1 {
		t.Errorf("export jsonl cameo 19: %q", out)
	}
	if _, _, code := runCLI(t, "", "export", "--data", data); code != 2 {
		t.Errorf("export without --org in a two-org cell: exit %d", code)
	}
	if out, _, code := runCLI(t, "", "reprocess", "--data", data); code != 0 || !strings.Contains(out, "queued 0 reports") {
		t.Errorf("reprocess: %d %q", code, out)
	}
	bk := filepath.Join(t.TempDir(), "copy.db")
	if out, errOut, code := runCLI(t, "", "backup", "--data", data, bk); code != 0 || !strings.Contains(out, "schema version") {
		t.Fatalf("backup: %d %q %q", code, out, errOut)
	}
	if _, _, code := runCLI(t, "", "backup", "--data", data, bk); code != 1 {
		t.Errorf("backup over an existing file: exit %d", code)
	}
	// The copy is a working data directory.
	restored := t.TempDir()
	b, _ := os.ReadFile(bk)
	os.WriteFile(filepath.Join(restored, "intelcell.db"), b, 0o600)
	if out2, _, code := runCLI(t, "", "export", "--org", "alpha", "--data", restored); code != 0 || out2 != out {
		t.Errorf("export from the backup differs: %d", code)
	}
}

func TestFeedCommand(t *testing.T) {
	var url string
	mux := http.NewServeMux()
	mux.HandleFunc("/rss", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>t</title><item><title>Talks</title><link>%s/p</link><guid>1</guid></item></channel></rss>`, url)
	})
	mux.HandleFunc("/p", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<html><body><p>Russia and Turkey agreed to hold talks in Moscow.</p></body></html>")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	url = srv.URL
	data := t.TempDir()
	runCLI(t, "", "org", "create", "wire", "--data", data)
	if out, errOut, code := runCLI(t, "", "feed", "add", srv.URL+"/rss", "--audience", "cell", "--data", data); code != 0 || !strings.Contains(out, "for org wire") {
		t.Fatalf("feed add: %d %q %q", code, out, errOut)
	}
	if _, _, code := runCLI(t, "", "feed", "add", "ftp://x/", "--data", data); code != 1 {
		t.Errorf("ftp feed: exit %d", code)
	}
	// The loopback server is refused without --allow-private-feeds.
	if _, errOut, code := runCLI(t, "", "feed", "poll", "--data", data); code != 1 || !strings.Contains(errOut, "not allowed") {
		t.Errorf("guarded poll: %d %q", code, errOut)
	}
	if out, errOut, code := runCLI(t, "", "feed", "poll", "--allow-private-feeds", "--data", data); code != 0 || !strings.Contains(out, "1 items, 1 new reports") {
		t.Errorf("poll: %d %q %q", code, out, errOut)
	}
	out, _, _ := runCLI(t, "", "feed", "list", "--data", data)
	if !strings.Contains(out, srv.URL+"/rss") || !strings.Contains(out, "audience=cell") {
		t.Errorf("feed list: %q", out)
	}
}
