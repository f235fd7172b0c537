package http

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/intelcell/intelcell"
)

var fuzzNow = time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)

func FuzzDecodeReport(f *testing.F) {
	f.Add([]byte(`{"title":"t","text":"Iran met Iraq.","date":"2020-01-01","release":{"audience":"groups","groups":["g"],"tlp":"amber"}}`), "application/json")
	f.Add([]byte(`{"html":"<p>x<script>y</script></p>"}`), "")
	f.Add([]byte(`<html><body>hi</body></html>`), "text/html")
	f.Add([]byte("plain words"), "text/plain; charset=utf-8")
	f.Add([]byte(`{"text":"x","release":{"audience":"public","tlp":"red"}}`), "application/json")
	f.Add([]byte(`{"text":1}`), "application/json")
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		r, err := decodeReport(body, ctype, fuzzNow)
		if err != nil {
			if c := intelcell.ErrorCode(err); c != intelcell.EINVALID && c != intelcell.ETOOLARGE {
				t.Fatalf("code %s for %v", c, err)
			}
			return
		}
		chk := *r
		if chk.Release.Audience == "" && chk.Release.TLP == "" {
			chk.Release = intelcell.DefaultRelease // no release given: the store applies the org's default
		}
		if chk.Validate() != nil || chk.Release.Validate() != nil || strings.TrimSpace(r.Text) == "" || !utf8.ValidString(r.Text) {
			t.Fatalf("accepted an invalid report %+v", r)
		}
		if strings.Contains(ctype, "html") && strings.Contains(r.Text, "<script") && !strings.Contains(string(body), "&lt;script") {
			t.Fatalf("markup survived: %q", r.Text)
		}
	})
}

func FuzzDecodeRelease(f *testing.F) {
	f.Add([]byte(`{"audience":"org"}`))
	f.Add([]byte(`{"audience":"groups","groups":["a","b"],"tlp":"AMBER","attribution":true}`))
	f.Add([]byte(`{"audience":"public","tlp":"amber+strict"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rel, err := decodeRelease(body)
		if err != nil {
			if intelcell.ErrorCode(err) != intelcell.EINVALID {
				t.Fatalf("code for %v", err)
			}
			return
		}
		if rel.Validate() != nil {
			t.Fatalf("accepted %+v", rel)
		}
	})
}

func FuzzDecodeEventFilter(f *testing.F) {
	f.Add("actor=Q796&country=IRQ&cameo=03&plover=AGREE&from=2020-01-01&to=2020-02-01&bbox=1,2,3,4&q=words&limit=10&cursor=abc")
	f.Add("bbox=NaN,1,2,3&limit=-1")
	f.Add("limit=1001")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		fl, err := decodeEventFilter(q)
		if err != nil {
			if intelcell.ErrorCode(err) != intelcell.EINVALID {
				t.Fatalf("code for %v", err)
			}
			return
		}
		if fl.Limit < 0 || fl.Limit > 1000 {
			t.Fatalf("limit %d", fl.Limit)
		}
		if b := fl.BBox; b != nil && (b.MinLat != b.MinLat || b.MaxLon != b.MaxLon) {
			t.Fatalf("NaN bbox")
		}
	})
}

func FuzzDecodeSearch(f *testing.F) {
	f.Add("q=iran+iraq&limit=5")
	f.Add("q=&limit=0")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		s, err := decodeSearch(q)
		if err != nil {
			if intelcell.ErrorCode(err) != intelcell.EINVALID {
				t.Fatalf("code for %v", err)
			}
			return
		}
		if strings.TrimSpace(s.Query) == "" || s.Limit < 0 || s.Limit > 100 {
			t.Fatalf("accepted %+v", s)
		}
	})
}

// FuzzDecodeTokenRequest: any body gives a request or EINVALID, never a panic.
func FuzzDecodeTokenRequest(f *testing.F) {
	f.Add([]byte(`{"org":"alpha","role":"reader","name":"Ana's laptop"}`))
	f.Add([]byte(`{"role":"admin"} {"role":"cell-admin"}`))
	f.Add([]byte(`{"secret":"x"}`))
	f.Add([]byte("\xff\x00{"))
	f.Fuzz(func(t *testing.T, body []byte) {
		if _, err := decodeTokenRequest(body); err != nil && intelcell.ErrorCode(err) != intelcell.EINVALID {
			t.Fatalf("error code %s", intelcell.ErrorCode(err))
		}
	})
}

// FuzzDecodeDecision: any body gives a decision with ids of at most 200
// bytes, or EINVALID.
func FuzzDecodeDecision(f *testing.F) {
	f.Add([]byte(`{"kind":"split","a":"0123abcd-0","b":"m0123456789abcdef"}`))
	f.Add([]byte(`{"kind":"join","a":"` + strings.Repeat("x", 300) + `","b":"y"}`))
	f.Add([]byte(`{"kind":"join"} trailing`))
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := decodeDecision(body)
		if err != nil {
			if intelcell.ErrorCode(err) != intelcell.EINVALID {
				t.Fatalf("error code %s", intelcell.ErrorCode(err))
			}
			return
		}
		if len(d.A) > 200 || len(d.B) > 200 {
			t.Fatalf("ids of %d and %d bytes accepted", len(d.A), len(d.B))
		}
	})
}

// FuzzDecodeAuditFilter: any query gives a filter or EINVALID.
func FuzzDecodeAuditFilter(f *testing.F) {
	f.Add("report=abc&action=read&limit=10&cursor=xyz")
	f.Add("limit=-1&org=%00")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		if _, err := decodeAuditFilter(q); err != nil && intelcell.ErrorCode(err) != intelcell.EINVALID {
			t.Fatalf("error code %s", intelcell.ErrorCode(err))
		}
	})
}

// FuzzCursors: every page cursor the API reads is decoded without a panic,
// and a cursor the server made reads back as what it was made from.
func FuzzCursors(f *testing.F) {
	f.Add("2020-01-02", "abc-1", 40)
	f.Add("", "|", -1)
	f.Fuzz(func(t *testing.T, date, id string, offset int) {
		for _, c := range []string{date, id, intelcell.EncodeEventCursor(date, id), fusionCursor(date, id)} {
			intelcell.DecodeEventCursor(c)
			intelcell.DecodeSearchCursor(c)
			intelcell.DecodeAuditCursor(c)
			decodeFusionCursor(c)
		}
		if _, err := time.Parse("2006-01-02", date); err == nil && !strings.Contains(date, "|") {
			if d, i, err := intelcell.DecodeEventCursor(intelcell.EncodeEventCursor(date, id)); err != nil || d != date || i != id {
				t.Fatalf("event cursor of %q %q reads back %q %q %v", date, id, d, i, err)
			}
		}
		if offset >= 0 {
			if o, err := intelcell.DecodeSearchCursor(intelcell.EncodeSearchCursor(offset)); err != nil || o != offset {
				t.Fatalf("search cursor of %d reads back %d %v", offset, o, err)
			}
		}
	})
}

// FuzzOverviewWindow: any from/to gives a window of at most the allowed
// width or EINVALID.
func FuzzOverviewWindow(f *testing.F) {
	f.Add("2020-01-01", "2020-03-01", "2020-02-01")
	f.Add("", "", "")
	f.Add("9999-99-99", "x", "2020-02-30")
	f.Fuzz(func(t *testing.T, from, to, newest string) {
		a, b, err := intelcell.OverviewWindow(intelcell.OverviewFilter{From: from, To: to}, newest, fuzzNow)
		if err != nil {
			if intelcell.ErrorCode(err) != intelcell.EINVALID {
				t.Fatalf("error code %s", intelcell.ErrorCode(err))
			}
			return
		}
		if a > b {
			t.Fatalf("window %s..%s", a, b)
		}
	})
}
