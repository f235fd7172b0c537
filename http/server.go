// Package http serves the cell's HTTP API v1 (see CONTRACT.md) over an
// intelcell.Store: reports in, events, actors and search out, with health,
// readiness and Prometheus metrics.
//
// Every route is declared in one table with the permission it needs; a
// route without a declared permission is refused (deny by default). Callers
// authenticate with "Authorization: Bearer TOKEN"; without a header the
// caller is the anonymous viewer, who sees only public reports. Anything the
// caller may not see answers exactly like something that does not exist.
package http

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	nethttp "net/http"
	"strconv"
	"strings"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Permission is what a route requires of its caller.
type Permission int

// Permissions. The zero value is no declaration, and such a route is refused.
const (
	PermUndeclared Permission = iota // never served
	PermPublic                       // anyone, even without a token; answers are filtered by Visible
	PermMember                       // any valid token
	PermSubmit                       // a token that may submit reports (analyst and above)
	PermOrgAdmin                     // an org admin or cell admin
	PermCellAdmin                    // a cell admin
)

func (p Permission) String() string {
	return [...]string{"undeclared", "public", "member", "submit", "org-admin", "cell-admin"}[p]
}

// allows reports whether viewer v passes the permission, and the error
// otherwise.
func (p Permission) allows(v intelcell.Viewer) error {
	switch p {
	case PermPublic:
		return nil
	case PermUndeclared:
		return intelcell.Errorf(intelcell.ENOTFOUND, "not found")
	}
	if v.Anonymous() {
		return intelcell.Errorf(intelcell.EUNAUTHORIZED, "a bearer token is required")
	}
	ok := true
	switch p {
	case PermSubmit:
		ok = v.Role.CanSubmit()
	case PermOrgAdmin:
		ok = v.Role.CanAdminOrg()
	case PermCellAdmin:
		ok = v.Role == intelcell.RoleCellAdmin
	}
	if !ok {
		return intelcell.Errorf(intelcell.EFORBIDDEN, "role %s may not do this", v.Role)
	}
	return nil
}

// Route is one entry of the route table.
type Route struct {
	Method string
	Path   string // net/http ServeMux pattern
	Perm   Permission
	Doc    string
	handle func(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error
}

// Waker is told when new jobs are queued (the worker pool).
type Waker interface{ Wake() }

// Server is the HTTP API.
type Server struct {
	Store   intelcell.Store
	Logger  *slog.Logger
	Waker   Waker // optional
	MaxBody int64 // largest request body in bytes
	Now     func() time.Time
	// AuditInterval is how long read requests' audit entries are gathered
	// before they are written as one batch (DefaultAuditInterval when 0);
	// changes are written at once. See audit.go.
	AuditInterval time.Duration

	routes   []Route
	mux      *nethttp.ServeMux
	registry *prometheus.Registry
	m        metrics
	audit    auditLog     // audit.go
	fcache   *fusionCache // fusioncache.go
	acache   *answerCache // answercache.go
	// serveCached serves the cachedRoutes through the answer cache.
	serveCached map[string]func(nethttp.ResponseWriter, *nethttp.Request, intelcell.Viewer) error
}

type metrics struct {
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	ingested    *prometheus.CounterVec
	extractions *prometheus.CounterVec
	extractSec  prometheus.Histogram
}

// DefaultMaxBody is the default request body limit (8 MiB).
const DefaultMaxBody = 8 << 20

// NewServer returns a server over store with its routes and metrics.
func NewServer(store intelcell.Store, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{Store: store, Logger: logger, MaxBody: DefaultMaxBody, Now: time.Now, mux: nethttp.NewServeMux(), registry: prometheus.NewRegistry(),
		fcache: newFusionCache(fusionCacheEvents), acache: newAnswerCache(answerCacheBytes)}
	s.m = metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "intelcell_http_requests_total", Help: "HTTP requests by route and status code."}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "intelcell_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 5}}, []string{"route"}),
		ingested:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "intelcell_reports_ingested_total", Help: "Reports received, by result (created, duplicate)."}, []string{"result"}),
		extractions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "intelcell_extractions_total", Help: "Extractions run, by result (ok, error)."}, []string{"result"}),
		extractSec: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "intelcell_extraction_seconds", Help: "Extraction latency.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .5, 1}}),
	}
	s.registry.MustRegister(s.m.requests, s.m.duration, s.m.ingested, s.m.extractions, s.m.extractSec,
		prometheus.NewGoCollector(), &queueCollector{s: store, desc: prometheus.NewDesc("intelcell_jobs", "Jobs in the queue by state, and reports by status (report_<status>).", []string{"state"}, nil)})
	s.routes = s.routeTable()
	s.serveCached = map[string]func(nethttp.ResponseWriter, *nethttp.Request, intelcell.Viewer) error{}
	for _, rt := range s.routes {
		if cachedRoutes[rt.Method+" "+rt.Path] {
			s.serveCached[rt.Method+" "+rt.Path] = s.cached(rt.handle)
		}
	}
	for _, rt := range s.routes {
		s.mux.Handle(rt.Method+" "+rt.Path, s.guard(rt))
	}
	s.mux.Handle("/", s.console()) // the analysts' console (console.go); any other path is "not found"
	return s
}

// Routes returns the route table.
func (s *Server) Routes() []Route { return s.routes }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w nethttp.ResponseWriter, r *nethttp.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	s.mux.ServeHTTP(w, r)
}

// ObserveExtraction records one extraction in the metrics (worker.Pool.Observe).
func (s *Server) ObserveExtraction(d time.Duration, err error) {
	s.m.extractSec.Observe(d.Seconds())
	if err != nil {
		s.m.extractions.WithLabelValues("error").Inc()
	} else {
		s.m.extractions.WithLabelValues("ok").Inc()
	}
}

func (s *Server) routeTable() []Route {
	return []Route{
		{"GET", "/healthz", PermPublic, "liveness", s.handleHealth},
		{"GET", "/readyz", PermPublic, "readiness: the database answers", s.handleReady},
		{"GET", "/metrics", PermCellAdmin, "Prometheus metrics (cell-wide counts: cell admins only)", s.handleMetrics},
		{"POST", "/api/v1/reports", PermSubmit, "submit a report", s.handlePostReport},
		{"GET", "/api/v1/reports/{id}", PermPublic, "a report, its status and its Document", s.handleGetReport},
		{"PUT", "/api/v1/reports/{id}/release", PermOrgAdmin, "change a report's release", s.handlePutRelease},
		{"GET", "/api/v1/events", PermPublic, "events, filtered; format=json|csv|jsonl", s.handleEvents},
		{"GET", "/api/v1/events/facets", PermPublic, "event count and counts by CAMEO root", s.handleEventFacets},
		{"GET", "/api/v1/actors/{id}", PermPublic, "an actor profile", s.handleActor},
		{"GET", "/api/v1/search", PermPublic, "full-text search over reports", s.handleSearch},
		{"GET", "/api/v1/groups", PermMember, "the caller's sharing groups and their members", s.handleGroups},
		{"GET", "/api/v1/whoami", PermMember, "the caller", s.handleWhoami},
		{"GET", "/api/v1/audit", PermMember, "the audit log: all of it for cell admins, filtered by the access rule for anyone else", s.handleAudit},
		{"GET", "/api/v1/actors/{id}/quotes", PermPublic, "the actor's quotes in visible reports, newest first (quotes.go)", s.handleActorQuotes},
		{"GET", "/api/v1/overview", PermPublic, "the caller's overview of a window of days (default: the 90 days up to the newest visible event or report): reports and events per day, top actors and dyads, events by CAMEO root, totals", s.handleOverview},
		// the cell's administration (cell.go)
		{"GET", "/api/v1/orgs", PermMember, "organisations: all of them for cell admins, the caller's own for anyone else", s.handleOrgs},
		{"GET", "/api/v1/tokens", PermOrgAdmin, "tokens the caller administers (all for cell admins, its org's for org admins), without secrets", s.handleTokens},
		{"POST", "/api/v1/tokens", PermOrgAdmin, "create a token (the caller's org, or any for cell admins; a role no higher than the caller's); the secret is shown once", s.handlePostToken},
		{"DELETE", "/api/v1/tokens/{id}", PermOrgAdmin, "revoke a token the caller administers", s.handleDeleteToken},
		{"GET", "/api/v1/openapi.json", PermPublic, "this API's OpenAPI 3 document, generated from the route table (openapi.go)", s.handleOpenAPI},
		// fusion (fusion.go): computed per request from the caller's visible reports only
		{"GET", "/api/v1/merged-events", PermPublic, "merged events of a date window (default: the 31 days up to the newest visible event), same filters as events", s.handleMergedEvents},
		{"GET", "/api/v1/merged-events/{id}", PermPublic, "one merged event", s.handleMergedEvent},
		{"GET", "/api/v1/merged-events/decisions", PermMember, "split/join decisions about events the caller may both see", s.handleDecisions},
		{"POST", "/api/v1/merged-events/decisions", PermSubmit, "record a split or join decision about two visible events", s.handlePostDecision},
		{"GET", "/api/v1/stories", PermPublic, "stories (reports about one happening) of a date window, same filters as events", s.handleStories},
		{"GET", "/api/v1/actors/{id}/profile", PermPublic, "an actor's names, daily events, partners, opponents, quotes and places", s.handleActorProfile},
	}
}

type ctxKey struct{}

// guard authenticates, checks the route's permission, runs the handler and
// records metrics and a log line.
func (s *Server) guard(rt Route) nethttp.Handler {
	label := rt.Method + " " + rt.Path
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: 200}
		v, err := s.authenticate(r)
		if err == nil {
			err = rt.Perm.allows(v)
		}
		tap := tapBody(rt, r) // audit.go
		if err == nil {
			serve := rt.handle
			if c := s.serveCached[rt.Method+" "+rt.Path]; c != nil {
				serve = c
			}
			err = serve(sw, r.WithContext(context.WithValue(r.Context(), ctxKey{}, v)), v)
		}
		if err != nil {
			s.writeError(sw, r, err)
		}
		s.recordAudit(rt, r, sw, v, sw.code, tap) // audit.go
		s.m.requests.WithLabelValues(label, strconv.Itoa(sw.code)).Inc()
		s.m.duration.WithLabelValues(label).Observe(time.Since(start).Seconds())
		s.Logger.Info("request", "method", r.Method, "path", r.URL.Path, "route", label, "status", sw.code,
			"org", v.OrgName, "token", v.TokenID, "ms", time.Since(start).Milliseconds())
	})
}

func (s *Server) authenticate(r *nethttp.Request) (intelcell.Viewer, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return intelcell.Viewer{}, nil
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return intelcell.Viewer{}, intelcell.Errorf(intelcell.EUNAUTHORIZED, "use Authorization: Bearer TOKEN")
	}
	return s.Store.Authenticate(r.Context(), strings.TrimSpace(tok))
}

type statusWriter struct {
	nethttp.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(nethttp.Flusher); ok {
		f.Flush()
	}
}

var statusOf = map[string]int{
	intelcell.EINVALID:      400,
	intelcell.EUNAUTHORIZED: 401,
	intelcell.EFORBIDDEN:    403,
	intelcell.ENOTFOUND:     404,
	intelcell.ECONFLICT:     409,
	intelcell.ETOOLARGE:     413,
	intelcell.EINTERNAL:     500,
}

// writeError writes {"error":{"code","message"}}. Internal errors are logged
// and shown only as "internal error".
func (s *Server) writeError(w nethttp.ResponseWriter, r *nethttp.Request, err error) {
	var mbe *nethttp.MaxBytesError
	if errors.As(err, &mbe) {
		err = intelcell.Errorf(intelcell.ETOOLARGE, "request body is larger than %d bytes", mbe.Limit)
	}
	code := intelcell.ErrorCode(err)
	if code == intelcell.EINTERNAL {
		s.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	status, ok := statusOf[code]
	if !ok {
		status = 500
	}
	if status == 401 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="intelcell"`)
	}
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": intelcell.ErrorMessage(err)}})
}

func writeJSON(w nethttp.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true) // text is never served as HTML; escaping <>& keeps it so in any sniffing client
	enc.Encode(v)
}

func (s *Server) handleHealth(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	writeJSON(w, 200, map[string]string{"status": "ok"})
	return nil
}

func (s *Server) handleReady(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		writeJSON(w, 503, map[string]any{"error": map[string]string{"code": "unavailable", "message": "database not ready"}})
		return nil
	}
	writeJSON(w, 200, map[string]string{"status": "ready"})
	return nil
}

func (s *Server) handleMetrics(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}

// queueCollector reports queue sizes at scrape time.
type queueCollector struct {
	s    intelcell.Store
	desc *prometheus.Desc
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	stats, err := c.s.QueueStats(ctx)
	if err != nil {
		return
	}
	for k, n := range stats {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), k)
	}
}

func (s *Server) handleGroups(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	gs, err := s.Store.FindGroups(r.Context(), v)
	if err != nil {
		return err
	}
	if gs == nil {
		gs = []*intelcell.Group{}
	}
	writeJSON(w, 200, map[string]any{"groups": gs})
	return nil
}

func (s *Server) handleWhoami(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	out := map[string]any{"org": v.OrgName, "role": v.Role, "groups": v.Groups, "token_id": v.TokenID}
	if rel, err := s.Store.OrgDefaultRelease(r.Context(), v.OrgName); err == nil {
		out["default_release"] = rel // the console's Submit view preselects it
	}
	writeJSON(w, 200, out)
	return nil
}
