package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/fuse"
)

// Ensure the fusion interface is implemented.
var _ intelcell.FusionService = (*DB)(nil)

// fusionMigration adds what fusion needs: the MinHash signature of every
// report with a Document (near-duplicate copy groups without re-reading
// texts), the merged-event name of every event (fuse.MergedID of its id, so
// GET /merged-events/{id} finds its event), and analysts' decisions.
const fusionMigration = `
CREATE TABLE report_signatures (
	report_seq INTEGER PRIMARY KEY REFERENCES reports(seq) ON DELETE CASCADE,
	sig        BLOB NOT NULL
);
CREATE TABLE fusion_keys (
	mid        TEXT PRIMARY KEY,
	report_seq INTEGER NOT NULL REFERENCES reports(seq) ON DELETE CASCADE,
	n          INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX fusion_keys_report ON fusion_keys(report_seq);
CREATE TABLE decisions (
	seq      INTEGER PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	kind     TEXT NOT NULL,
	a        TEXT NOT NULL,
	b        TEXT NOT NULL,
	org_id   INTEGER NOT NULL REFERENCES orgs(id),
	token_id TEXT NOT NULL,
	at       INTEGER NOT NULL
);
CREATE INDEX decisions_a ON decisions(a);
CREATE INDEX decisions_b ON decisions(b);
`

// saveFusion records, in the transaction that stores a report's Document,
// the report's signature (once: the text never changes) and the merged-event
// names of its events.
func saveFusion(ctx context.Context, tx *sql.Tx, seq int64, reportID string, nEvents int) error {
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM report_signatures WHERE report_seq = ?`, seq).Scan(&have); err != nil {
		return err
	}
	if have == 0 {
		var title, text string
		if err := tx.QueryRowContext(ctx, `SELECT title, text FROM reports WHERE seq = ?`, seq).Scan(&title, &text); err != nil {
			return err
		}
		sig, _ := fuse.Sign(title + "\n" + text).MarshalBinary()
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_signatures (report_seq, sig) VALUES (?, ?)`, seq, sig); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM fusion_keys WHERE report_seq = ?`, seq); err != nil {
		return err
	}
	for n := range nEvents {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO fusion_keys (mid, report_seq, n) VALUES (?, ?, ?)`,
			fuse.MergedID(reportID+"-"+strconv.Itoa(n)), seq, n); err != nil {
			return err
		}
	}
	return nil
}

var backfilled sync.Map // *DB → *sync.Once

// backfillFusion fills signatures and merged-event names for Documents
// stored before the fusion migration, once per DB per process.
func (db *DB) backfillFusion(ctx context.Context) error {
	o, _ := backfilled.LoadOrStore(db, new(sync.Once))
	var err error
	o.(*sync.Once).Do(func() {
		type todo struct {
			seq int64
			id  string
			n   int
		}
		var ts []todo
		rows, qerr := db.w.QueryContext(ctx, `SELECT d.report_seq, r.id, (SELECT count(*) FROM events e WHERE e.report_seq = d.report_seq)
			FROM documents d JOIN reports r ON r.seq = d.report_seq
			WHERE NOT EXISTS (SELECT 1 FROM report_signatures s WHERE s.report_seq = d.report_seq)`)
		if qerr != nil {
			err = qerr
			return
		}
		for rows.Next() {
			var t todo
			if err = rows.Scan(&t.seq, &t.id, &t.n); err != nil {
				rows.Close()
				return
			}
			ts = append(ts, t)
		}
		rows.Close()
		for start := 0; start < len(ts); start += 500 {
			batch := ts[start:min(start+500, len(ts))]
			if err = db.withTx(ctx, func(tx *sql.Tx) error {
				for _, t := range batch {
					if err := saveFusion(ctx, tx, t.seq, t.id, t.n); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				return
			}
		}
	})
	if err != nil {
		backfilled.Delete(db) // try again next time
	}
	return err
}

// FusionEvents returns the visible events dated f.From..f.To and their
// reports; the other filters only set Match.
func (db *DB) FusionEvents(ctx context.Context, v intelcell.Viewer, f intelcell.EventFilter) (*intelcell.FusionSet, error) {
	if err := db.backfillFusion(ctx); err != nil {
		return nil, err
	}
	if err := checkDate("from", f.From); err != nil {
		return nil, err
	}
	if err := checkDate("to", f.To); err != nil {
		return nil, err
	}
	// With filters other than the dates, the events passing them are
	// looked up first, planned as event queries are (the plan is chosen
	// before the read transaction: planning reads too).
	mf := f
	mf.From, mf.To, mf.Cursor, mf.Limit = "", "", "", 0
	matchQ, matchArgs := "", []any(nil)
	if mf != (intelcell.EventFilter{}) {
		mf.From, mf.To = f.From, f.To
		where, args, plan, err := db.planEvents(ctx, v, mf, false, 0)
		if err != nil {
			return nil, err
		}
		matchQ, matchArgs = `SELECT e.id FROM `+eventsFrom(plan)+` WHERE `+where, args
	}
	// Every read in one read transaction: one snapshot of the store.
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var match map[string]bool
	if matchQ != "" {
		rows, err := tx.QueryContext(ctx, matchQ, matchArgs...)
		if err != nil {
			return nil, err
		}
		match, err = intelcell.ReadIDs(rows)
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	// The window's visible events are one range of event_bodies, in date
	// order with the release columns beside each body; their reports are
	// then read once each, with their signatures.
	vis, vargs := visBodyRow(v)
	rows, err := tx.QueryContext(ctx, `SELECT b.id, b.body, b.report_seq FROM event_bodies b
		WHERE b.date >= ? AND b.date <= ? AND `+vis+` ORDER BY b.date, b.id`, append([]any{f.From, f.To}, vargs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	set := &intelcell.FusionSet{Reports: map[string]*intelcell.FusionReport{}}
	var seqs []int64 // the report of each event
	bySeq := map[int64]*intelcell.FusionReport{}
	// Rows are read here and their bodies decoded by a second goroutine, in
	// batches: the two halves of the work overlap on two cores.
	type batch struct {
		ids  []string
		body []byte
		ends []int
	}
	batches := make(chan *batch, 4)
	free := make(chan *batch, 8) // decoded batches, for reuse
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		// Decoded by a fuse.EventDecoder: json.Unmarshal's result, a few
		// times faster, sharing repeated strings.
		dec := fuse.NewEventDecoder()
		for b := range batches {
			start := 0
			for i, id := range b.ids {
				fe := &intelcell.FusionEvent{ID: id}
				if err := dec.Decode(b.body[start:b.ends[i]], &fe.Event); err != nil {
					return err
				}
				start = b.ends[i]
				fe.Match = match == nil || match[id]
				set.Events = append(set.Events, fe)
			}
			select {
			case free <- b:
			default:
			}
		}
		return nil
	})
	g.Go(func() error {
		defer close(batches)
		next := func() *batch {
			select {
			case b := <-free:
				b.ids, b.body, b.ends = b.ids[:0], b.body[:0], b.ends[:0]
				return b
			default:
				return &batch{ids: make([]string, 0, 256), body: make([]byte, 0, 256*512), ends: make([]int, 0, 256)}
			}
		}
		cur := next()
		var body sql.RawBytes
		for rows.Next() {
			var id string
			var seq int64
			if err := rows.Scan(&id, &body, &seq); err != nil {
				return err
			}
			if len(seqs) >= intelcell.MaxFusionEvents {
				return intelcell.Errorf(intelcell.EINVALID, "more than %d events from %s to %s: narrow the window", intelcell.MaxFusionEvents, f.From, f.To)
			}
			seqs = append(seqs, seq)
			bySeq[seq] = nil
			cur.ids, cur.body = append(cur.ids, id), append(cur.body, body...)
			cur.ends = append(cur.ends, len(cur.body))
			if len(cur.ids) == 256 {
				select {
				case batches <- cur:
				case <-gctx.Done():
					return gctx.Err()
				}
				cur = next()
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(cur.ids) > 0 {
			select {
			case batches <- cur:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(set.Events) == 0 {
		return set, nil
	}
	keys := make([]byte, 0, 8*len(bySeq))
	keys = append(keys, '[')
	for seq := range bySeq {
		if len(keys) > 1 {
			keys = append(keys, ',')
		}
		keys = strconv.AppendInt(keys, seq, 10)
	}
	keys = append(keys, ']')
	rrows, err := tx.QueryContext(ctx, `SELECT r.seq, r.id, r.date, r.org_id, o.name, r.attribution, s.sig
		FROM reports r JOIN orgs o ON o.id = r.org_id LEFT JOIN report_signatures s ON s.report_seq = r.seq
		WHERE r.seq IN (SELECT value FROM json_each(?))`, string(keys))
	if err != nil {
		return nil, err
	}
	defer rrows.Close()
	for rrows.Next() {
		var seq, org int64
		var oname string
		var attributed bool
		fr := &intelcell.FusionReport{}
		if err := rrows.Scan(&seq, &fr.ID, &fr.Date, &org, &oname, &attributed, &fr.Sig); err != nil {
			return nil, err
		}
		if attributed || (!v.Anonymous() && intelcell.OrgID(org) == v.Org) {
			fr.Org = oname
		}
		bySeq[seq] = fr
	}
	if err := rrows.Err(); err != nil {
		return nil, err
	}
	for i, fe := range set.Events {
		fr := bySeq[seqs[i]]
		if fr == nil {
			return nil, fmt.Errorf("sqlite: event %s without its report", fe.ID)
		}
		fe.Report = fr.ID
		set.Reports[fr.ID] = fr
	}
	return set, nil
}

// FusionEventDate returns the visible event a merged event was named after.
func (db *DB) FusionEventDate(ctx context.Context, v intelcell.Viewer, mergedID string) (string, string, error) {
	if err := db.backfillFusion(ctx); err != nil {
		return "", "", err
	}
	vis, vargs := visJoined(v)
	var id, date string
	err := db.r.QueryRowContext(ctx, `SELECT e.id, e.date FROM fusion_keys k JOIN events e ON e.report_seq = k.report_seq AND e.n = k.n
		JOIN reports r ON r.seq = e.report_seq WHERE k.mid = ? AND `+vis, append([]any{mergedID}, vargs...)...).Scan(&id, &date)
	if err == sql.ErrNoRows {
		return "", "", intelcell.Errorf(intelcell.ENOTFOUND, "merged event not found")
	}
	return id, date, err
}

// LastEventDate returns the date of the newest visible event.
func (db *DB) LastEventDate(ctx context.Context, v intelcell.Viewer) (string, error) {
	vis, vargs := visEventRow(v)
	var date string
	err := db.r.QueryRowContext(ctx, `SELECT e.date FROM events e INDEXED BY events_scan WHERE `+vis+
		` ORDER BY e.date DESC LIMIT 1`, vargs...).Scan(&date)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return date, err
}

// CreateDecision stores a decision of v's org about two events v may see.
func (db *DB) CreateDecision(ctx context.Context, v intelcell.Viewer, d *intelcell.Decision) error {
	if d.Kind != intelcell.DecisionSplit && d.Kind != intelcell.DecisionJoin {
		return intelcell.Errorf(intelcell.EINVALID, "kind must be split or join")
	}
	if d.A == "" || d.B == "" || d.A == d.B {
		return intelcell.Errorf(intelcell.EINVALID, "a and b must be two different event ids")
	}
	if v.Anonymous() {
		return intelcell.Errorf(intelcell.EUNAUTHORIZED, "a bearer token is required")
	}
	vis, vargs := visJoined(v)
	return db.withTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM events e JOIN reports r ON r.seq = e.report_seq WHERE e.id IN (?, ?) AND `+vis,
			append([]any{d.A, d.B}, vargs...)...).Scan(&n); err != nil {
			return err
		}
		if n != 2 {
			return intelcell.Errorf(intelcell.ENOTFOUND, "event not found")
		}
		d.ID, d.Org, d.Token = newID(), v.OrgName, v.TokenID
		now := db.now()
		d.At = fromMillis(now)
		_, err := tx.ExecContext(ctx, `INSERT INTO decisions (id, kind, a, b, org_id, token_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.Kind, d.A, d.B, int64(v.Org), v.TokenID, now)
		return err
	})
}

// FindDecisions returns the decisions about pairs of events v may both see.
func (db *DB) FindDecisions(ctx context.Context, v intelcell.Viewer, eventIDs []string) ([]*intelcell.Decision, error) {
	vis, vargs := visJoined(v)
	seen := func(col string) string {
		return `EXISTS (SELECT 1 FROM events e JOIN reports r ON r.seq = e.report_seq WHERE e.id = d.` + col + ` AND ` + vis + `)`
	}
	q := `SELECT d.id, d.kind, d.a, d.b, d.org_id, o.name, d.token_id, d.at FROM decisions d JOIN orgs o ON o.id = d.org_id WHERE ` +
		seen("a") + ` AND ` + seen("b")
	args := append(append([]any{}, vargs...), vargs...)
	if eventIDs != nil {
		seqs, err := db.decisionsAmong(ctx, eventIDs)
		if err != nil || len(seqs) == 0 {
			return []*intelcell.Decision{}, err
		}
		keys, _ := json.Marshal(seqs)
		q += ` AND d.seq IN (SELECT value FROM json_each(?))`
		args = append(args, string(keys))
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY d.at, d.seq`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*intelcell.Decision{}
	for rows.Next() {
		var d intelcell.Decision
		var org, at int64
		if err := rows.Scan(&d.ID, &d.Kind, &d.A, &d.B, &org, &d.Org, &d.Token, &at); err != nil {
			return nil, err
		}
		if v.Anonymous() || intelcell.OrgID(org) != v.Org {
			d.Org, d.Token = "", ""
		}
		d.At = fromMillis(at)
		out = append(out, &d)
	}
	return out, rows.Err()
}

// decisionsAmong returns the seqs of the decisions whose two events are
// both among ids, visible or not (FindDecisions then checks visibility).
// Decisions are few beside a window's events: when there are fewer than
// ids, all of them are read and tested in memory; otherwise each id is
// looked up.
func (db *DB) decisionsAmong(ctx context.Context, ids []string) ([]int64, error) {
	var top sql.NullInt64
	if err := db.r.QueryRowContext(ctx, `SELECT max(seq) FROM decisions`).Scan(&top); err != nil || !top.Valid {
		return nil, err // no decisions at all
	}
	q, args := `SELECT seq, a, b FROM decisions`, []any(nil)
	if top.Int64 > int64(len(ids)) {
		js, _ := json.Marshal(ids)
		q, args = `SELECT seq, a, b FROM decisions WHERE a IN (SELECT value FROM json_each(?))`, []any{string(js)}
	}
	in := make(map[string]bool, len(ids))
	for _, id := range ids {
		in[id] = true
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var seq int64
		var a, b string
		if err := rows.Scan(&seq, &a, &b); err != nil {
			return nil, err
		}
		if in[a] && in[b] {
			out = append(out, seq)
		}
	}
	return out, rows.Err()
}

// ActorQuotes returns visible quotes of the actor, newest report first.
func (db *DB) ActorQuotes(ctx context.Context, v intelcell.Viewer, actorID string, limit int) ([]*intelcell.ActorQuote, error) {
	vis, vargs := visJoined(v)
	limit = clampLimit(limit, 50, 1000)
	rows, err := db.r.QueryContext(ctx, `SELECT r.id, r.date, q.text, q.direct, q.start, q.end_ FROM quotes q JOIN reports r ON r.seq = q.report_seq
		WHERE q.speaker_id = ? AND `+vis+` ORDER BY r.date DESC, r.id, q.n LIMIT ?`, append(append([]any{actorID}, vargs...), limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*intelcell.ActorQuote{}
	for rows.Next() {
		var q intelcell.ActorQuote
		if err := rows.Scan(&q.Report, &q.Date, &q.Text, &q.Direct, &q.Span.Start, &q.Span.End); err != nil {
			return nil, err
		}
		out = append(out, &q)
	}
	return out, rows.Err()
}
