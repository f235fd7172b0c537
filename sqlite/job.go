package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/intelcell/intelcell"
)

// ClaimJobs claims up to n runnable jobs: queued ones whose time has come,
// and running ones whose lease expired (their worker died). Each claim counts
// an attempt, so a report that kills its worker every time ends up failed.
func (db *DB) ClaimJobs(ctx context.Context, n int, lease time.Duration) ([]*intelcell.Job, error) {
	if n <= 0 {
		return nil, nil
	}
	now := db.now()
	token := newID()
	var jobs []*intelcell.Job
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease = ?, lease_until = ?
			WHERE id IN (SELECT id FROM jobs WHERE (state = 'queued' AND run_after <= ?) OR (state = 'running' AND lease_until < ?)
				ORDER BY run_after, id LIMIT ?)
			RETURNING id, report_seq, attempts`, token, now+lease.Milliseconds(), now, now, n)
		if err != nil {
			return err
		}
		var seqs []int64
		for rows.Next() {
			j := &intelcell.Job{Lease: token}
			var seq int64
			if err := rows.Scan(&j.ID, &seq, &j.Attempts); err != nil {
				rows.Close()
				return err
			}
			jobs = append(jobs, j)
			seqs = append(seqs, seq)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i, j := range jobs {
			err := tx.QueryRowContext(ctx, `UPDATE reports SET status = 'processing' WHERE seq = ? RETURNING id, title, text, date`, seqs[i]).
				Scan(&j.ReportID, &j.Input.Title, &j.Input.Text, &j.Input.Date)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return jobs, nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func actorCols(a *intelcell.Actor) (id, code, country string) {
	if a == nil {
		return "", "", ""
	}
	id = a.ID
	if id == "" {
		id = a.Code
	}
	return id, a.Code, a.CountryCode()
}

// FinishJobs records job results in one transaction. A result for a job
// whose lease was taken over by another worker is ignored.
func (db *DB) FinishJobs(ctx context.Context, results []intelcell.JobResult) error {
	if len(results) == 0 {
		return nil
	}
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		stmts := map[string]*sql.Stmt{}
		prep := func(q string) (*sql.Stmt, error) {
			if s, ok := stmts[q]; ok {
				return s, nil
			}
			s, err := tx.PrepareContext(ctx, q)
			if err != nil {
				return nil, err
			}
			stmts[q] = s
			return s, nil
		}
		defer func() {
			for _, s := range stmts {
				s.Close()
			}
		}()
		exec := func(q string, args ...any) error {
			s, err := prep(q)
			if err != nil {
				return err
			}
			_, err = s.ExecContext(ctx, args...)
			return err
		}
		for _, res := range results {
			j := res.Job
			var seq, org int64
			var lease sql.NullString
			var audience string
			err := tx.QueryRowContext(ctx, `SELECT j.report_seq, j.lease, r.audience, r.org_id FROM jobs j JOIN reports r ON r.seq = j.report_seq
				WHERE j.id = ?`, j.ID).Scan(&seq, &lease, &audience, &org)
			if err == sql.ErrNoRows || (err == nil && lease.String != j.Lease) {
				continue // finished or re-claimed by someone else
			} else if err != nil {
				return err
			}
			if res.Err != nil || res.Doc == nil {
				msg := "no document"
				if res.Err != nil {
					msg = res.Err.Error()
				}
				if j.Attempts >= db.MaxAttempts {
					if err := exec(`UPDATE jobs SET state = 'failed', lease = NULL, error = ? WHERE id = ?`, msg, j.ID); err != nil {
						return err
					}
					if err := exec(`UPDATE reports SET status = 'failed', error = ? WHERE seq = ?`, msg, seq); err != nil {
						return err
					}
					continue
				}
				next := now + db.Backoff(j.Attempts).Milliseconds()
				if err := exec(`UPDATE jobs SET state = 'queued', lease = NULL, run_after = ?, error = ? WHERE id = ?`, next, msg, j.ID); err != nil {
					return err
				}
				if err := exec(`UPDATE reports SET status = 'queued', error = ? WHERE seq = ?`,
					fmt.Sprintf("attempt %d failed: %s; will retry", j.Attempts, msg), seq); err != nil {
					return err
				}
				continue
			}
			if err := db.saveDocument(ctx, exec, seq, j.ReportID, audience, org, res.Doc, now); err != nil {
				return err
			}
			if err := saveFusion(ctx, tx, seq, j.ReportID, len(res.Doc.Events)); err != nil { // fusion.go
				return err
			}
			if err := exec(`DELETE FROM jobs WHERE id = ?`, j.ID); err != nil {
				return err
			}
			if err := exec(`UPDATE reports SET status = 'done', error = '' WHERE seq = ?`, seq); err != nil {
				return err
			}
		}
		return nil
	})
}

// saveDocument replaces a report's Document and the rows derived from it;
// audience and org are the report's, copied onto its events (read in the
// same transaction: the events_release trigger keeps them in step later).
func (db *DB) saveDocument(ctx context.Context, exec func(string, ...any) error, seq int64, reportID, audience string, org int64, d *intelcell.Document, now int64) error {
	for _, t := range []string{"events", "event_bodies", "mentions", "quotes", "places"} {
		if err := exec(`DELETE FROM `+t+` WHERE report_seq = ?`, seq); err != nil {
			return err
		}
	}
	body, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if err := exec(`INSERT INTO documents (report_seq, extractor, kb, body, created) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (report_seq) DO UPDATE SET extractor = excluded.extractor, kb = excluded.kb, body = excluded.body, created = excluded.created`,
		seq, d.Extractor, d.KB, string(body), now); err != nil {
		return err
	}
	for i := range d.Events {
		e := &d.Events[i]
		eb, err := json.Marshal(e)
		if err != nil {
			return err
		}
		sid, scode, sc := actorCols(e.Source)
		tid, tcode, tc := actorCols(e.Target)
		var lat, lon any
		if e.Place != nil {
			lat, lon = e.Place.Lat, e.Place.Lon
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
		if err := exec(`INSERT INTO events (report_seq, n, id, date, cameo, root, plover, src_id, src_code, src_country, tgt_id, tgt_code, tgt_country, negated, lat, lon,
			goldstein, audience, org_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			seq, i, id, date, e.Cameo, root, e.Plover, sid, scode, sc, tid, tcode, tc, e.Negated, lat, lon, e.Goldstein, audience, org); err != nil {
			return err
		}
		if err := exec(`INSERT INTO event_bodies (date, id, report_seq, audience, org_id, body) VALUES (?, ?, ?, ?, ?, ?)`,
			date, id, seq, audience, org, string(eb)); err != nil {
			return err
		}
	}
	for i, m := range d.Mentions {
		id, code, country := actorCols(&m.Actor)
		if err := exec(`INSERT INTO mentions (report_seq, n, start, end_, text, actor_id, code, name, kind, country) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			seq, i, m.Start, m.End, m.Text, id, code, m.Actor.Name, m.Actor.Kind, country); err != nil {
			return err
		}
	}
	for i, q := range d.Quotes {
		sid, _, _ := actorCols(q.Speaker)
		if err := exec(`INSERT INTO quotes (report_seq, n, speaker_id, text, direct, start, end_) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			seq, i, sid, q.Text, q.Direct, q.Span.Start, q.Span.End); err != nil {
			return err
		}
	}
	for i, p := range d.Places {
		c := ""
		if p.Country != nil {
			c = *p.Country
		}
		if err := exec(`INSERT INTO places (report_seq, n, start, end_, text, name, lat, lon, country) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			seq, i, p.Start, p.End, p.Text, p.Name, p.Lat, p.Lon, c); err != nil {
			return err
		}
	}
	return nil
}

// RequeueJobs returns claimed jobs to the queue without counting the attempt.
func (db *DB) RequeueJobs(ctx context.Context, jobs []*intelcell.Job) error {
	now := db.now()
	return db.withTx(ctx, func(tx *sql.Tx) error {
		for _, j := range jobs {
			var seq int64
			err := tx.QueryRowContext(ctx, `UPDATE jobs SET state = 'queued', attempts = max(attempts - 1, 0), lease = NULL, run_after = ?
				WHERE id = ? AND lease = ? RETURNING report_seq`, now, j.ID, j.Lease).Scan(&seq)
			if err == sql.ErrNoRows {
				continue
			} else if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE reports SET status = 'queued' WHERE seq = ?`, seq); err != nil {
				return err
			}
		}
		return nil
	})
}

// ReprocessReports queues reports whose Document came from another
// extractor or KB version.
func (db *DB) ReprocessReports(ctx context.Context, extractor, kb string) (int, error) {
	now := db.now()
	var n int64
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO jobs (report_seq, state, run_after, created)
			SELECT report_seq, 'queued', ?, ? FROM documents WHERE extractor != ? OR kb != ?
			ON CONFLICT (report_seq) DO UPDATE SET state = 'queued', attempts = 0, run_after = excluded.run_after, lease = NULL
			WHERE jobs.state = 'failed'`, now, now, extractor, kb)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}

// QueueStats returns job counts by state, and reports by status as
// "report_<status>".
func (db *DB) QueueStats(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, q := range []string{`SELECT state, count(*) FROM jobs GROUP BY 1`, `SELECT 'report_' || status, count(*) FROM reports GROUP BY 1`} {
		cs, err := db.counts(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			out[c.Key] = c.Count
		}
	}
	return out, nil
}
