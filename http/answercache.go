package http

import (
	"bytes"
	nethttp "net/http"
	"strconv"

	"github.com/intelcell/intelcell"
)

// The answer cache keeps the JSON of the aggregate reads that cost most at
// scale (event facets, actor summaries and profiles, stories), under the
// same rule as the fusion cache (fusioncache.go): an answer is computed
// from the caller's access class, the request and the stored data alone,
// so it is kept under (access class, path and canonical query, the store's
// FusionVersion) and served again only to callers of that class while the
// data has not changed. Answers other than 200 are never kept.

// cachedRoutes are the routes served through the answer cache.
var cachedRoutes = map[string]bool{
	"GET /api/v1/events/facets":       true,
	"GET /api/v1/actors/{id}":         true,
	"GET /api/v1/actors/{id}/profile": true,
	"GET /api/v1/stories":             true,
}

// answerCacheBytes bounds the cache by the size of its answers.
const answerCacheBytes = 64 << 20

// answer is a kept answer: its JSON and content type.
type answer struct {
	body []byte
	ct   string
}

// answerCache keeps answers, bounded by their bytes.
type answerCache = lru[string, *answer]

func newAnswerCache(max int) *answerCache {
	return newLRU[string](max, max/8, func(a *answer) int { return len(a.body) })
}

// recorder keeps what a handler writes.
type recorder struct {
	header nethttp.Header
	status int
	buf    bytes.Buffer
}

func (r *recorder) Header() nethttp.Header { return r.header }
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(200)
	return r.buf.Write(b)
}

// cached wraps the handler of a read whose answer depends only on the
// caller's access class, the request and the stored data (see above).
func (s *Server) cached(h func(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error) func(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	return func(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
		fv, ok := s.Store.(intelcell.FusionVersioner)
		if !ok || s.acache == nil {
			return h(w, r, v)
		}
		ver, err := fv.FusionVersion(r.Context())
		if err != nil {
			return err
		}
		key := accessClass(v) + "\x00" + r.URL.Path + "?" + r.URL.Query().Encode() + "\x00" + strconv.FormatInt(ver, 10)
		if e, ok := s.acache.get(key); ok {
			w.Header().Set("Content-Type", e.ct)
			w.WriteHeader(200)
			w.Write(e.body)
			return nil
		}
		rec := &recorder{header: nethttp.Header{}}
		if err := h(rec, r, v); err != nil {
			return err
		}
		for k, vs := range rec.header {
			w.Header()[k] = vs
		}
		status := max(rec.status, 200)
		w.WriteHeader(status)
		w.Write(rec.buf.Bytes())
		if status == 200 {
			s.acache.put(key, &answer{body: bytes.Clone(rec.buf.Bytes()), ct: rec.header.Get("Content-Type")}, nil)
		}
		return nil
	}
}
