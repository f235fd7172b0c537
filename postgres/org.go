package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/jackc/pgx/v5"
)

func validName(kind, name string) error {
	if strings.TrimSpace(name) == "" || name != strings.TrimSpace(name) {
		return intelcell.Errorf(intelcell.EINVALID, "%s name must be non-empty without surrounding spaces", kind)
	}
	if len(name) > 100 || strings.ContainsAny(name, ",\n\r\t\x00") || clean(name) != name {
		return intelcell.Errorf(intelcell.EINVALID, "%s name must be at most 100 characters without commas or control characters", kind)
	}
	return nil
}

// querier is what both the pool and a transaction offer.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// CreateOrg creates an org.
func (db *DB) CreateOrg(ctx context.Context, name string) (*intelcell.Org, error) {
	if err := validName("org", name); err != nil {
		return nil, err
	}
	now := db.now()
	var id int64
	err := db.pool.QueryRow(ctx, `INSERT INTO orgs (name, created) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id`, name, now).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, intelcell.Errorf(intelcell.ECONFLICT, "org %q exists", name)
	} else if err != nil {
		return nil, err
	}
	return &intelcell.Org{ID: intelcell.OrgID(id), Name: name, Created: fromMillis(now)}, nil
}

// FindOrgs lists every org by name.
func (db *DB) FindOrgs(ctx context.Context) ([]*intelcell.Org, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, name, created FROM orgs ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*intelcell.Org
	for rows.Next() {
		var o intelcell.Org
		var id, created int64
		if err := rows.Scan(&id, &o.Name, &created); err != nil {
			return nil, err
		}
		o.ID, o.Created = intelcell.OrgID(id), fromMillis(created)
		out = append(out, &o)
	}
	return out, rows.Err()
}

func orgID(ctx context.Context, q querier, name string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM orgs WHERE name = $1`, clean(name)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
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
	err := db.withTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO cell_groups (name, created) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, db.now())
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return intelcell.Errorf(intelcell.ECONFLICT, "group %q exists", name)
		}
		for _, o := range orgs {
			id, err := orgID(ctx, tx, o)
			if err != nil {
				if intelcell.ErrorCode(err) == intelcell.ENOTFOUND {
					return intelcell.Errorf(intelcell.EINVALID, "no org %q", o)
				}
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO group_members (grp, org_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, name, id); err != nil {
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
	return db.withTx(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM cell_groups WHERE name = $1`, clean(group)).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return intelcell.Errorf(intelcell.ENOTFOUND, "no group %q", group)
		}
		id, err := orgID(ctx, tx, org)
		if err != nil {
			return err
		}
		if member {
			_, err = tx.Exec(ctx, `INSERT INTO group_members (grp, org_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, group, id)
		} else {
			_, err = tx.Exec(ctx, `DELETE FROM group_members WHERE grp = $1 AND org_id = $2`, group, id)
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
	var a args
	if v.Role != intelcell.RoleCellAdmin {
		q += ` WHERE g.name IN (SELECT grp FROM group_members WHERE org_id = ` + a.add(int64(v.Org)) + `)`
	}
	rows, err := db.pool.Query(ctx, q+` ORDER BY 1, 2`, a...)
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

// CreateToken creates a token and returns its secret, which is not stored.
func (db *DB) CreateToken(ctx context.Context, org string, role intelcell.Role) (*intelcell.Token, string, error) {
	if !role.Valid() {
		return nil, "", intelcell.Errorf(intelcell.EINVALID, "unknown role %q (cell-admin, admin, analyst or reader)", role)
	}
	secret, err := intelcell.NewSecret()
	if err != nil {
		return nil, "", err
	}
	t := &intelcell.Token{ID: newID(), Org: org, Role: role, Created: fromMillis(db.now())}
	err = db.withTx(ctx, func(tx pgx.Tx) error {
		id, err := orgID(ctx, tx, org)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO tokens (id, org_id, role, hash, created) VALUES ($1, $2, $3, $4, $5)`,
			t.ID, id, string(role), intelcell.HashSecret(secret), t.Created.UnixMilli())
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// RevokeToken revokes a token by id.
func (db *DB) RevokeToken(ctx context.Context, id string) error {
	tag, err := db.pool.Exec(ctx, `UPDATE tokens SET revoked = coalesce(revoked, $1) WHERE id = $2`, db.now(), clean(id))
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return intelcell.Errorf(intelcell.ENOTFOUND, "no token %q", id)
	}
	return nil
}

// FindTokens lists tokens of an org, or all for "".
func (db *DB) FindTokens(ctx context.Context, org string) ([]*intelcell.Token, error) {
	q := `SELECT t.id, o.name, t.role, t.created, t.last_used, t.revoked FROM tokens t JOIN orgs o ON o.id = t.org_id`
	var a args
	if org != "" {
		q += ` WHERE o.name = ` + a.add(clean(org))
	}
	rows, err := db.pool.Query(ctx, q+` ORDER BY o.name, t.created`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*intelcell.Token
	for rows.Next() {
		var t intelcell.Token
		var created int64
		var used, revoked *int64
		if err := rows.Scan(&t.ID, &t.Org, &t.Role, &created, &used, &revoked); err != nil {
			return nil, err
		}
		t.Created = fromMillis(created)
		if used != nil {
			u := fromMillis(*used)
			t.LastUsed = &u
		}
		if revoked != nil {
			r := fromMillis(*revoked)
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
	var used, revoked *int64
	var org int64
	err := db.pool.QueryRow(ctx, `SELECT t.id, t.org_id, o.name, t.role, t.last_used, t.revoked
		FROM tokens t JOIN orgs o ON o.id = t.org_id WHERE t.hash = $1`, intelcell.HashSecret(secret)).
		Scan(&v.TokenID, &org, &v.OrgName, &v.Role, &used, &revoked)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && revoked != nil) {
		return intelcell.Viewer{}, intelcell.Errorf(intelcell.EUNAUTHORIZED, "invalid or revoked token")
	} else if err != nil {
		return intelcell.Viewer{}, err
	}
	v.Org = intelcell.OrgID(org)
	if v.Groups, err = db.orgGroups(ctx, org); err != nil {
		return intelcell.Viewer{}, err
	}
	now := db.now()
	if used == nil || now-*used > lastUsedEvery.Milliseconds() {
		// Best effort: a busy database must not fail the request.
		db.pool.Exec(ctx, `UPDATE tokens SET last_used = $1 WHERE id = $2`, now, v.TokenID)
	}
	return v, nil
}

func (db *DB) orgGroups(ctx context.Context, org int64) ([]string, error) {
	rows, err := db.pool.Query(ctx, `SELECT grp FROM group_members WHERE org_id = $1 ORDER BY grp`, org)
	if err != nil {
		return nil, err
	}
	groups, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if groups == nil {
		groups = []string{}
	}
	return groups, err
}

// OrgViewer returns the viewer of an org with a role, for trusted callers
// (the CLI's ingest) that act for an org without a token.
func (db *DB) OrgViewer(ctx context.Context, org string, role intelcell.Role) (intelcell.Viewer, error) {
	id, err := orgID(ctx, db.pool, org)
	if err != nil {
		return intelcell.Viewer{}, err
	}
	groups, err := db.orgGroups(ctx, id)
	if err != nil {
		return intelcell.Viewer{}, err
	}
	return intelcell.Viewer{Org: intelcell.OrgID(id), OrgName: org, Groups: groups, Role: role}, nil
}
