package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/sqlite"
)

// TestAuditTamperingDetected writes a chain to a real SQLite file, then
// changes it behind the store's back with plain SQL — a changed detail, a
// changed time, a removed entry — and checks that VerifyAudit names the
// first entry that no longer matches.
func TestAuditTamperingDetected(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		sql  string
		want int64
	}{
		{"changed detail", `UPDATE audit SET detail = 'q=innocent' WHERE seq = 7`, 7},
		{"changed org", `UPDATE audit SET org_name = 'beta' WHERE seq = 3`, 3},
		{"changed time", `UPDATE audit SET time = time + 1 WHERE seq = 12`, 12},
		{"rehashed entry", `UPDATE audit SET detail = 'x', hash = 'f00d' WHERE seq = 5`, 5}, // the next entry's prev no longer matches
		{"removed entry", `DELETE FROM audit WHERE seq = 9`, 10},
		{"swapped entries", `UPDATE audit SET seq = -1 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = 5; UPDATE audit SET seq = 5 WHERE seq = -1`, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db, err := sqlite.Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 20 {
				e := &intelcell.AuditEntry{Org: 1, OrgName: "alpha", Via: "api", Action: intelcell.AuditSearch, Target: "reports", Detail: fmt.Sprintf("q=w%d", i), Status: 200}
				if err := db.AppendAudit(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			if n, _, err := intelcell.VerifyAudit(ctx, db); n != 20 || err != nil {
				t.Fatalf("before tampering: %d %v", n, err)
			}
			path := db.Path()
			db.Close()

			raw, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			// The store refuses changes to the log; an attacker with the file drops the guard.
			if _, err := raw.Exec(`UPDATE audit SET detail = 'x' WHERE seq = 1`); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("update of the audit log allowed: %v", err)
			}
			if _, err := raw.Exec(`DELETE FROM audit WHERE seq = 1`); err == nil {
				t.Errorf("delete from the audit log allowed")
			}
			if _, err := raw.Exec(`DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; ` + tc.sql); err != nil {
				t.Fatal(err)
			}
			raw.Close()

			db, err = sqlite.Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			_, _, err = intelcell.VerifyAudit(ctx, db)
			var b *intelcell.AuditBreak
			if !errors.As(err, &b) || b.Seq != tc.want {
				t.Fatalf("verify after %s: %v, want a break at entry %d", tc.name, err, tc.want)
			}
			t.Logf("%s: %v", tc.name, err)
		})
	}
}
