// Package postgres implements intelcell.Store on PostgreSQL through
// github.com/jackc/pgx/v5 (pgxpool), with the same semantics as the SQLite
// store: both pass the one conformance suite in storetest.
//
// Durability: every write method runs in one transaction and returns after
// COMMIT, which with PostgreSQL's default synchronous_commit=on means the
// transaction's WAL is flushed to disk on the server.
//
// Several processes may share one database (several `intelcell serve`, the
// admin CLI while they run): migrations are applied at start-up under a
// session advisory lock, so processes that start together apply each one
// exactly once; jobs are claimed with FOR UPDATE SKIP LOCKED under leases, so
// no job is handed to two workers; audit appends lock the audit table, so the
// hash chain has one order.
//
// Visibility: every read compiles intelcell.Visible into its WHERE clause
// through one SQL fragment (visWhere), so the rule is applied before LIMIT,
// OFFSET and COUNT.
//
// Full-text search uses a tsvector per report in report_fts (GIN index) of
// the same words SQLite's unicode61 tokenizer sees: runs of letters and
// digits, lower-cased, diacritics removed (ftsVector, ftsQuery). Results are
// ranked by ts_rank; snippets come from ts_headline.
package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/intelcell/intelcell"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Ensure the interface is implemented.
var _ intelcell.Store = (*DB)(nil)

// DB is the PostgreSQL store.
type DB struct {
	pool   *pgxpool.Pool
	schema string // the schema the store lives in (first of search_path)
	url    string // the connection URL without its password

	// Now returns the current time; tests may replace it.
	Now func() time.Time
	// MaxAttempts is how many times a job is tried before its report fails.
	MaxAttempts int
	// Backoff returns the delay before retry n (1 after the first failure).
	Backoff func(n int) time.Duration
}

// IsURL reports whether s names a PostgreSQL database (a postgres:// or
// postgresql:// URL).
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at the URL (e.g.
// postgres://user@host:5432/db?sslmode=disable) and applies pending
// migrations. The store lives in the URL's search_path schema when it gives
// one (…&search_path=cell1; created if missing), else in "public".
func Open(ctx context.Context, dbURL string) (*DB, error) {
	return OpenSchema(ctx, dbURL, "")
}

// OpenSchema is Open with the store in the named schema, which is created if
// it does not exist ("" keeps the URL's search_path or "public").
func OpenSchema(ctx context.Context, dbURL, schema string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if schema == "" {
		schema, _, _ = strings.Cut(cfg.ConnConfig.RuntimeParams["search_path"], ",")
		schema = strings.Trim(strings.TrimSpace(schema), `"`)
	}
	if schema == "" {
		schema = "public"
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize()
	cfg.ConnConfig.RuntimeParams["application_name"] = "intelcell"
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db := &DB{pool: pool, schema: schema, url: redactURL(dbURL), Now: time.Now, MaxAttempts: 5, Backoff: defaultBackoff}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: migrate %s (schema %s): %w", db.url, schema, err)
	}
	return db, nil
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "postgres"
	}
	return u.Redacted()
}

func defaultBackoff(n int) time.Duration {
	d := time.Second << min(n-1, 8)
	return min(d, 5*time.Minute)
}

// Path describes where the store is: the connection URL without its
// password, and the schema.
func (db *DB) Path() string { return db.url + " schema " + db.schema }

// Schema returns the schema the store lives in.
func (db *DB) Schema() string { return db.schema }

// Pool returns the connection pool (tests and tools).
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Close closes the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.pool.QueryRow(ctx, "SELECT 1").Scan(&one)
}

func (db *DB) now() int64 { return db.Now().UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// newID returns 16 random hex characters: ids reveal nothing about how many
// other items exist.
func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// withTx runs fn in a transaction and commits.
func (db *DB) withTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.pool, fn)
}

// isUnique reports whether err is a unique-constraint violation.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// args collects positional query parameters and names them $1, $2, …
type args []any

// add appends v and returns its placeholder.
func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// visWhere compiles intelcell.Visible for viewer v into a SQL condition on
// the reports table aliased r, adding its parameters to a. It must stay the
// same rule as Visible (the store keeps only valid releases, so the
// invalid-release case of Visible never arises here).
func visWhere(v intelcell.Viewer, a *args) string {
	if v.Anonymous() {
		return "r.audience = 'public'"
	}
	s := "(r.audience IN ('public','cell') OR r.org_id = " + a.add(int64(v.Org))
	if len(v.Groups) > 0 {
		s += " OR (r.audience = 'groups' AND EXISTS (SELECT 1 FROM report_groups rg WHERE rg.report_seq = r.seq AND rg.grp = ANY(" +
			a.add(v.Groups) + "::text[])))"
	}
	return s + ")"
}

// maxVectorBytes bounds the size of one report's tsvector (PostgreSQL
// refuses vectors of 1 MB and more): words past it are not indexed, which
// only a multi-megabyte report of distinct words reaches.
const maxVectorBytes = 900_000

var stripMarks = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// ftsWords calls fn with the words the full-text index sees, in order,
// until fn returns false: the words of SQLite's unicode61 tokenizer with
// remove_diacritics, that is runs of letters, digits and combining marks,
// lower-cased, without diacritics.
func ftsWords(s string, fn func(w string) bool) {
	start, wide := -1, false
	emit := func(w string) bool {
		if wide {
			if t, _, err := transform.String(stripMarks, w); err == nil {
				w = t
			}
		}
		w = strings.ToLower(w)
		if w == "" {
			return true
		}
		return fn(w)
	}
	for i, r := range s {
		var word bool
		if r < utf8.RuneSelf {
			word = 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
		} else {
			word = unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		}
		switch {
		case word && start < 0:
			start, wide = i, r >= utf8.RuneSelf
		case word:
			wide = wide || r >= utf8.RuneSelf
		case start >= 0:
			if !emit(s[start:i]) {
				return
			}
			start = -1
		}
	}
	if start >= 0 {
		emit(s[start:])
	}
}

// ftsVector returns the tsvector of a text in PostgreSQL's input syntax,
// 'word':1,7 'other':2 …, with word positions for ranking. Building it here
// rather than with to_tsvector keeps PostgreSQL's parser, whose words differ
// from SQLite's ("u.s", "foo@bar.com") and depend on the server's locale,
// out of the store: search finds the same reports on both stores.
func ftsVector(s string) string {
	const maxPos, maxPositions, maxLexeme = 16383, 256, 2046
	type lexeme struct{ positions []int }
	var order []string
	lex := map[string]*lexeme{}
	size, pos := 0, 0
	ftsWords(s, func(w string) bool {
		pos++
		if len(w) > maxLexeme {
			return true
		}
		l := lex[w]
		if l == nil {
			if size+len(w)+8 > maxVectorBytes {
				return false
			}
			size += len(w) + 8
			l = &lexeme{}
			lex[w] = l
			order = append(order, w)
		}
		if len(l.positions) < maxPositions && pos <= maxPos {
			l.positions = append(l.positions, pos)
			size += 2
		}
		return true
	})
	var b strings.Builder
	for i, w := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('\'')
		b.WriteString(w) // letters and digits only: nothing to escape
		b.WriteByte('\'')
		for k, p := range lex[w].positions {
			if k == 0 {
				b.WriteByte(':')
			} else {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(p))
		}
	}
	return b.String()
}

// ftsQuery turns free words into a tsquery, in PostgreSQL's input syntax,
// that requires every word (at most 16): 'w1' & 'w2'. It returns "" when
// there is no word. Nothing in the input is query syntax: words are letters
// and digits only.
func ftsQuery(q string) string {
	var words []string
	ftsWords(q, func(w string) bool {
		words = append(words, "'"+w+"'")
		return len(words) < 16
	})
	return strings.Join(words, " & ")
}

// clean makes a string storable in PostgreSQL text: valid UTF-8 without NUL
// bytes (each replaced by U+FFFD).
func clean(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

func clampLimit(n, def, max int) int {
	if n <= 0 {
		return def
	}
	return min(n, max)
}
