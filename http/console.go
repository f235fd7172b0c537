package http

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	nethttp "net/http"
	"path"
	"strings"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/web"
)

// ConsoleCSP is the Content-Security-Policy of the console's pages: scripts,
// styles, images and API calls from this origin only, no inline script or
// style, no plugins, no framing. API responses keep the stricter
// "default-src 'none'" set in ServeHTTP.
const ConsoleCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// consoleFile is one embedded console file, ready to serve.
type consoleFile struct {
	body  []byte
	ctype string
	etag  string
}

// console serves the analysts' console (package web): index.html at / and
// the files under /assets/. Anything else is the API's JSON "not found".
// Files are read from the embedded tree once; each carries a content-hash
// ETag and "Cache-Control: no-cache", so browsers revalidate cheaply.
func (s *Server) console() nethttp.Handler {
	files := map[string]*consoleFile{}
	dist := web.Dist()
	fs.WalkDir(dist, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(dist, p)
		if err != nil {
			return err
		}
		ct := mime.TypeByExtension(path.Ext(p))
		switch path.Ext(p) {
		case ".geojson":
			ct = "application/geo+json"
		case ".js", ".mjs":
			ct = "text/javascript; charset=utf-8"
		case ".md", "":
			ct = "text/plain; charset=utf-8"
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		sum := sha256.Sum256(b)
		files["/"+p] = &consoleFile{body: b, ctype: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		p := r.URL.Path
		if p == "/" {
			p = "/index.html"
		} else if !strings.HasPrefix(p, "/assets/") {
			p = "" // /index.html itself and any other path: not the console
		}
		f := files[p]
		if f == nil || (r.Method != nethttp.MethodGet && r.Method != nethttp.MethodHead) {
			s.writeError(w, r, intelcell.Errorf(intelcell.ENOTFOUND, "not found"))
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", ConsoleCSP)
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Type", f.ctype)
		h.Set("ETag", f.etag)
		nethttp.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
	})
}
