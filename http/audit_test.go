package http_test

import (
	"context"
	"encoding/json"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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
// embedded store's readers start cold); a change is written at once, with
// the reads waiting; listing the log first writes every entry recorded.
func TestAuditBatched(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	store := &countingStore{DB: db}
	srv := apihttp.NewServer(store, nil)
	srv.AuditInterval = time.Hour // reads wait for a flush or a change
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.FlushAudit(); db.Close() })
	if _, err := db.CreateOrg(ctx, "alpha"); err != nil {
		t.Fatal(err)
	}
	_, secret, err := db.CreateToken(ctx, "alpha", intelcell.RoleOrgAdmin)
	if err != nil {
		t.Fatal(err)
	}
	var do func(method, path, body string) []byte
	get := func(path string) []byte { return do("GET", path, "") }
	do = func(method, path, body string) []byte {
		req, _ := nethttp.NewRequest(method, hs.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := nethttp.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b json.RawMessage
		if err := json.NewDecoder(resp.Body).Decode(&b); err != nil || resp.StatusCode/100 != 2 {
			t.Fatalf("%s %s: %d %v", method, path, resp.StatusCode, err)
		}
		return b
	}
	const n = 40
	for range n {
		get("/api/v1/events?limit=5")
	}
	if got := store.entries.Load(); got != 0 {
		t.Fatalf("%d read entries written before the interval, a change or a flush", got)
	}
	// a change is written at once, with the reads waiting
	do("POST", "/api/v1/reports", `{"title":"t","text":"Iraq's army attacked Mosul on Sunday."}`)
	for deadline := time.Now().Add(10 * time.Second); store.entries.Load() < n+1 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if got := store.entries.Load(); got != n+1 {
		t.Fatalf("%d entries written after a change, want %d", got, n+1)
	}
	for range n {
		get("/api/v1/events?limit=5")
	}
	var log struct {
		Entries []map[string]any `json:"entries"`
	}
	if err := json.Unmarshal(get("/api/v1/audit?limit=1000"), &log); err != nil {
		t.Fatal(err)
	}
	if got := store.entries.Load(); got < 2*n+1 {
		t.Fatalf("%d entries written before the log was listed, want at least %d", got, 2*n+1)
	}
	listed := 0
	for _, e := range log.Entries {
		if e["target"] == "events" {
			listed++
		}
	}
	if listed != 2*n {
		t.Errorf("the log lists %d event reads, want %d: %v", listed, 2*n, log.Entries)
	}
	if a := store.appends.Load(); a > 4 {
		t.Errorf("%d requests written in %d batches: not batched", 2*n+1, a)
	}
}
