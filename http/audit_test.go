package http_test

import (
	"context"
	"encoding/json"
	nethttp "net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/intelcell/intelcell"
	apihttp "github.com/intelcell/intelcell/http"
	"github.com/intelcell/intelcell/sqlite"
)

// countingStore counts the store's audit writes.
type countingStore struct {
	*sqlite.DB
	appends, entries atomic.Int64
}

func (s *countingStore) AppendAudit(ctx context.Context, es ...*intelcell.AuditEntry) error {
	s.appends.Add(1)
	s.entries.Add(int64(len(es)))
	return s.DB.AppendAudit(ctx, es...)
}

// TestAuditBatched: a stream of read requests is written to the audit log
// in a few batches, not one write per request (each write would make the
// embedded store's readers start cold), and listing the log first writes
// every entry already recorded.
func TestAuditBatched(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	store := &countingStore{DB: db}
	srv := apihttp.NewServer(store, nil)
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.FlushAudit(); db.Close() })
	if _, err := db.CreateOrg(ctx, "alpha"); err != nil {
		t.Fatal(err)
	}
	_, secret, err := db.CreateToken(ctx, "alpha", intelcell.RoleOrgAdmin)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) []byte {
		req, _ := nethttp.NewRequest("GET", hs.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := nethttp.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b json.RawMessage
		if err := json.NewDecoder(resp.Body).Decode(&b); err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
		}
		return b
	}
	const n = 40
	for range n {
		get("/api/v1/events?limit=5")
	}
	var log struct {
		Entries []map[string]any `json:"entries"`
	}
	if err := json.Unmarshal(get("/api/v1/audit?limit=1000"), &log); err != nil {
		t.Fatal(err)
	}
	if got := store.entries.Load(); got < n {
		t.Fatalf("%d entries written before the log was listed, want at least %d", got, n)
	}
	listed := 0
	for _, e := range log.Entries {
		if e["target"] == "events" {
			listed++
		}
	}
	if listed != n {
		t.Errorf("the log lists %d event reads, want %d: %v", listed, n, log.Entries)
	}
	if a := store.appends.Load(); a > n/4 {
		t.Errorf("%d requests written in %d batches: not batched", n, a)
	}
}
