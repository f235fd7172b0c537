package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/intelcell/intelcell"
)

func validName(kind, name string) error {
	if strings.TrimSpace(name) == "" || name != strings.TrimSpace(name) {
		return intelcell.Errorf(intelcell.EINVALID, "%s name must be non-empty without surrounding spaces", kind)
	}
	if len(name) > 100 || strings.ContainsAny(name, ",\n\r\t") {
		return intelcell.Errorf(intelcell.EINVALID, "%s name must be at most 100 characters without commas or control characters", kind)
	}
	return nil
}

func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// CreateOrg creates an org.
func (db *DB) CreateOrg(ctx context.Context, name string) (*intelcell.Org, error) {
	if err := validName("org", name); err != nil {
		return nil, err
	}
	now := db.now()
	var id int64
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO orgs (name, created) VALUES (?, ?) RETURNING id`, name, now).Scan(&id)
	})
	if isUnique(err) {
		return nil, intelcell.Errorf(intelcell.ECONFLICT, "org %q exists", name)
	} else if err != nil {
		return nil, err
	}
	return &intelcell.Org{ID: intelcell.OrgID(id), Name: name, Created: fromMillis(now)}, nil
}

// FindOrgs lists every org by name.
func (db *DB) FindOrgs(ctx context.Context) ([]*intelcell.Org, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, name, created FROM orgs ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*intelcell.Org
	for rows.Next() {
		var o intelcell.Org
		var created int64
		if err := rows.Scan(&o.ID, &o.Name, &created); err != nil {
			return nil, err
		}
		o.Created = fromMillis(created)
		out = append(out, &o)
	}
	return out, rows.Err()
}

func orgID(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, name string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM orgs WHERE name = ?`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, intelcell.Errorf(intelcell.ENOTFOUND, "no org %q", name)
	}
	return id, err
}

// CreateGroup creates a sharing group with member orgs.
func (db *DB) CreateGroup(ctx context.Context, name string, orgs []string) (*intelcell.Group, error) {
	if err := validName("group", name); err != nil {
		return nil, err
	}
	g := &intelcell.Group{Name: name, Orgs: []string{}}
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO cell_groups (name, created) VALUES (?, ?)`, name, db.now()); err != nil {
			if isUnique(err) {
				return intelcell.Errorf(intelcell.ECONFLICT, "group %q exists", name)
			}
			return err
		}
		for _, o := range orgs {
			id, err := orgID(ctx, tx, o)
			if err != nil {
				return intelcell.Errorf(intelcell.EINVALID, "no org %q", o)
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO group_members (grp, org_id) VALUES (?, ?)`, name, id); err != nil {
				return err
			}
			g.Orgs = append(g.Orgs, o)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// SetGroupMember adds or removes an org from a group.
func (db *DB) SetGroupMember(ctx context.Context, group, org string, member bool) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cell_groups WHERE name = ?`, group).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return intelcell.Errorf(intelcell.ENOTFOUND, "no group %q", group)
		}
		id, err := orgID(ctx, tx, org)
		if err != nil {
			return err
		}
		if member {
			_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO group_members (grp, org_id) VALUES (?, ?)`, group, id)
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM group_members WHERE grp = ? AND org_id = ?`, group, id)
		}
		return err
	})
}

// FindGroups lists the groups of v's org (every group for a cell admin) with
// their members.
func (db *DB) FindGroups(ctx context.Context, v intelcell.Viewer) ([]*intelcell.Group, error) {
	if v.Anonymous() {
		return nil, nil
	}
	q := `SELECT g.name, coalesce(o.name, '') FROM cell_groups g
		LEFT JOIN group_members m ON m.grp = g.name LEFT JOIN orgs o ON o.id = m.org_id`
	var args []any
	if v.Role != intelcell.RoleCellAdmin {
		q += ` WHERE g.name IN (SELECT grp FROM group_members WHERE org_id = ?)`
		args = append(args, int64(v.Org))
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY g.name, o.name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*intelcell.Group
	for rows.Next() {
		var g, o string
		if err := rows.Scan(&g, &o); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Name != g {
			out = append(out, &intelcell.Group{Name: g, Orgs: []string{}})
		}
		if o != "" {
			last := out[len(out)-1]
			last.Orgs = append(last.Orgs, o)
		}
	}
	return out, rows.Err()
}

// tokenNameMigration gives tokens a name for people.
const tokenNameMigration = `ALTER TABLE tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';`

// CreateToken creates a token and returns its secret, which is not stored.
func (db *DB) CreateToken(ctx context.Context, org string, role intelcell.Role) (*intelcell.Token, string, error) {
	return db.CreateNamedToken(ctx, org, role, "")
}

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
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		id, err := orgID(ctx, tx, org)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO tokens (id, org_id, role, hash, created, name) VALUES (?, ?, ?, ?, ?, ?)`,
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
	out := map[string]string{}
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		rows, err := db.r.QueryContext(ctx, `SELECT id, name FROM tokens WHERE name <> '' AND id IN (`+placeholders(len(batch))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RevokeToken revokes a token by id.
func (db *DB) RevokeToken(ctx context.Context, id string) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked = coalesce(revoked, ?) WHERE id = ?`, db.now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return intelcell.Errorf(intelcell.ENOTFOUND, "no token %q", id)
		}
		return nil
	})
}

// FindTokens lists tokens of an org, or all for "".
func (db *DB) FindTokens(ctx context.Context, org string) ([]*intelcell.Token, error) {
	q := `SELECT t.id, o.name, t.role, t.created, t.last_used, t.revoked FROM tokens t JOIN orgs o ON o.id = t.org_id`
	var args []any
	if org != "" {
		q += ` WHERE o.name = ?`
		args = append(args, org)
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY o.name, t.created`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*intelcell.Token
	for rows.Next() {
		var t intelcell.Token
		var created int64
		var used, revoked sql.NullInt64
		if err := rows.Scan(&t.ID, &t.Org, &t.Role, &created, &used, &revoked); err != nil {
			return nil, err
		}
		t.Created = fromMillis(created)
		if used.Valid {
			u := fromMillis(used.Int64)
			t.LastUsed = &u
		}
		if revoked.Valid {
			r := fromMillis(revoked.Int64)
			t.Revoked = &r
		}
		out = append(out, &t)
	}
	return out, rows.Err()
}

// lastUsedEvery is how stale last_used may get before an authentication
// writes it again (so that reads stay reads).
const lastUsedEvery = time.Minute

// Authenticate returns the viewer of a token secret.
func (db *DB) Authenticate(ctx context.Context, secret string) (intelcell.Viewer, error) {
	var v intelcell.Viewer
	var used, revoked sql.NullInt64
	var org int64
	err := db.r.QueryRowContext(ctx, `SELECT t.id, t.org_id, o.name, t.role, t.last_used, t.revoked
		FROM tokens t JOIN orgs o ON o.id = t.org_id WHERE t.hash = ?`, intelcell.HashSecret(secret)).
		Scan(&v.TokenID, &org, &v.OrgName, &v.Role, &used, &revoked)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && revoked.Valid) {
		return intelcell.Viewer{}, intelcell.Errorf(intelcell.EUNAUTHORIZED, "invalid or revoked token")
	} else if err != nil {
		return intelcell.Viewer{}, err
	}
	v.Org = intelcell.OrgID(org)
	if v.Groups, err = db.orgGroups(ctx, org); err != nil {
		return intelcell.Viewer{}, err
	}
	now := db.now()
	if !used.Valid || now-used.Int64 > lastUsedEvery.Milliseconds() {
		// Best effort: a busy database must not fail the request.
		db.w.ExecContext(ctx, `UPDATE tokens SET last_used = ? WHERE id = ?`, now, v.TokenID)
	}
	return v, nil
}

func (db *DB) orgGroups(ctx context.Context, org int64) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT grp FROM group_members WHERE org_id = ? ORDER BY grp`, org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	groups := []string{}
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return nil, err
		}
		groups = append(groups, g)
	}
	return groups, rows.Err()
}

// OrgViewer returns the viewer of an org with a role, for trusted callers
// (the CLI's ingest) that act for an org without a token.
func (db *DB) OrgViewer(ctx context.Context, org string, role intelcell.Role) (intelcell.Viewer, error) {
	id, err := orgID(ctx, db.r, org)
	if err != nil {
		return intelcell.Viewer{}, err
	}
	groups, err := db.orgGroups(ctx, id)
	if err != nil {
		return intelcell.Viewer{}, err
	}
	return intelcell.Viewer{Org: intelcell.OrgID(id), OrgName: org, Groups: groups, Role: role}, nil
}
