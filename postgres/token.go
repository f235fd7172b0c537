package postgres

// Token names. TODO(postgres owner): move the name column into migrate.go
// (and drop ensureTokenNames) when the migrations are next changed; it is
// added here on first use so as not to touch migrate.go while it is being
// worked on.

import (
	"context"
	"sync"

	"github.com/intelcell/intelcell"
	"github.com/jackc/pgx/v5"
)

var tokenNamesReady sync.Map // *DB → *sync.Once

// ensureTokenNames adds the name column to tokens once per DB per process.
// ALTER TABLE takes the table's lock before it checks for the column, so
// processes starting together add it once; the advisory lock keeps their
// catalog updates apart as well.
func (db *DB) ensureTokenNames(ctx context.Context) error {
	o, _ := tokenNamesReady.LoadOrStore(db, new(sync.Once))
	var err error
	o.(*sync.Once).Do(func() {
		err = db.withTx(ctx, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "intelcell token names "+db.schema); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `ALTER TABLE tokens ADD COLUMN IF NOT EXISTS name TEXT NOT NULL DEFAULT ''`)
			return err
		})
	})
	if err != nil {
		tokenNamesReady.Delete(db)
	}
	return err
}

// CreateNamedToken creates a token with a name and returns its secret,
// which is not stored.
func (db *DB) CreateNamedToken(ctx context.Context, org string, role intelcell.Role, name string) (*intelcell.Token, string, error) {
	if !role.Valid() {
		return nil, "", intelcell.Errorf(intelcell.EINVALID, "unknown role %q (cell-admin, admin, analyst or reader)", role)
	}
	if err := intelcell.ValidTokenName(name); err != nil {
		return nil, "", err
	}
	if err := db.ensureTokenNames(ctx); err != nil {
		return nil, "", err
	}
	secret, err := intelcell.NewSecret()
	if err != nil {
		return nil, "", err
	}
	t := &intelcell.Token{ID: newID(), Name: name, Org: org, Role: role, Created: fromMillis(db.now())}
	err = db.withTx(ctx, func(tx pgx.Tx) error {
		id, err := orgID(ctx, tx, org)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO tokens (id, org_id, role, hash, created, name) VALUES ($1, $2, $3, $4, $5, $6)`,
			t.ID, id, string(role), intelcell.HashSecret(secret), t.Created.UnixMilli(), name)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// TokenNames returns the names of those of the tokens that have one.
func (db *DB) TokenNames(ctx context.Context, ids []string) (map[string]string, error) {
	if err := db.ensureTokenNames(ctx); err != nil {
		return nil, err
	}
	cleaned := make([]string, len(ids))
	for i, id := range ids {
		cleaned[i] = clean(id)
	}
	rows, err := db.pool.Query(ctx, `SELECT id, name FROM tokens WHERE name <> '' AND id = ANY($1::text[])`, cleaned)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}
