package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/postgres"
	"github.com/jackc/pgx/v5"
)

// TestAdminAndIngestOnPostgres runs the admin commands and ingest against
// PostgreSQL (--db, the schema named in the URL), then reads what they
// wrote through the store. It skips without INTELCELL_TEST_POSTGRES.
func TestAdminAndIngestOnPostgres(t *testing.T) {
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
	db := base + sep + "search_path=" + schema
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
