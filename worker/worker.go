// Package worker runs extraction jobs from a store's queue with a bounded
// pool of goroutines: it claims a batch of jobs (leases), extracts them in
// parallel, and records the results in one transaction. A job whose worker
// dies is claimed again when its lease expires; on shutdown the running batch
// is finished, or requeued if it does not finish within the grace period.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/extract"
)

// Extractor is what the pool runs on each report (an *extract.Extractor).
type Extractor interface {
	Extract(in extract.Input) (*intelcell.Document, error)
}

// Pool is a bounded pool of extraction workers over a job queue.
type Pool struct {
	Jobs      intelcell.JobService
	Extractor Extractor
	Workers   int           // parallel extractions (default GOMAXPROCS)
	Batch     int           // jobs claimed at once (default 8 per worker)
	Lease     time.Duration // how long a claim holds (default 2 minutes; 15 s when Jobs can renew leases, see LeaseRenewer)
	Poll      time.Duration // how often to look for work when idle (default 1s)
	Grace     time.Duration // how long shutdown waits for the running batch (default 10s)
	Logger    *slog.Logger
	// Observe, when set, is called after each extraction.
	Observe func(elapsed time.Duration, err error)

	wake chan struct{}
	once sync.Once
}

func (p *Pool) init() {
	p.once.Do(func() {
		p.wake = make(chan struct{}, 1)
		if p.Workers <= 0 {
			p.Workers = runtime.GOMAXPROCS(0)
		}
		if p.Batch <= 0 {
			p.Batch = 16 * p.Workers
		}
		if p.Lease <= 0 {
			p.Lease = 2 * time.Minute
			if _, ok := p.Jobs.(LeaseRenewer); ok {
				p.Lease = 15 * time.Second // renewed while extracting: a crashed process's jobs return within 15 s
			}
		}
		if p.Poll <= 0 {
			p.Poll = time.Second
		}
		if p.Grace <= 0 {
			p.Grace = 10 * time.Second
		}
		if p.Logger == nil {
			p.Logger = slog.New(slog.DiscardHandler)
		}
	})
}

// Wake tells the pool new jobs are queued, so it need not wait for its poll.
func (p *Pool) Wake() {
	p.init()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Run processes jobs until ctx is cancelled, then finishes (or requeues) the
// batch in progress and returns nil.
func (p *Pool) Run(ctx context.Context) error {
	p.init()
	_, err := p.loop(ctx, false)
	return err
}

// Drain processes jobs until none is runnable and returns how many it ran.
func (p *Pool) Drain(ctx context.Context) (int, error) {
	p.init()
	return p.loop(ctx, true)
}

// loop claims a batch, extracts it, and records its results while the next
// batch is claimed and extracted (one commit in flight at a time).
func (p *Pool) loop(ctx context.Context, drain bool) (int, error) {
	total := 0
	var prev chan error
	wait := func() error {
		if prev == nil {
			return nil
		}
		err := <-prev
		prev = nil
		return err
	}
	idle := func() bool { // reports whether to stop
		select {
		case <-ctx.Done():
			return true
		case <-p.wake:
		case <-time.After(p.Poll):
		}
		return false
	}
	claim := func() ([]*intelcell.Job, error) {
		if ctx.Err() != nil {
			return nil, nil
		}
		return p.Jobs.ClaimJobs(ctx, p.Batch, p.Lease)
	}
	jobs, err := claim()
	for {
		if err != nil {
			werr := wait()
			if drain || ctx.Err() != nil {
				return total, errors.Join(err, werr)
			}
			p.Logger.Error("claim jobs", "err", err)
			if idle() {
				return total, nil
			}
			jobs, err = claim()
			continue
		}
		if len(jobs) == 0 {
			if err := wait(); err != nil {
				p.Logger.Error("finish jobs", "err", err)
				if drain {
					return total, err
				}
			}
			if drain || ctx.Err() != nil || idle() {
				return total, nil
			}
			jobs, err = claim()
			continue
		}
		t0 := time.Now()
		ok, requeue := p.extractBatch(ctx, jobs)
		t1 := time.Now()
		if err := wait(); err != nil {
			p.Logger.Error("finish jobs", "err", err)
			if drain {
				return total, err
			}
		}
		p.Logger.Debug("batch", "jobs", len(jobs), "extract", t1.Sub(t0), "waited", time.Since(t1))
		total += len(ok)
		// Claim the next batch before committing this one, so that its
		// extraction overlaps the commit (the database has one writer).
		jobs, err = claim()
		prev = make(chan error, 1)
		go func(ch chan error) {
			// These writes must happen even when ctx is cancelled.
			bg := context.WithoutCancel(ctx)
			t := time.Now()
			err := p.Jobs.FinishJobs(bg, ok)
			p.Logger.Debug("commit", "jobs", len(ok), "took", time.Since(t))
			if err == nil && len(requeue) > 0 {
				p.Logger.Info("requeued unfinished jobs", "jobs", len(requeue))
				err = p.Jobs.RequeueJobs(bg, requeue)
			}
			ch <- err
		}(prev)
	}
}

// extractBatch extracts jobs with at most p.Workers goroutines. When ctx is
// cancelled it hands out no more jobs and waits up to p.Grace for those
// running; jobs without a result are returned for requeueing.
func (p *Pool) extractBatch(ctx context.Context, jobs []*intelcell.Job) ([]intelcell.JobResult, []*intelcell.Job) {
	results := make([]intelcell.JobResult, len(jobs))
	done := make([]bool, len(jobs))
	var mu sync.Mutex
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(p.Workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := p.run(jobs[i])
				mu.Lock()
				results[i], done[i] = r, true
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	if lr, ok := p.Jobs.(LeaseRenewer); ok {
		go p.renew(lr, jobs, finished)
	}
	select {
	case <-finished:
	case <-ctx.Done():
		select {
		case <-finished:
		case <-time.After(p.Grace):
		}
	}
	mu.Lock()
	defer mu.Unlock()
	var ok []intelcell.JobResult
	var requeue []*intelcell.Job
	for i, j := range jobs {
		if done[i] {
			ok = append(ok, results[i])
		} else {
			requeue = append(requeue, j)
		}
	}
	return ok, requeue
}

// LeaseRenewer is a job queue whose leases can be extended while held
// (sqlite.DB). With one, the pool takes short leases and renews them every
// third of the lease while a batch runs.
type LeaseRenewer interface {
	ExtendLeases(ctx context.Context, jobs []*intelcell.Job, lease time.Duration) error
}

// renew extends the batch's leases until finished is closed.
func (p *Pool) renew(lr LeaseRenewer, jobs []*intelcell.Job, finished chan struct{}) {
	t := time.NewTicker(p.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-finished:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), p.Lease/3)
			if err := lr.ExtendLeases(ctx, jobs, p.Lease); err != nil {
				p.Logger.Warn("renew leases", "jobs", len(jobs), "err", err)
			}
			cancel()
		}
	}
}

// run extracts one job; a panic becomes the job's error.
func (p *Pool) run(j *intelcell.Job) (res intelcell.JobResult) {
	start := time.Now()
	res.Job = j
	defer func() {
		if r := recover(); r != nil {
			res.Doc, res.Err = nil, fmt.Errorf("extraction panicked: %v", r)
		}
		if p.Observe != nil {
			p.Observe(time.Since(start), res.Err)
		}
		if res.Err != nil {
			p.Logger.Warn("extraction failed", "report", j.ReportID, "attempt", j.Attempts, "err", res.Err)
		}
	}()
	res.Doc, res.Err = p.Extractor.Extract(extract.Input{Text: j.Input.Text, Title: j.Input.Title, Date: j.Input.Date})
	if res.Doc != nil {
		res.Doc.ID = j.ReportID
	}
	return res
}
