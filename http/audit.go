package http

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	nethttp "net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/intelcell/intelcell"
)

// The audit log of the API. Every request through the route table that
// reads or changes data is recorded (who: org, token, role; what: action,
// target, object, the report it concerns, the query or new release; the
// status) by the guard, after the handler has answered. Entries are
// appended by a background drainer in batches, one transaction each. The
// entries of reads are gathered for up to AuditInterval: a stream of reads
// costs one write per interval rather than one per request. That matters
// beyond the fsync: on the embedded store every write makes each reader
// connection drop its page cache and file mapping at its next transaction
// (SQLite's WAL mode), so a write per read request would make every query
// start cold. The entry of a change (any method but GET) is written at
// once, with whatever reads are waiting. FlushAudit (called by serve on
// shutdown, and before the audit log is listed) writes every recorded
// entry. A crash can lose the reads of the last interval but never breaks
// the chain.

// auditExempt are the routes that read no data of the cell.
var auditExempt = map[string]bool{"GET /healthz": true, "GET /readyz": true}

// DefaultAuditInterval is the default Server.AuditInterval.
const DefaultAuditInterval = 2 * time.Second

// maxAuditPending bounds entries waiting to be written; recording blocks
// beyond it (back-pressure rather than loss).
const maxAuditPending = 10000

// maxAuditDetail bounds the detail recorded per entry.
const maxAuditDetail = 1000

// auditLog is the queue of entries waiting to be appended. Its zero value
// is ready.
type auditLog struct {
	once    sync.Once
	mu      sync.Mutex
	cond    *sync.Cond
	pending []*intelcell.AuditEntry
	running bool
	// wake, when closed, ends the drainer's current wait (a change, a
	// flush or a full queue is waiting); a new one is made once served
	wake chan struct{}
}

func (a *auditLog) init() {
	a.once.Do(func() { a.cond, a.wake = sync.NewCond(&a.mu), make(chan struct{}) })
}

// hurry ends the drainer's current wait. a.mu is held.
func (a *auditLog) hurry() {
	select {
	case <-a.wake:
	default:
		close(a.wake)
	}
}

// auditOf describes a request for the log: its action, target, object, the
// report it is about and its detail. ok is false for exempt routes.
func auditOf(rt Route, r *nethttp.Request, w nethttp.ResponseWriter, status int, body []byte) (e intelcell.AuditEntry, ok bool) {
	label := rt.Method + " " + rt.Path
	if auditExempt[label] || (rt.Perm == PermPublic && !strings.HasPrefix(rt.Path, "/api/")) {
		return e, false
	}
	q := r.URL.Query()
	switch label {
	case "POST /api/v1/reports":
		e.Action, e.Target = intelcell.AuditCreate, "report"
		if status/100 == 2 {
			e.ReportID = strings.TrimPrefix(w.Header().Get("Location"), "/api/v1/reports/")
			e.Object = e.ReportID
		}
	case "GET /api/v1/reports/{id}":
		e.Action, e.Target, e.Object, e.ReportID = intelcell.AuditRead, "report", r.PathValue("id"), r.PathValue("id")
	case "PUT /api/v1/reports/{id}/release":
		e.Action, e.Target, e.Object, e.ReportID = intelcell.AuditChange, "release", r.PathValue("id"), r.PathValue("id")
		if status/100 == 2 {
			var c bytes.Buffer
			if json.Compact(&c, body) == nil {
				e.Detail = c.String()
			}
		}
	case "GET /api/v1/events":
		e.Action, e.Target, e.Detail, e.ReportID = intelcell.AuditSearch, "events", canonicalQuery(q), q.Get("report")
		if f := q.Get("format"); f == "csv" || f == "jsonl" {
			e.Action = intelcell.AuditExport
		}
	case "GET /api/v1/events/facets":
		e.Action, e.Target, e.Detail, e.ReportID = intelcell.AuditSearch, "facets", canonicalQuery(q), q.Get("report")
	case "GET /api/v1/search":
		e.Action, e.Target, e.Detail = intelcell.AuditSearch, "reports", canonicalQuery(q)
	case "GET /api/v1/actors/{id}":
		e.Action, e.Target, e.Object = intelcell.AuditRead, "actor", r.PathValue("id")
	case "POST /api/v1/merged-events/decisions":
		// An analyst's ruling on two events: who (the entry's org and
		// token), what kind, which events (as sent: event or merged-event
		// ids). The entry names no report, so only the deciding org and cell
		// admins read it.
		e.Action, e.Target = intelcell.AuditCreate, "decision"
		var d decisionRequest
		if json.Unmarshal(body, &d) == nil {
			e.Object = d.A + " " + d.B
			e.Detail = url.Values{"kind": {d.Kind}, "a": {d.A}, "b": {d.B}}.Encode()
		}
	case "GET /api/v1/actors/{id}/quotes":
		e.Action, e.Target, e.Object = intelcell.AuditRead, "actor quotes", r.PathValue("id")
	case "GET /api/v1/overview":
		e.Action, e.Target, e.Detail = intelcell.AuditSearch, "overview", canonicalQuery(q)
	case "GET /api/v1/orgs":
		e.Action, e.Target = intelcell.AuditRead, "orgs"
	case "GET /api/v1/tokens":
		e.Action, e.Target = intelcell.AuditRead, "tokens"
	case "POST /api/v1/tokens":
		e.Action, e.Target = intelcell.AuditCreate, "token"
		if status/100 == 2 {
			e.Object = strings.TrimPrefix(w.Header().Get("Location"), "/api/v1/tokens/")
		}
		var c bytes.Buffer
		if json.Compact(&c, body) == nil {
			e.Detail = c.String() // org, role and name asked for: a request never carries a secret
		}
	case "DELETE /api/v1/tokens/{id}":
		e.Action, e.Target, e.Object, e.Detail = intelcell.AuditChange, "token", r.PathValue("id"), "revoke"
	case "GET /api/v1/audit":
		e.Action, e.Target, e.Detail, e.ReportID = intelcell.AuditRead, "audit", canonicalQuery(q), q.Get("report")
	default:
		// Routes added later are recorded too: reads as reads, the rest as
		// changes, the target being the route's path.
		e.Action, e.Target, e.Detail = intelcell.AuditRead, rt.Path, canonicalQuery(q)
		switch rt.Method {
		case "GET", "HEAD":
		case "POST":
			e.Action = intelcell.AuditCreate
		default:
			e.Action = intelcell.AuditChange
		}
		if id := r.PathValue("id"); id != "" {
			e.Object = id
			if strings.HasPrefix(rt.Path, "/api/v1/reports/") {
				e.ReportID = id
			}
		}
	}
	if len(e.Detail) > maxAuditDetail {
		e.Detail = e.Detail[:maxAuditDetail]
	}
	if len(e.Object) > 200 {
		e.Object = e.Object[:200]
	}
	if len(e.ReportID) > 200 {
		e.ReportID = e.ReportID[:200]
	}
	return e, true
}

// canonicalQuery is the query string with sorted keys (url.Values.Encode).
func canonicalQuery(q url.Values) string { return q.Encode() }

// bodyTap keeps the first bytes a handler reads from a request body, for
// the audit detail of changes.
type bodyTap struct {
	io.ReadCloser
	buf bytes.Buffer
}

func (b *bodyTap) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if room := maxAuditDetail - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(n, room)])
	}
	return n, err
}

// tapBody wraps the body of a change whose detail the log keeps: a new
// release, a new token's org, role and name, a decision's kind and events.
func tapBody(rt Route, r *nethttp.Request) *bodyTap {
	if label := rt.Method + " " + rt.Path; (rt.Method != "PUT" && label != "POST /api/v1/tokens" && label != "POST /api/v1/merged-events/decisions") || r.Body == nil {
		return nil
	}
	t := &bodyTap{ReadCloser: r.Body}
	r.Body = t
	return t
}

// recordAudit queues the audit entry of one answered request.
func (s *Server) recordAudit(rt Route, r *nethttp.Request, w nethttp.ResponseWriter, v intelcell.Viewer, status int, tap *bodyTap) {
	var body []byte
	if tap != nil {
		body = tap.buf.Bytes()
	}
	e, ok := auditOf(rt, r, w, status, body)
	if !ok {
		return
	}
	e.Time = s.Now()
	e.Org, e.OrgName, e.TokenID, e.Role, e.Via, e.Status = v.Org, v.OrgName, v.TokenID, v.Role, "api", status
	a := &s.audit
	a.init()
	a.mu.Lock()
	for len(a.pending) >= maxAuditPending {
		a.hurry()
		a.cond.Wait()
	}
	a.pending = append(a.pending, &e)
	if !a.running {
		a.running = true
		go s.drainAudit()
	}
	if r.Method != "GET" {
		a.hurry() // a change is written at once
	}
	a.mu.Unlock()
}

// drainAudit waits AuditInterval (less when a change, a flush or a full
// queue hurries it), appends every queued entry in batches of at most 500,
// one transaction each, and waits again while entries keep coming.
func (s *Server) drainAudit() {
	a := &s.audit
	every := s.AuditInterval
	if every <= 0 {
		every = DefaultAuditInterval
	}
	for {
		a.mu.Lock()
		wake := a.wake
		a.mu.Unlock()
		t := time.NewTimer(every)
		select {
		case <-t.C:
		case <-wake:
		}
		t.Stop()
		a.mu.Lock()
		a.served()
		batch := a.pending
		a.pending = nil
		a.cond.Broadcast() // room for recorders held back by a full queue
		a.mu.Unlock()
		for len(batch) > 0 {
			n := min(len(batch), 500)
			s.appendAudit(batch[:n])
			batch = batch[n:]
		}
		a.mu.Lock()
		if len(a.pending) == 0 {
			a.running = false
			a.served()
			a.cond.Broadcast()
			a.mu.Unlock()
			return
		}
		a.mu.Unlock()
	}
}

// served replaces a closed wake channel: the hurry is being answered.
// a.mu is held.
func (a *auditLog) served() {
	select {
	case <-a.wake:
		a.wake = make(chan struct{})
	default:
	}
}

// appendAudit writes one batch, retrying a few times before it gives up
// and logs the loss.
func (s *Server) appendAudit(batch []*intelcell.AuditEntry) {
	var err error
	for attempt := range 5 {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = s.Store.AppendAudit(ctx, batch...)
		cancel()
		if err == nil {
			return
		}
		time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
	}
	s.Logger.Error("audit entries lost", "entries", len(batch), "err", err)
}

// FlushAudit waits until every audit entry recorded so far is written.
func (s *Server) FlushAudit() {
	a := &s.audit
	a.init()
	a.mu.Lock()
	for a.running || len(a.pending) > 0 {
		a.hurry()
		a.cond.Wait()
	}
	a.mu.Unlock()
}

// decodeAuditFilter reads report, action, org, limit and cursor.
func decodeAuditFilter(q url.Values) (intelcell.AuditFilter, error) {
	f := intelcell.AuditFilter{Report: q.Get("report"), Action: q.Get("action"), Org: q.Get("org"), Cursor: q.Get("cursor")}
	for _, s := range []string{f.Report, f.Action, f.Org, f.Cursor} {
		if len(s) > 200 {
			return f, intelcell.Errorf(intelcell.EINVALID, "query parameter too long")
		}
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			return f, intelcell.Errorf(intelcell.EINVALID, "limit must be 1 to 1000")
		}
		f.Limit = n
	}
	return f, nil
}

// handleAudit serves GET /api/v1/audit: every entry to a cell admin, to
// anyone else the entries intelcell.AuditEntry allows, redacted.
func (s *Server) handleAudit(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	f, err := decodeAuditFilter(r.URL.Query())
	if err != nil {
		return err
	}
	s.FlushAudit() // the entries of requests already answered, this one's excepted
	es, next, err := s.Store.FindAudit(r.Context(), v, f)
	if err != nil {
		return err
	}
	var n any
	if next != "" {
		n = next
	}
	writeJSON(w, 200, map[string]any{"entries": es, "next": n})
	return nil
}
