package http

import (
	nethttp "net/http"
	"strconv"

	"github.com/intelcell/intelcell"
)

// handleActorQuotes serves GET /api/v1/actors/{id}/quotes: the quotes whose
// speaker is the actor (its id, as the actor answer gives it), newest
// report first, from visible reports only. An actor no visible report
// quotes — or none of that id — has no quotes: the same answer. It is the
// light way to the quotes of a busy actor, whose full profile reads up to
// 20,000 events.
func (s *Server) handleActorQuotes(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	limit := 50
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 200 {
			return intelcell.Errorf(intelcell.EINVALID, "limit must be 1 to 200")
		}
		limit = n
	}
	qs := []*intelcell.ActorQuote{}
	if fs, ok := s.Store.(intelcell.FusionService); ok {
		var err error
		if qs, err = fs.ActorQuotes(r.Context(), v, r.PathValue("id"), limit); err != nil {
			return err
		}
	}
	writeJSON(w, 200, map[string]any{"quotes": qs})
	return nil
}
