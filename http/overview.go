package http

import (
	nethttp "net/http"

	"github.com/intelcell/intelcell"
)

// handleOverview serves GET /api/v1/overview: the caller's overview of a
// window of days (intelcell.Overview), computed by the store from visible
// reports only.
func (s *Server) handleOverview(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	q := r.URL.Query()
	f := intelcell.OverviewFilter{From: q.Get("from"), To: q.Get("to")}
	if len(f.From) > 10 || len(f.To) > 10 {
		return intelcell.Errorf(intelcell.EINVALID, "from and to are YYYY-MM-DD")
	}
	o, err := s.Store.Overview(r.Context(), v, f)
	if err != nil {
		return err
	}
	writeJSON(w, 200, o)
	return nil
}
