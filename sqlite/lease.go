package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/intelcell/intelcell"
)

// ExtendLeases extends the leases of running jobs the caller still holds
// (same lease token) to now+lease, so a worker may hold short leases while
// it works and a crashed worker's jobs come back soon (worker.Pool renews).
// Jobs whose lease was taken over are left alone.
func (db *DB) ExtendLeases(ctx context.Context, jobs []*intelcell.Job, lease time.Duration) error {
	if len(jobs) == 0 {
		return nil
	}
	until := db.now() + lease.Milliseconds()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		for _, j := range jobs {
			if _, err := tx.ExecContext(ctx, `UPDATE jobs SET lease_until = ? WHERE id = ? AND lease = ? AND state = 'running'`, until, j.ID, j.Lease); err != nil {
				return err
			}
		}
		return nil
	})
}
