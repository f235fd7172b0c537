package http_test

import (
	"io"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"testing"

	apihttp "github.com/intelcell/intelcell/http"
)

// TestConsoleServed checks that the console is served at / and /assets/
// with its strict CSP, that other paths stay the API's JSON 404, and that
// revalidation by ETag works.
func TestConsoleServed(t *testing.T) {
	srv := apihttp.NewServer(nil, nil)
	get := func(method, path string, hdr ...string) *nethttp.Response {
		t.Helper()
		r := httptest.NewRequest(method, path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		return w.Result()
	}
	res := get("GET", "/")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "/assets/app/main.js") {
		t.Fatalf("GET /: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	csp := res.Header.Get("Content-Security-Policy")
	if csp != apihttp.ConsoleCSP || strings.Contains(csp, "unsafe") || !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
	if strings.Contains(string(body), "<script>") || strings.Contains(string(body), "style=") {
		t.Error("index.html has inline script or style")
	}
	js := get("GET", "/assets/app/main.js")
	if js.StatusCode != 200 || !strings.HasPrefix(js.Header.Get("Content-Type"), "text/javascript") || js.Header.Get("ETag") == "" {
		t.Fatalf("main.js: %d %q etag %q", js.StatusCode, js.Header.Get("Content-Type"), js.Header.Get("ETag"))
	}
	if r := get("GET", "/assets/app/main.js", "If-None-Match", js.Header.Get("ETag")); r.StatusCode != 304 {
		t.Errorf("revalidation: %d, want 304", r.StatusCode)
	}
	for _, c := range []struct{ method, path string }{{"GET", "/nope"}, {"GET", "/index.html"}, {"GET", "/assets/nope.js"}, {"POST", "/"}, {"GET", "/assets/"}, {"GET", "/assets/app/"}} {
		r := get(c.method, c.path)
		b, _ := io.ReadAll(r.Body)
		if r.StatusCode != 404 || !strings.Contains(string(b), `"not_found"`) {
			t.Errorf("%s %s: %d %s", c.method, c.path, r.StatusCode, b)
		}
		if r.Header.Get("Content-Security-Policy") != "default-src 'none'" {
			t.Errorf("%s %s: CSP %q", c.method, c.path, r.Header.Get("Content-Security-Policy"))
		}
	}
	if r := get("GET", "/assets/vendor/world/countries-110m.geojson"); r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/geo+json" {
		t.Errorf("world outlines: %d %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
}
