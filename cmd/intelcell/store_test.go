package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/postgres"
	"github.com/jackc/pgx/v5"
)

// postgresURL returns the URL of a new schema on the test server
// (INTELCELL_TEST_POSTGRES), dropped when the test ends, or skips the test.
func postgresURL(t *testing.T) string {
	t.Helper()
	base := os.Getenv("INTELCELL_TEST_POSTGRES")
	if base == "" {
		t.Skip("PostgreSQL tests skipped: set INTELCELL_TEST_POSTGRES to a server URL, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "intelcell_cli_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(ctx, base); err == nil {
			conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`)
			conn.Close(ctx)
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

// TestAdminAndIngestOnPostgres runs the admin commands and ingest against
// PostgreSQL (--db, the schema named in the URL), then reads what they
// wrote through the store. It skips without INTELCELL_TEST_POSTGRES.
func TestAdminAndIngestOnPostgres(t *testing.T) {
	db := postgresURL(t)
	for _, args := range [][]string{
		{"org", "create", "alpha", "--db", db},
		{"org", "create", "--db", db, "beta"},
		{"group", "create", "ab", "--orgs", "alpha,beta", "--db", db},
	} {
		if out, errOut, code := runCLI(t, "", args...); code != 0 {
			t.Fatalf("%v: %d %s %s", args, code, out, errOut)
		}
	}
	out, _, code := runCLI(t, "", "token", "create", "--org", "beta", "--role", "reader", "--db", db)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	secret := lines[len(lines)-1]
	if code != 0 || !strings.HasPrefix(secret, "icl_") {
		t.Fatalf("token create: %q", out)
	}
	in := t.TempDir()
	os.WriteFile(filepath.Join(in, "a.txt"), []byte("Jordan agreed to expand intelligence cooperation with Egypt on Sunday."), 0o600)
	os.WriteFile(filepath.Join(in, "c.jsonl"), []byte(`{"id":"1","date":"2016-05-10","title":"T","text":"Iraqi forces attacked Islamic State positions near Mosul."}`+"\n"), 0o600)
	out, errOut, code := runCLI(t, "", "ingest", in, "--org", "alpha", "--audience", "groups", "--groups", "ab", "--db", db, "--date", "2016-05-10")
	if code != 0 || !strings.Contains(out, "ingested 2 reports (2 new, 0 duplicates), 0 failed") || !strings.Contains(out, "extracted 2 (0 errors)") {
		t.Fatalf("ingest: %d %q %q", code, out, errOut)
	}
	if _, _, code := runCLI(t, "", "org", "list", "--db", "mysql://x"); code == 0 {
		t.Errorf("--db with a non-PostgreSQL URL accepted")
	}

	ctx := context.Background()
	s, err := postgres.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v, err := s.Authenticate(ctx, secret)
	if err != nil || v.OrgName != "beta" {
		t.Fatalf("authenticate: %v %+v", err, v)
	}
	if n, err := s.CountReports(ctx, v, "Mosul"); err != nil || n != 1 {
		t.Errorf("beta finds %d reports (%v)", n, err)
	}
	if n, err := s.CountEvents(ctx, v, intelcell.EventFilter{}); err != nil || n == 0 {
		t.Errorf("beta sees %d events (%v)", n, err)
	}
	if n, _, err := intelcell.VerifyAudit(ctx, s); err != nil || n == 0 {
		t.Errorf("audit: %d %v", n, err)
	}
}

// TestFeedsOnPostgres subscribes to a feed with --db, lists it, polls it
// once with the feed command, then lets intelcell serve --db poll a second
// feed on its own and extract the new report.
func TestFeedsOnPostgres(t *testing.T) {
	db := postgresURL(t)
	var srvURL string
	mux := http.NewServeMux()
	mux.HandleFunc("/rss", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>t</title><item><title>Talks</title><link>%s/p</link><guid>1</guid></item></channel></rss>`, srvURL)
	})
	mux.HandleFunc("/p", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<html><body><p>Russia and Turkey agreed to hold talks in Moscow.</p></body></html>")
	})
	mux.HandleFunc("/rss2", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<rss version="2.0"><channel><title>t</title><item><title>Raid</title><description>Iraqi forces attacked Islamic State positions near Mosul.</description><guid>a</guid></item></channel></rss>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	srvURL = srv.URL
	if out, errOut, code := runCLI(t, "", "org", "create", "wire", "--db", db); code != 0 {
		t.Fatalf("org create: %d %q %q", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "", "feed", "add", srv.URL+"/rss", "--audience", "cell", "--db", db); code != 0 || !strings.Contains(out, "for org wire") {
		t.Fatalf("feed add: %d %q %q", code, out, errOut)
	}
	if _, errOut, code := runCLI(t, "", "feed", "add", srv.URL+"/rss", "--db", db); code != 1 || !strings.Contains(errOut, "already has feed") {
		t.Errorf("duplicate feed: exit %d %q", code, errOut)
	}
	if _, _, code := runCLI(t, "", "feed", "add", "ftp://x/", "--db", db); code != 1 {
		t.Errorf("ftp feed: exit %d", code)
	}
	if _, errOut, code := runCLI(t, "", "feed", "poll", "--db", db); code != 1 || !strings.Contains(errOut, "not allowed") {
		t.Errorf("guarded poll: %d %q", code, errOut)
	}
	if out, errOut, code := runCLI(t, "", "feed", "poll", "--allow-private-feeds", "--db", db); code != 0 || !strings.Contains(out, "1 items, 1 new reports") {
		t.Errorf("poll: %d %q %q", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "", "feed", "poll", "--allow-private-feeds", "--db", db); code != 0 || !strings.Contains(out, "1 items, 0 new reports") {
		t.Errorf("second poll: %d %q %q", code, out, errOut)
	}
	out, _, _ := runCLI(t, "", "feed", "list", "--db", db)
	if !strings.Contains(out, srv.URL+"/rss") || !strings.Contains(out, "audience=cell") || strings.Contains(out, "never") {
		t.Errorf("feed list: %q", out)
	}
	if _, _, code := runCLI(t, "", "feed", "add", srv.URL+"/rss2", "--audience", "cell", "--db", db); code != 0 {
		t.Fatalf("second feed add: exit %d", code)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	var serveOut, serveErr bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--workers", "1",
			"--allow-private-feeds", "--feed-interval", "200ms"}, strings.NewReader(""), &serveOut, &serveErr)
	}()
	s, err := postgres.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v, err := s.OrgViewer(context.Background(), "wire", intelcell.RoleReader)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, err := s.QueueStats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st["report_done"] == 2 {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatalf("serve did not poll and extract the feeds' two reports within a minute\n%s\n%s", serveOut.String(), serveErr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exit %d: %s", code, serveErr.String())
	}
	// Both reports are the org's, released to the cell, and extracted.
	if n, err := s.CountReports(context.Background(), v, "Mosul"); err != nil || n != 1 {
		t.Errorf("the second feed's report: %d (%v)", n, err)
	}
	if n, err := s.CountEvents(context.Background(), v, intelcell.EventFilter{}); err != nil || n == 0 {
		t.Errorf("%d events (%v)", n, err)
	}
	feeds, err := s.FindFeeds(context.Background())
	if err != nil || len(feeds) != 2 || feeds[1].Items != 1 || feeds[1].Polled == nil || feeds[1].Error != "" || feeds[0].Items != 1 {
		t.Errorf("feeds after serve: %v %+v", err, feeds)
	}
}
