package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/ingest"
	"github.com/intelcell/intelcell/sqlite"
)

const rssDoc = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire &amp; Co</title>
<item><title>Talks in Geneva</title><link>%[1]s/a1</link><guid>a1</guid><pubDate>Mon, 12 Oct 2015 08:00:00 GMT</pubDate>
<description>&lt;p&gt;Short summary one.&lt;/p&gt;</description></item>
<item><title>Strikes near Aleppo</title><link>%[1]s/a2</link><guid>a2</guid><pubDate>Tue, 13 Oct 2015 08:00:00 GMT</pubDate>
<description>Summary two.</description></item>
<item><title>Talks in Geneva</title><link>%[1]s/a1?utm=x</link><guid>a1-copy</guid><description>same page again</description></item>
<item><title>No page</title><link>%[1]s/missing</link><guid>a4</guid><description>Only the summary of item four.</description></item>
</channel></rss>`

const atomDoc = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom wire</title>
<entry><title>Ceasefire agreed</title><id>urn:x:1</id><updated>2016-01-02T10:00:00Z</updated>
<content type="html">&lt;p&gt;Both sides agreed to a ceasefire.&lt;/p&gt;</content></entry></feed>`

func TestParseFeed(t *testing.T) {
	pf, err := ingest.ParseFeed([]byte(fmt.Sprintf(rssDoc, "http://example.org")))
	if err != nil {
		t.Fatal(err)
	}
	if pf.Title != "Wire & Co" || len(pf.Items) != 4 {
		t.Fatalf("%+v", pf)
	}
	if it := pf.Items[0]; it.Key != "guid:a1" || it.Date != "2015-10-12" || it.Text != "Short summary one." || it.Link != "http://example.org/a1" {
		t.Errorf("item 0: %+v", it)
	}
	pf, err = ingest.ParseFeed([]byte(atomDoc))
	if err != nil || len(pf.Items) != 1 || pf.Items[0].Text != "Both sides agreed to a ceasefire." || pf.Items[0].Date != "2016-01-02" {
		t.Fatalf("atom: %+v %v", pf, err)
	}
	for in, want := range map[string]string{
		"":                                      "empty",
		"hello world":                           "not an RSS, Atom or JSON feed",
		"<!DOCTYPE html><html><body>x</body>":   "HTML page",
		`<rss version="2.0"><channel><item><ti`: "malformed",
	} {
		_, err := ingest.ParseFeed([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseFeed(%q) = %v, want an error with %q", in, err, want)
		}
	}
}

func FuzzParseFeed(f *testing.F) {
	f.Add([]byte(fmt.Sprintf(rssDoc, "http://example.org")))
	f.Add([]byte(atomDoc))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","title":"j","items":[{"id":"1","content_html":"<b>x</b>","date_published":"2020-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`<rss><channel><item><title><![CDATA[<script>x</script>]]></title></item></channel></rss>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := ingest.ParseFeed(data)
		if err != nil {
			if pf != nil || !strings.HasPrefix(err.Error(), "feed: ") {
				t.Fatalf("error %v with %v", err, pf)
			}
			return
		}
		for _, it := range pf.Items {
			if it.Key == "" || len(it.Key) > 2100 {
				t.Fatalf("bad key %q", it.Key)
			}
			if strings.ContainsAny(it.Title, "\n") {
				t.Fatalf("title with a newline: %q", it.Title)
			}
		}
	})
}

// TestGuardBlocksPrivate: without --allow-private-feeds no connection goes
// to loopback, private or link-local addresses, directly or by redirect.
func TestGuardBlocksPrivate(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, atomDoc) }))
	defer target.Close()
	hops := []string{target.URL + "/feed", "http://10.1.2.3/feed", "http://169.254.169.254/latest/meta-data", "http://[::1]:9/feed", "http://0.0.0.0:9/"}
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var i int
		fmt.Sscanf(r.URL.Query().Get("to"), "%d", &i)
		http.Redirect(w, r, hops[i], http.StatusFound)
	}))
	defer redirector.Close()
	ctx := context.Background()

	blocked := ingest.NewFetcher(ingest.Guard{})
	for _, u := range append([]string{"http://127.0.0.1:9/feed", "http://10.0.0.1/feed", "http://192.168.1.1/", "http://172.16.0.1/", "http://100.64.0.1/"}, hops...) {
		if _, err := blocked.FetchFeed(ctx, u, "", ""); !errors.Is(err, ingest.ErrBlockedAddress) {
			t.Errorf("%s: err = %v, want the guard's refusal", u, err)
		}
	}
	// The redirector alone is allowed (as a public server would be): every
	// redirect to a private address is refused at dial time.
	viaRedirect := ingest.NewFetcher(ingest.Guard{Allow: []string{strings.TrimPrefix(redirector.URL, "http://")}})
	for i := range hops {
		u := fmt.Sprintf("%s/?to=%d", redirector.URL, i)
		if _, err := viaRedirect.FetchFeed(ctx, u, "", ""); !errors.Is(err, ingest.ErrBlockedAddress) {
			t.Errorf("redirect to %s: err = %v, want the guard's refusal", hops[i], err)
		}
	}
	if _, err := viaRedirect.FetchFeed(ctx, "file:///etc/passwd", "", ""); err == nil {
		t.Error("file URL fetched")
	}
	// With the operator's permission the same fetch works.
	open := ingest.NewFetcher(ingest.Guard{AllowPrivate: true})
	if res, err := open.FetchFeed(ctx, redirector.URL+"/?to=0", "", ""); err != nil || len(res.Feed.Items) != 1 {
		t.Fatalf("allowed fetch: %v %+v", err, res)
	}
	for _, a := range []string{"8.8.8.8", "2606:4700::1111", "93.184.216.34"} {
		if g := (ingest.Guard{}); g.Check(a+":80") != nil && !strings.Contains(a, ":") || (strings.Contains(a, ":") && g.Check("["+a+"]:80") != nil) {
			t.Errorf("public address %s refused", a)
		}
	}
}

// TestPollFeed polls a feed served on loopback (allowed explicitly) into a
// real SQLite store: pages fetched and reduced to text, items deduplicated
// by content, the second poll a conditional GET answered 304.
func TestPollFeed(t *testing.T) {
	var feedGets, conditional, pageGets atomic.Int64
	var srvURL string
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		feedGets.Add(1)
		if r.Header.Get("If-None-Match") == `"v1"` {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, rssDoc, srvURL)
	})
	page := func(title, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			pageGets.Add(1)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, "<html><head><title>%s</title><script>evil()</script></head><body><nav>menu</nav><article><p>%s</p></article></body></html>", title, body)
		}
	}
	mux.HandleFunc("/a1", page("Talks", "Russian Foreign Minister Sergei Lavrov met John Kerry in Geneva on Monday."))
	mux.HandleFunc("/a2", page("Strikes", "Syrian government forces attacked rebels near Aleppo."))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	srvURL = srv.URL

	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.CreateOrg(ctx, "wire"); err != nil {
		t.Fatal(err)
	}
	rel := intelcell.Release{Audience: intelcell.AudienceCell, TLP: intelcell.TLPGreen, Attribution: true}
	f, err := db.CreateFeed(ctx, "wire", srv.URL+"/feed.xml", rel)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateFeed(ctx, "wire", srv.URL+"/feed.xml", rel); intelcell.ErrorCode(err) != intelcell.ECONFLICT {
		t.Errorf("second subscription: %v", err)
	}
	if _, err := db.CreateFeed(ctx, "wire", "gopher://x/", rel); intelcell.ErrorCode(err) != intelcell.EINVALID {
		t.Errorf("gopher feed: %v", err)
	}
	woken := 0
	p := &ingest.Poller{Store: db, Fetcher: ingest.NewFetcher(ingest.Guard{AllowPrivate: true}), Wake: func() { woken++ }}
	st, err := p.PollFeed(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	// a1 and its copy are one report; a2; a4 (page 404: the summary).
	if st.Items != 4 || st.New != 3 || st.Dup != 1 || woken != 1 {
		t.Fatalf("first poll: %+v woken %d", st, woken)
	}
	v, _ := db.OrgViewer(ctx, "wire", intelcell.RoleReader)
	rs, _, err := db.SearchReports(ctx, v, intelcell.ReportFilter{Query: "Lavrov"})
	if err != nil || len(rs) != 1 {
		t.Fatalf("search: %v %d", err, len(rs))
	}
	r, _, err := db.FindReport(ctx, v, rs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "Lavrov met John Kerry") || strings.Contains(r.Text, "evil") || strings.Contains(r.Text, "menu") ||
		r.Date != "2015-10-12" || r.Release.Audience != intelcell.AudienceCell || r.URL != srv.URL+"/a1" {
		t.Errorf("report: %+v", r)
	}
	if rs, _, _ := db.SearchReports(ctx, v, intelcell.ReportFilter{Query: "summary four"}); len(rs) != 1 {
		t.Errorf("item without a page: %d reports", len(rs))
	}
	feeds, _ := db.FindFeeds(ctx)
	if len(feeds) != 1 || feeds[0].ETag != `"v1"` || feeds[0].Items != 4 || feeds[0].Polled == nil || feeds[0].Error != "" {
		t.Fatalf("feed after poll: %+v", feeds[0])
	}
	pages := pageGets.Load()
	st, err = p.PollFeed(ctx, feeds[0])
	if err != nil || !st.NotModified || conditional.Load() != 1 || pageGets.Load() != pages {
		t.Fatalf("second poll: %+v %v conditional %d", st, err, conditional.Load())
	}
	// Without validators the feed is fetched again but no item is redone.
	feeds[0].ETag = ""
	st, err = p.PollFeed(ctx, feeds[0])
	if err != nil || st.New+st.Dup != 0 || pageGets.Load() != pages {
		t.Fatalf("third poll: %+v %v", st, err)
	}
	// A blocked feed records its error.
	guarded := &ingest.Poller{Store: db, Fetcher: ingest.NewFetcher(ingest.Guard{})}
	if _, err := guarded.PollFeed(ctx, feeds[0]); !errors.Is(err, ingest.ErrBlockedAddress) {
		t.Fatalf("guarded poll: %v", err)
	}
	feeds, _ = db.FindFeeds(ctx)
	if !strings.Contains(feeds[0].Error, "not allowed") {
		t.Errorf("feed error %q", feeds[0].Error)
	}
}
