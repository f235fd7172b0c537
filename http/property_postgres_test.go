package http_test

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/postgres"
	"github.com/jackc/pgx/v5"
)

// TestVisibilityPropertyOverHTTPPostgres runs the end-to-end HTTP visibility
// property test against the PostgreSQL store, in a schema of its own that is
// dropped afterwards. It skips without INTELCELL_TEST_POSTGRES.
func TestVisibilityPropertyOverHTTPPostgres(t *testing.T) {
	usePostgres(t)
	TestVisibilityPropertyOverHTTP(t)
}

// TestFusionPerViewerPropertyPostgres runs the per-viewer fusion property
// test (merged events through the fusion cache, with releases changed and
// decisions recorded between checks) against the PostgreSQL store.
func TestFusionPerViewerPropertyPostgres(t *testing.T) {
	usePostgres(t)
	saved := fusionCells
	t.Cleanup(func() { fusionCells = saved })
	fusionCells = 40
	TestFusionPerViewerProperty(t)
}

// usePostgres makes the cell tests of t open PostgreSQL stores, each in a
// schema of its own dropped afterwards; it skips without
// INTELCELL_TEST_POSTGRES.
func usePostgres(t *testing.T) {
	url := os.Getenv("INTELCELL_TEST_POSTGRES")
	if url == "" {
		t.Skip("PostgreSQL HTTP property test skipped: set INTELCELL_TEST_POSTGRES, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	saved := openTestStore
	t.Cleanup(func() { openTestStore = saved })
	openTestStore = func(tb testing.TB) intelcell.Store {
		var b [6]byte
		crand.Read(b[:])
		schema := "intelcell_http_" + hex.EncodeToString(b[:])
		tb.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				tb.Errorf("drop schema %s: %v", schema, err)
				return
			}
			defer conn.Close(ctx)
			if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
				tb.Errorf("drop schema %s: %v", schema, err)
			}
		})
		db, err := postgres.OpenSchema(context.Background(), url, schema)
		if err != nil {
			tb.Fatal(err)
		}
		return db
	}
}
