package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/intelcell/intelcell"
)

// Ensure the optional feed service is implemented.
var _ intelcell.FeedService = (*DB)(nil)

// feedMigration adds feed subscriptions and the items already handled.
const feedMigration = `
CREATE TABLE feeds (
	id            TEXT PRIMARY KEY,
	org_id        INTEGER NOT NULL REFERENCES orgs(id),
	url           TEXT NOT NULL,
	rel           TEXT NOT NULL, -- JSON release; '' for the org's default
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	polled        INTEGER,
	error         TEXT NOT NULL DEFAULT '',
	items         INTEGER NOT NULL DEFAULT 0,
	created       INTEGER NOT NULL,
	UNIQUE (org_id, url)
);
CREATE TABLE feed_items (
	feed_id TEXT NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
	key     TEXT NOT NULL,
	seen    INTEGER NOT NULL,
	PRIMARY KEY (feed_id, key)
) WITHOUT ROWID;
`

// CreateFeed subscribes an org to a feed.
func (db *DB) CreateFeed(ctx context.Context, org, rawURL string, rel intelcell.Release) (*intelcell.Feed, error) {
	relJSON, err := intelcell.CheckFeed(rawURL, rel)
	if err != nil {
		return nil, err
	}
	id, err := orgID(ctx, db.r, org)
	if err != nil {
		return nil, err
	}
	f := &intelcell.Feed{ID: newID(), Org: org, URL: rawURL, Release: rel, Created: fromMillis(db.now())}
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO feeds (id, org_id, url, rel, created) VALUES (?, ?, ?, ?, ?)`,
			f.ID, id, rawURL, relJSON, f.Created.UnixMilli())
		return err
	})
	if isUnique(err) {
		return nil, intelcell.Errorf(intelcell.ECONFLICT, "org %s already has feed %s", org, rawURL)
	}
	return f, err
}

// FindFeeds lists every feed, oldest first.
func (db *DB) FindFeeds(ctx context.Context) ([]*intelcell.Feed, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT f.id, o.name, f.url, f.rel, f.etag, f.last_modified, f.polled, f.error, f.items, f.created
		FROM feeds f JOIN orgs o ON o.id = f.org_id ORDER BY f.created, f.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*intelcell.Feed
	for rows.Next() {
		var f intelcell.Feed
		var rel string
		var polled sql.NullInt64
		var created int64
		if err := rows.Scan(&f.ID, &f.Org, &f.URL, &rel, &f.ETag, &f.LastModified, &polled, &f.Error, &f.Items, &created); err != nil {
			return nil, err
		}
		if rel != "" {
			if err := json.Unmarshal([]byte(rel), &f.Release); err != nil {
				return nil, err
			}
		}
		if polled.Valid {
			t := fromMillis(polled.Int64)
			f.Polled = &t
		}
		f.Created = fromMillis(created)
		out = append(out, &f)
	}
	return out, rows.Err()
}

// FeedItemsSeen returns which item keys an earlier poll handled.
func (db *DB) FeedItemsSeen(ctx context.Context, feedID string, keys []string) (map[string]bool, error) {
	seen := map[string]bool{}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		args := []any{feedID}
		for _, k := range keys[:n] {
			args = append(args, k)
		}
		rows, err := db.r.QueryContext(ctx, `SELECT key FROM feed_items WHERE feed_id = ? AND key IN (`+placeholders(n)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			seen[k] = true
		}
		rows.Close()
		keys = keys[n:]
	}
	return seen, nil
}

// RecordFeedPoll stores the outcome of a poll.
func (db *DB) RecordFeedPoll(ctx context.Context, feedID string, p intelcell.FeedPoll, now time.Time) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		var res sql.Result
		var err error
		switch {
		case p.Error != "":
			res, err = tx.ExecContext(ctx, `UPDATE feeds SET polled = ?, error = ? WHERE id = ?`, now.UnixMilli(), strings.ToValidUTF8(p.Error, "?"), feedID)
		case p.NotModified:
			res, err = tx.ExecContext(ctx, `UPDATE feeds SET polled = ?, error = '' WHERE id = ?`, now.UnixMilli(), feedID)
		default:
			res, err = tx.ExecContext(ctx, `UPDATE feeds SET polled = ?, error = '', etag = ?, last_modified = ? WHERE id = ?`,
				now.UnixMilli(), p.ETag, p.LastModified, feedID)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return intelcell.Errorf(intelcell.ENOTFOUND, "no feed %s", feedID)
		}
		added := 0
		for _, k := range p.Seen {
			r, err := tx.ExecContext(ctx, `INSERT INTO feed_items (feed_id, key, seen) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, feedID, k, now.UnixMilli())
			if err != nil {
				return err
			}
			n, _ := r.RowsAffected()
			added += int(n)
		}
		if added > 0 {
			_, err = tx.ExecContext(ctx, `UPDATE feeds SET items = items + ? WHERE id = ?`, added, feedID)
		}
		return err
	})
}
