package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	nethttp "net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/ingest"
)

// releaseRequest is the JSON form of a release in requests. A missing TLP
// defaults to the label matching the audience (org: AMBER+STRICT, groups:
// AMBER, cell: GREEN, public: CLEAR); a missing attribution is false.
type releaseRequest struct {
	Audience    string   `json:"audience"`
	Groups      []string `json:"groups"`
	TLP         string   `json:"tlp"`
	Attribution *bool    `json:"attribution"`
}

var tlpForAudience = map[intelcell.Audience]intelcell.TLP{
	intelcell.AudienceOrg: intelcell.TLPAmberStrict, intelcell.AudienceGroups: intelcell.TLPAmber,
	intelcell.AudienceCell: intelcell.TLPGreen, intelcell.AudiencePublic: intelcell.TLPClear,
}

func (rr *releaseRequest) release() (intelcell.Release, error) {
	if rr.Audience == "" {
		return intelcell.Release{}, intelcell.Errorf(intelcell.EINVALID, "release.audience is required (org, groups, cell or public)")
	}
	rel := intelcell.Release{Audience: intelcell.Audience(strings.ToLower(rr.Audience)), Groups: rr.Groups, TLP: intelcell.TLP(strings.ToLower(rr.TLP))}
	if rel.TLP == "" {
		rel.TLP = tlpForAudience[rel.Audience]
	}
	if rr.Attribution != nil {
		rel.Attribution = *rr.Attribution
	}
	return rel, rel.Validate()
}

// reportRequest is the body of POST /api/v1/reports.
type reportRequest struct {
	Title   string          `json:"title"`
	Text    string          `json:"text"`
	HTML    string          `json:"html"`
	Date    string          `json:"date"`
	Source  string          `json:"source"`
	URL     string          `json:"url"`
	Release *releaseRequest `json:"release"`
}

// decodeReport decodes a report submission. JSON (the default) carries
// title, text or html, date, source, url and release; a text/plain body is
// the text itself and a text/html body is reduced to its text, both with the
// default release. A missing date is today (UTC).
func decodeReport(body []byte, contentType string, now time.Time) (*intelcell.Report, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	var req reportRequest
	switch mt {
	case "text/plain":
		req.Text = string(body)
	case "text/html":
		req.HTML = string(body)
	case "", "application/json":
		dec := json.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(&req); err != nil {
			return nil, intelcell.Errorf(intelcell.EINVALID, "malformed JSON: %s", jsonErr(err))
		}
		if dec.More() {
			return nil, intelcell.Errorf(intelcell.EINVALID, "malformed JSON: more than one value")
		}
	default:
		return nil, intelcell.Errorf(intelcell.EINVALID, "unsupported content type %q (application/json, text/plain or text/html)", mt)
	}
	if req.Text != "" && req.HTML != "" {
		return nil, intelcell.Errorf(intelcell.EINVALID, "give text or html, not both")
	}
	// Without a release the Release stays zero: the store applies the org's
	// default release (intelcell.DefaultReleaseService).
	r := &intelcell.Report{Title: strings.TrimSpace(req.Title), Text: req.Text, Date: req.Date, Source: req.Source, URL: req.URL}
	if req.HTML != "" {
		title, text, err := ingest.HTMLText(strings.NewReader(req.HTML))
		if err != nil {
			return nil, intelcell.Errorf(intelcell.EINVALID, "unreadable html")
		}
		r.Text = text
		if r.Title == "" {
			r.Title = title
		}
	}
	if !utf8.ValidString(r.Text) || !utf8.ValidString(r.Title) {
		return nil, intelcell.Errorf(intelcell.EINVALID, "text must be UTF-8")
	}
	if strings.TrimSpace(r.Text) == "" {
		return nil, intelcell.Errorf(intelcell.EINVALID, "text (or html with text) is required")
	}
	if r.Date == "" {
		r.Date = now.UTC().Format("2006-01-02")
	}
	if req.Release != nil {
		rel, err := req.Release.release()
		if err != nil {
			return nil, err
		}
		r.Release = rel
	}
	chk := *r
	if req.Release == nil {
		chk.Release = intelcell.DefaultRelease // validated by the store once the org's default is known
	}
	return r, chk.Validate()
}

// jsonErr describes a JSON error without echoing the input.
func jsonErr(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q must be %s", te.Field, te.Type)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of input"
	}
	return "invalid value"
}

func (s *Server) readBody(w nethttp.ResponseWriter, r *nethttp.Request) ([]byte, error) {
	if r.ContentLength > s.MaxBody {
		return nil, intelcell.Errorf(intelcell.ETOOLARGE, "request body is larger than %d bytes", s.MaxBody)
	}
	return io.ReadAll(nethttp.MaxBytesReader(w, r.Body, s.MaxBody))
}

func (s *Server) handlePostReport(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	rep, err := decodeReport(body, r.Header.Get("Content-Type"), s.Now())
	if err != nil {
		return err
	}
	created, err := s.Store.CreateReport(r.Context(), v, rep)
	if err != nil {
		return err
	}
	// The report and its job are committed (fsynced) at this point.
	if created {
		s.m.ingested.WithLabelValues("created").Inc()
		if s.Waker != nil {
			s.Waker.Wake()
		}
	} else {
		s.m.ingested.WithLabelValues("duplicate").Inc()
	}
	w.Header().Set("Location", "/api/v1/reports/"+rep.ID)
	writeJSON(w, 202, map[string]any{"id": rep.ID, "status": rep.Status, "duplicate": !created})
	return nil
}

func (s *Server) handleGetReport(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	rep, doc, err := s.Store.FindReport(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, 200, struct {
		*intelcell.Report
		Document *intelcell.Document `json:"document"`
	}{rep, doc})
	return nil
}

// decodeRelease decodes the body of PUT /api/v1/reports/{id}/release.
func decodeRelease(body []byte) (intelcell.Release, error) {
	var rr releaseRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&rr); err != nil {
		return intelcell.Release{}, intelcell.Errorf(intelcell.EINVALID, "malformed JSON: %s", jsonErr(err))
	}
	return rr.release()
}

func (s *Server) handlePutRelease(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	rel, err := decodeRelease(body)
	if err != nil {
		return err
	}
	if err := s.Store.SetRelease(r.Context(), v, r.PathValue("id"), rel); err != nil {
		return err
	}
	writeJSON(w, 200, map[string]any{"id": r.PathValue("id"), "release": rel})
	return nil
}
