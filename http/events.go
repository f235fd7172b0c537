package http

import (
	"encoding/csv"
	"encoding/json"

	nethttp "net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/intelcell/intelcell"
)

// decodeEventFilter reads event filters from a query string:
// actor, country, cameo, plover, from, to, bbox=min_lon,min_lat,max_lon,max_lat,
// q (words), report, limit, cursor.
func decodeEventFilter(q url.Values) (intelcell.EventFilter, error) {
	f := intelcell.EventFilter{
		Actor: q.Get("actor"), Country: q.Get("country"), Cameo: q.Get("cameo"), Plover: q.Get("plover"),
		From: q.Get("from"), To: q.Get("to"), Words: q.Get("q"), Report: q.Get("report"), Cursor: q.Get("cursor"),
	}
	for _, s := range []string{f.Actor, f.Country, f.Cameo, f.Plover, f.From, f.To, f.Words, f.Report, f.Cursor} {
		if len(s) > 1000 {
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
	if b := q.Get("bbox"); b != "" {
		parts := strings.Split(b, ",")
		var v [4]float64
		if len(parts) != 4 {
			return f, intelcell.Errorf(intelcell.EINVALID, "bbox must be min_lon,min_lat,max_lon,max_lat")
		}
		for i, p := range parts {
			x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil || x != x {
				return f, intelcell.Errorf(intelcell.EINVALID, "bbox must be min_lon,min_lat,max_lon,max_lat")
			}
			v[i] = x
		}
		f.BBox = &intelcell.BBox{MinLon: v[0], MinLat: v[1], MaxLon: v[2], MaxLat: v[3]}
	}
	return f, nil
}

func (s *Server) handleEvents(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	f, err := decodeEventFilter(r.URL.Query())
	if err != nil {
		return err
	}
	switch format := r.URL.Query().Get("format"); format {
	case "", "json":
		es, next, err := s.Store.FindEvents(r.Context(), v, f)
		if err != nil {
			return err
		}
		var n any
		if next != "" {
			n = next
		}
		writeJSON(w, 200, map[string]any{"events": es, "next": n})
		return nil
	case "csv", "jsonl":
		return s.export(w, r, v, f, format)
	default:
		return intelcell.Errorf(intelcell.EINVALID, "format must be json, csv or jsonl")
	}
}

// gdeltHeader lists the GDELT 2.0 event columns that apply to events coded
// from single reports, then intelcell's own. Country codes are ISO 3166-1
// alpha-3 (GDELT's geographic columns use FIPS 10-4).
var gdeltHeader = []string{
	"GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
	"Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor2Code", "Actor2Name", "Actor2CountryCode",
	"EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
	"NumMentions", "NumSources", "NumArticles",
	"ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_Lat", "ActionGeo_Long",
	"DATEADDED", "SOURCEURL",
	"PLOVER", "Negated", "Killed", "Wounded", "ReportIDs",
}

func gdeltRow(e *intelcell.StoredEvent) []string {
	d, _ := time.Parse("2006-01-02", e.Date)
	actor := func(a *intelcell.Actor) []string {
		if a == nil {
			return []string{"", "", ""}
		}
		return []string{a.Code, strings.ToUpper(a.Name), a.CountryCode()}
	}
	base := e.Cameo
	if len(base) > 3 {
		base = base[:3]
	}
	root := e.Cameo
	if len(root) > 2 {
		root = root[:2]
	}
	geo := []string{"0", "", "", "", ""}
	if p := e.Place; p != nil {
		t := "4" // city/landmark
		switch p.Kind {
		case "country":
			t = "1"
		case "admin1", "region":
			t = "5"
		}
		c := ""
		if p.Country != nil {
			c = *p.Country
		}
		geo = []string{t, p.Name, c, strconv.FormatFloat(p.Lat, 'f', 4, 64), strconv.FormatFloat(p.Lon, 'f', 4, 64)}
	}
	intp := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	added := strings.ReplaceAll(e.Added, "-", "") + "000000"
	row := []string{e.ID, d.Format("20060102"), d.Format("200601"), d.Format("2006"),
		strconv.FormatFloat(float64(d.Year())+float64(d.YearDay())/365, 'f', 4, 64)}
	row = append(row, actor(e.Source)...)
	row = append(row, actor(e.Target)...)
	row = append(row, e.Cameo, base, root, strconv.Itoa(e.QuadClass), strconv.FormatFloat(e.Goldstein, 'f', 1, 64),
		"1", "1", strconv.Itoa(len(e.ReportIDs)))
	row = append(row, geo...)
	row = append(row, added, e.URL, e.Plover, strconv.FormatBool(e.Negated), intp(e.Killed), intp(e.Wounded), strings.Join(e.ReportIDs, " "))
	return row
}

// export streams every visible event matching f, page by page, as CSV
// (GDELT 2.0 columns) or JSON Lines. It holds one page in memory at a time.
func (s *Server) export(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer, f intelcell.EventFilter, format string) error {
	f.Limit = 1000
	es, next, err := s.Store.FindEvents(r.Context(), v, f)
	if err != nil {
		return err // nothing written yet: a proper error response
	}
	var write func(*intelcell.StoredEvent) error
	var cw *csv.Writer
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="events.csv"`)
		cw = csv.NewWriter(w)
		cw.Write(gdeltHeader)
		write = func(e *intelcell.StoredEvent) error { return cw.Write(gdeltRow(e)) }
	} else {
		w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
		enc := json.NewEncoder(w)
		write = func(e *intelcell.StoredEvent) error { return enc.Encode(e) }
	}
	w.WriteHeader(200)
	flusher, _ := w.(nethttp.Flusher)
	for {
		for _, e := range es {
			if err := write(e); err != nil {
				return nil // client went away
			}
		}
		if cw != nil {
			cw.Flush()
		}
		if flusher != nil {
			flusher.Flush()
		}
		if next == "" || r.Context().Err() != nil {
			return nil
		}
		f.Cursor = next
		if es, next, err = s.Store.FindEvents(r.Context(), v, f); err != nil {
			s.Logger.Error("export aborted", "err", err)
			return nil // headers are sent; the stream ends early
		}
	}
}

func (s *Server) handleEventFacets(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	f, err := decodeEventFilter(r.URL.Query())
	if err != nil {
		return err
	}
	n, err := s.Store.CountEvents(r.Context(), v, f)
	if err != nil {
		return err
	}
	roots, err := s.Store.EventFacets(r.Context(), v, f)
	if err != nil {
		return err
	}
	writeJSON(w, 200, map[string]any{"count": n, "by_root": roots})
	return nil
}

func (s *Server) handleActor(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	p, err := s.Store.FindActor(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, 200, p)
	return nil
}

// decodeSearch reads q, limit and cursor of a search.
func decodeSearch(q url.Values) (intelcell.ReportFilter, error) {
	f := intelcell.ReportFilter{Query: q.Get("q"), Sort: q.Get("sort"), Cursor: q.Get("cursor")}
	if f.Sort != "" && f.Sort != intelcell.SortRelevance && f.Sort != intelcell.SortNewest {
		return f, intelcell.Errorf(intelcell.EINVALID, "sort must be relevance or newest")
	}
	if strings.TrimSpace(f.Query) == "" {
		return f, intelcell.Errorf(intelcell.EINVALID, "q is required")
	}
	if len(f.Query) > 1000 || len(f.Cursor) > 100 {
		return f, intelcell.Errorf(intelcell.EINVALID, "query too long")
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			return f, intelcell.Errorf(intelcell.EINVALID, "limit must be 1 to 100")
		}
		f.Limit = n
	}
	return f, nil
}

func (s *Server) handleSearch(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	f, err := decodeSearch(r.URL.Query())
	if err != nil {
		return err
	}
	rs, next, err := s.Store.SearchReports(r.Context(), v, f)
	if err != nil {
		return err
	}
	// The last page knows the total (unless a relevance search stopped at
	// the end of its window); only a search with more pages counts its
	// visible matches.
	offset := 0
	if f.Cursor != "" {
		if offset, err = intelcell.DecodeSearchCursor(f.Cursor); err != nil {
			return err
		}
	}
	total := offset + len(rs)
	if next != "" || (f.Sort != intelcell.SortNewest && total >= intelcell.SearchWindow) {
		if total, err = s.Store.CountReports(r.Context(), v, f.Query); err != nil {
			return err
		}
	}
	if rs == nil {
		rs = []*intelcell.Report{}
	}
	var n any
	if next != "" {
		n = next
	}
	writeJSON(w, 200, map[string]any{"reports": rs, "next": n, "total": total})
	return nil
}
