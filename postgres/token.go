package postgres

// Token names.

import (
	"context"

	"github.com/intelcell/intelcell"
	"github.com/jackc/pgx/v5"
)

// tokenNameMigration adds a name to every token (IF NOT EXISTS: a column
// an earlier build added on first use is kept).
const tokenNameMigration = `
ALTER TABLE tokens ADD COLUMN IF NOT EXISTS name TEXT NOT NULL DEFAULT '';
`

// CreateNamedToken creates a token with a name and returns its secret,
// which is not stored.
func (db *DB) CreateNamedToken(ctx context.Context, org string, role intelcell.Role, name string) (*intelcell.Token, string, error) {
	if err := intelcell.CheckNewToken(role, name); err != nil {
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
