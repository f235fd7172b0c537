package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/jackc/pgx/v5"
)

// Ensure the optional feed service is implemented.
var _ intelcell.FeedService = (*DB)(nil)

// feedMigration adds feed subscriptions and the items already handled, as
// the SQLite store has them. A feed URL (up to 4096 bytes) and an item key
// (any length) may be longer than a btree index entry can be (about 2700
// bytes), so both are unique by their SHA-256 (url_hash, key_hash), computed
// from the exact bytes the caller gave; the text columns keep the values
// (made storable by clean).
const feedMigration = `
CREATE TABLE feeds (
	id            TEXT COLLATE "C" PRIMARY KEY,
	org_id        BIGINT NOT NULL REFERENCES orgs(id),
	url           TEXT NOT NULL,
	url_hash      BYTEA NOT NULL,
	rel           TEXT NOT NULL, -- JSON release; '' for the org's default
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	polled        BIGINT,
	error         TEXT NOT NULL DEFAULT '',
	items         INTEGER NOT NULL DEFAULT 0,
	created       BIGINT NOT NULL,
	UNIQUE (org_id, url_hash)
);
CREATE TABLE feed_items (
	feed_id  TEXT COLLATE "C" NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
	key_hash BYTEA NOT NULL,
	key      TEXT NOT NULL,
	seen     BIGINT NOT NULL,
	PRIMARY KEY (feed_id, key_hash)
);
`

// hashKey is the SHA-256 of a feed URL or item key, its identity in the
// unique indexes of feeds and feed_items.
func hashKey(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// CreateFeed subscribes an org to a feed.
func (db *DB) CreateFeed(ctx context.Context, org, rawURL string, rel intelcell.Release) (*intelcell.Feed, error) {
	relJSON, err := intelcell.CheckFeed(rawURL, rel)
	if err != nil {
		return nil, err
	}
	id, err := orgID(ctx, db.pool, org)
	if err != nil {
		return nil, err
	}
	f := &intelcell.Feed{ID: newID(), Org: org, URL: rawURL, Release: rel, Created: fromMillis(db.now())}
	err = db.withTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO feeds (id, org_id, url, url_hash, rel, created) VALUES ($1, $2, $3, $4, $5, $6)`,
			f.ID, id, clean(rawURL), hashKey(rawURL), clean(relJSON), f.Created.UnixMilli())
		return err
	})
	if isUnique(err) {
		return nil, intelcell.Errorf(intelcell.ECONFLICT, "org %s already has feed %s", org, rawURL)
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// FindFeeds lists every feed, oldest first.
func (db *DB) FindFeeds(ctx context.Context) ([]*intelcell.Feed, error) {
	rows, err := db.pool.Query(ctx, `SELECT f.id, o.name, f.url, f.rel, f.etag, f.last_modified, f.polled, f.error, f.items, f.created
		FROM feeds f JOIN orgs o ON o.id = f.org_id ORDER BY f.created, f.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*intelcell.Feed
	for rows.Next() {
		var f intelcell.Feed
		var rel string
		var polled *int64
		var created int64
		if err := rows.Scan(&f.ID, &f.Org, &f.URL, &rel, &f.ETag, &f.LastModified, &polled, &f.Error, &f.Items, &created); err != nil {
			return nil, err
		}
		if rel != "" {
			if err := json.Unmarshal([]byte(rel), &f.Release); err != nil {
				return nil, err
			}
		}
		if polled != nil {
			t := fromMillis(*polled)
			f.Polled = &t
		}
		f.Created = fromMillis(created)
		out = append(out, &f)
	}
	return out, rows.Err()
}

// FeedItemsSeen returns which item keys an earlier poll handled. Keys are
// looked up by their hash, so a key comes back exactly as the caller gave it.
func (db *DB) FeedItemsSeen(ctx context.Context, feedID string, keys []string) (map[string]bool, error) {
	seen := map[string]bool{}
	if len(keys) == 0 {
		return seen, nil
	}
	byHash := make(map[string]string, len(keys))
	hashes := make([][]byte, 0, len(keys))
	for _, k := range keys {
		h := hashKey(k)
		if _, dup := byHash[string(h)]; !dup {
			byHash[string(h)] = k
			hashes = append(hashes, h)
		}
	}
	rows, err := db.pool.Query(ctx, `SELECT key_hash FROM feed_items WHERE feed_id = $1 AND key_hash = ANY($2::bytea[])`, clean(feedID), hashes)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h []byte
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		if k, ok := byHash[string(h)]; ok {
			seen[k] = true
		}
	}
	return seen, rows.Err()
}

// RecordFeedPoll stores the outcome of a poll. The feed's row is updated
// first, which also serialises concurrent polls of one feed (two serve
// processes on one database), so the item count stays the number of
// distinct keys recorded.
func (db *DB) RecordFeedPoll(ctx context.Context, feedID string, p intelcell.FeedPoll, now time.Time) error {
	feedID = clean(feedID)
	return db.withTx(ctx, func(tx pgx.Tx) error {
		var q string
		args := []any{feedID, now.UnixMilli()}
		switch {
		case p.Error != "":
			q = `UPDATE feeds SET polled = $2, error = $3 WHERE id = $1`
			args = append(args, clean(p.Error))
		case p.NotModified:
			q = `UPDATE feeds SET polled = $2, error = '' WHERE id = $1`
		default:
			q = `UPDATE feeds SET polled = $2, error = '', etag = $3, last_modified = $4 WHERE id = $1`
			args = append(args, clean(p.ETag), clean(p.LastModified))
		}
		tag, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return intelcell.Errorf(intelcell.ENOTFOUND, "no feed %s", feedID)
		}
		if len(p.Seen) == 0 {
			return nil
		}
		hashes := make([][]byte, len(p.Seen))
		keys := make([]string, len(p.Seen))
		for i, k := range p.Seen {
			hashes[i], keys[i] = hashKey(k), clean(k)
		}
		// A key given twice, or seen by an earlier poll, is not counted again.
		tag, err = tx.Exec(ctx, `INSERT INTO feed_items (feed_id, key_hash, key, seen)
			SELECT $1, h, k, $2 FROM unnest($3::bytea[], $4::text[]) AS x(h, k)
			ON CONFLICT DO NOTHING`, feedID, now.UnixMilli(), hashes, keys)
		if err != nil {
			return err
		}
		if added := tag.RowsAffected(); added > 0 {
			_, err = tx.Exec(ctx, `UPDATE feeds SET items = items + $2 WHERE id = $1`, feedID, added)
		}
		return err
	})
}
