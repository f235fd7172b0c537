package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/jackc/pgx/v5"
)

// ClaimJobs claims up to n runnable jobs: queued ones whose time has come,
// and running ones whose lease expired (their worker died). Each claim counts
// an attempt, so a report that kills its worker every time ends up failed.
//
// Several processes may claim at once: the candidate rows are locked with
// FOR UPDATE SKIP LOCKED, so a job another claimer holds is passed over, not
// waited for, and a job is handed to one claimer only. A row whose state was
// changed by a claimer that committed first no longer matches and is not
// taken again.
func (db *DB) ClaimJobs(ctx context.Context, n int, lease time.Duration) ([]*intelcell.Job, error) {
	if n <= 0 {
		return nil, nil
	}
	now := db.now()
	token := newID()
	var jobs []*intelcell.Job
	err := db.withTx(ctx, func(tx pgx.Tx) error {
		jobs = jobs[:0]
		rows, err := tx.Query(ctx, `WITH c AS (
				SELECT id FROM jobs WHERE (state = 'queued' AND run_after <= $3) OR (state = 'running' AND lease_until < $3)
				ORDER BY run_after, id LIMIT $4 FOR UPDATE SKIP LOCKED
			), j AS (
				UPDATE jobs SET state = 'running', attempts = attempts + 1, lease = $1, lease_until = $2
				FROM c WHERE jobs.id = c.id RETURNING jobs.id, jobs.report_seq, jobs.attempts
			)
			UPDATE reports r SET status = 'processing' FROM j WHERE r.seq = j.report_seq
			RETURNING j.id, j.attempts, r.id, r.title, r.text, r.date`, token, now+lease.Milliseconds(), now, n)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j := &intelcell.Job{Lease: token}
			if err := rows.Scan(&j.ID, &j.Attempts, &j.ReportID, &j.Input.Title, &j.Input.Text, &j.Input.Date); err != nil {
				return err
			}
			jobs = append(jobs, j)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	sortJobs(jobs)
	return jobs, nil
}

// sortJobs orders jobs by id (the order they were queued in).
func sortJobs(jobs []*intelcell.Job) {
	for i := 1; i < len(jobs); i++ {
		for k := i; k > 0 && jobs[k].ID < jobs[k-1].ID; k-- {
			jobs[k], jobs[k-1] = jobs[k-1], jobs[k]
		}
	}
}

func actorCols(a *intelcell.Actor) (id, code, country string) {
	if a == nil {
		return "", "", ""
	}
	id = a.ID
	if id == "" {
		id = a.Code
	}
	return clean(id), clean(a.Code), clean(a.CountryCode())
}

// FinishJobs records job results in one transaction. A result for a job
// whose lease was taken over by another worker is ignored. The jobs' rows
// are locked first (in id order, so that finishers never deadlock), the
// Documents' derived rows are written with COPY, and what fusion keeps of a
// Document (report signature, merged-event names: saveFusion) is written
// in the same transaction.
func (db *DB) FinishJobs(ctx context.Context, results []intelcell.JobResult) error {
	if len(results) == 0 {
		return nil
	}
	now := db.now()
	ids := make([]int64, 0, len(results))
	for _, res := range results {
		ids = append(ids, res.Job.ID)
	}
	return db.withTx(ctx, func(tx pgx.Tx) error {
		type held struct {
			seq   int64
			lease *string
		}
		current := map[int64]held{}
		rows, err := tx.Query(ctx, `SELECT id, report_seq, lease FROM jobs WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var h held
			if err := rows.Scan(&id, &h.seq, &h.lease); err != nil {
				rows.Close()
				return err
			}
			current[id] = h
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		b := &pgx.Batch{}
		var done []int64 // report seqs
		var doneJobs []int64
		var events, mentions, quotes, places [][]any
		var named []fusionEvent // fusion.go
		for _, res := range results {
			j := res.Job
			h, ok := current[j.ID]
			if !ok || h.lease == nil || *h.lease != j.Lease {
				continue // finished or re-claimed by someone else
			}
			delete(current, j.ID) // a job given twice in one call counts once
			if res.Err != nil || res.Doc == nil {
				msg := "no document"
				if res.Err != nil {
					msg = clean(res.Err.Error())
				}
				if j.Attempts >= db.MaxAttempts {
					b.Queue(`UPDATE jobs SET state = 'failed', lease = NULL, error = $1 WHERE id = $2`, msg, j.ID)
					b.Queue(`UPDATE reports SET status = 'failed', error = $1 WHERE seq = $2`, msg, h.seq)
					continue
				}
				next := now + db.Backoff(j.Attempts).Milliseconds()
				b.Queue(`UPDATE jobs SET state = 'queued', lease = NULL, run_after = $1, error = $2 WHERE id = $3`, next, msg, j.ID)
				b.Queue(`UPDATE reports SET status = 'queued', error = $1 WHERE seq = $2`,
					fmt.Sprintf("attempt %d failed: %s; will retry", j.Attempts, msg), h.seq)
				continue
			}
			d := res.Doc
			body, err := json.Marshal(d)
			if err != nil {
				return err
			}
			b.Queue(`INSERT INTO documents (report_seq, extractor, kb, body, created) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (report_seq) DO UPDATE SET extractor = excluded.extractor, kb = excluded.kb, body = excluded.body, created = excluded.created`,
				h.seq, clean(d.Extractor), clean(d.KB), string(body), now)
			done, doneJobs = append(done, h.seq), append(doneJobs, j.ID)
			rows, err := derivedRows(h.seq, j.ReportID, d)
			if err != nil {
				return err
			}
			events = append(events, rows.events...)
			named = append(named, rows.named...)
			mentions = append(mentions, rows.mentions...)
			quotes = append(quotes, rows.quotes...)
			places = append(places, rows.places...)
		}
		if len(done) > 0 {
			for _, t := range []string{"events", "mentions", "quotes", "places"} {
				b.Queue(`DELETE FROM `+t+` WHERE report_seq = ANY($1)`, done)
			}
			b.Queue(`DELETE FROM jobs WHERE id = ANY($1)`, doneJobs)
			b.Queue(`UPDATE reports SET status = 'done', error = '' WHERE seq = ANY($1)`, done)
		}
		if b.Len() > 0 {
			if err := tx.SendBatch(ctx, b).Close(); err != nil {
				return err
			}
		}
		for _, c := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"events", []string{"report_seq", "n", "id", "date", "cameo", "root", "plover", "src_id", "src_code", "src_country", "tgt_id", "tgt_code", "tgt_country", "negated", "lat", "lon", "body"}, events},
			{"mentions", []string{"report_seq", "n", "start", "end_", "text", "actor_id", "code", "name", "kind", "country"}, mentions},
			{"quotes", []string{"report_seq", "n", "speaker_id", "text", "direct", "start", "end_"}, quotes},
			{"places", []string{"report_seq", "n", "start", "end_", "text", "name", "lat", "lon", "country"}, places},
		} {
			if len(c.rows) == 0 {
				continue
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
				return fmt.Errorf("copy %s: %w", c.table, err)
			}
		}
		return saveFusion(ctx, tx, done, named) // fusion.go
	})
}

type derived struct {
	events, mentions, quotes, places [][]any
	named                            []fusionEvent // the events, for their merged-event names
}

// derivedRows returns the rows a Document adds to events, mentions, quotes
// and places.
func derivedRows(seq int64, reportID string, d *intelcell.Document) (derived, error) {
	var out derived
	for i := range d.Events {
		e := &d.Events[i]
		eb, err := json.Marshal(e)
		if err != nil {
			return out, err
		}
		sid, scode, sc := actorCols(e.Source)
		tid, tcode, tc := actorCols(e.Target)
		var lat, lon *float64
		if e.Place != nil {
			lat, lon = &e.Place.Lat, &e.Place.Lon
		}
		root := e.Cameo
		if len(root) > 2 {
			root = root[:2]
		}
		date := e.Date
		if date == "" {
			date = d.Date
		}
		id := reportID + "-" + strconv.Itoa(i)
		out.named = append(out.named, fusionEvent{id: id, seq: seq, n: int32(i)})
		out.events = append(out.events, []any{seq, int32(i), id, clean(date), clean(e.Cameo), clean(root), clean(e.Plover),
			sid, scode, sc, tid, tcode, tc, e.Negated, lat, lon, string(eb)})
	}
	for i, m := range d.Mentions {
		id, code, country := actorCols(&m.Actor)
		out.mentions = append(out.mentions, []any{seq, int32(i), int32(m.Start), int32(m.End), clean(m.Text), id, code, clean(m.Actor.Name), clean(m.Actor.Kind), country})
	}
	for i, q := range d.Quotes {
		sid, _, _ := actorCols(q.Speaker)
		out.quotes = append(out.quotes, []any{seq, int32(i), sid, clean(q.Text), q.Direct, int32(q.Span.Start), int32(q.Span.End)})
	}
	for i, p := range d.Places {
		c := ""
		if p.Country != nil {
			c = clean(*p.Country)
		}
		out.places = append(out.places, []any{seq, int32(i), int32(p.Start), int32(p.End), clean(p.Text), clean(p.Name), p.Lat, p.Lon, c})
	}
	return out, nil
}

// RequeueJobs returns claimed jobs to the queue without counting the attempt.
func (db *DB) RequeueJobs(ctx context.Context, jobs []*intelcell.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	ids := make([]int64, len(jobs))
	leases := make([]string, len(jobs))
	for i, j := range jobs {
		ids[i], leases[i] = j.ID, j.Lease
	}
	now := db.now()
	_, err := db.pool.Exec(ctx, `WITH j AS (
			UPDATE jobs SET state = 'queued', attempts = greatest(attempts - 1, 0), lease = NULL, run_after = $1
			FROM unnest($2::bigint[], $3::text[]) AS x(id, lease)
			WHERE jobs.id = x.id AND jobs.lease = x.lease RETURNING jobs.report_seq
		)
		UPDATE reports SET status = 'queued' FROM j WHERE reports.seq = j.report_seq`, now, ids, leases)
	return err
}

// ReprocessReports queues reports whose Document came from another
// extractor or KB version.
func (db *DB) ReprocessReports(ctx context.Context, extractor, kb string) (int, error) {
	now := db.now()
	tag, err := db.pool.Exec(ctx, `INSERT INTO jobs (report_seq, state, run_after, created)
		SELECT report_seq, 'queued', $1, $1 FROM documents WHERE extractor <> $2 OR kb <> $3
		ON CONFLICT (report_seq) DO UPDATE SET state = 'queued', attempts = 0, run_after = excluded.run_after, lease = NULL
		WHERE jobs.state = 'failed'`, now, clean(extractor), clean(kb))
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// QueueStats returns job counts by state, and reports by status as
// "report_<status>".
func (db *DB) QueueStats(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	cs, err := db.counts(ctx, `SELECT state, count(*) FROM jobs GROUP BY 1
		UNION ALL SELECT 'report_' || status, count(*) FROM reports GROUP BY 1`)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		out[c.Key] = c.Count
	}
	return out, nil
}

// ExtendLeases extends the leases of running jobs the caller still holds
// (same lease token) to now+lease, so that workers may hold short leases
// while they work and a crashed process's jobs come back soon (worker.Pool
// renews them). Jobs whose lease was taken over are left alone.
func (db *DB) ExtendLeases(ctx context.Context, jobs []*intelcell.Job, lease time.Duration) error {
	if len(jobs) == 0 {
		return nil
	}
	ids := make([]int64, len(jobs))
	leases := make([]string, len(jobs))
	for i, j := range jobs {
		ids[i], leases[i] = j.ID, j.Lease
	}
	_, err := db.pool.Exec(ctx, `UPDATE jobs SET lease_until = $1 FROM unnest($2::bigint[], $3::text[]) AS x(id, lease)
		WHERE jobs.id = x.id AND jobs.lease = x.lease AND jobs.state = 'running'`, db.now()+lease.Milliseconds(), ids, leases)
	return err
}
