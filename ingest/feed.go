package ingest

// Feeds: parsing (RSS, Atom, JSON Feed through github.com/mmcdole/gofeed),
// fetching with an SSRF guard, and polling subscriptions into reports. Unlike
// the readers above this file does network I/O: the Fetcher is the only
// place intelcell dials out, and it refuses private addresses at dial time.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/intelcell/intelcell"
	"github.com/mmcdole/gofeed"
)

// FeedItem is one item of a parsed feed. Text is the item's own content or
// description reduced to plain text (the fallback when its page cannot be
// fetched); Date is YYYY-MM-DD or "".
type FeedItem struct {
	Key   string // GUID, else link, else content hash: what identifies the item across polls
	Title string
	Link  string
	Date  string
	Text  string
}

// ParsedFeed is a feed's title and items, in feed order.
type ParsedFeed struct {
	Title string
	Items []FeedItem
}

// MaxFeedBytes bounds a feed document.
const MaxFeedBytes = 10 << 20

// ParseFeed parses an RSS, Atom or JSON feed. A document that is none of
// these, or is malformed, gives an error that says which; it never panics.
func ParseFeed(data []byte) (pf *ParsedFeed, err error) {
	if len(data) > MaxFeedBytes {
		return nil, fmt.Errorf("feed: larger than %d bytes", MaxFeedBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("feed: empty document")
	}
	defer func() {
		if r := recover(); r != nil { // the parser must not take the server down
			pf, err = nil, fmt.Errorf("feed: malformed document (%v)", r)
		}
	}()
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		head := strings.ToLower(string(bytes.TrimSpace(data[:min(len(data), 512)])))
		if strings.Contains(head, "<html") || strings.Contains(head, "<!doctype html") {
			return nil, errors.New("feed: this is an HTML page, not an RSS, Atom or JSON feed (look for its <link rel=\"alternate\"> feed URL)")
		}
		return nil, errors.New("feed: not an RSS, Atom or JSON feed")
	}
	if err != nil {
		return nil, fmt.Errorf("feed: malformed: %v", err)
	}
	pf = &ParsedFeed{Title: cleanLine(f.Title)}
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		item := FeedItem{Title: cleanLine(it.Title), Link: strings.TrimSpace(it.Link)}
		body := it.Content
		if strings.TrimSpace(body) == "" {
			body = it.Description
		}
		if _, text, err := HTMLText(strings.NewReader(body)); err == nil {
			item.Text = strings.ToValidUTF8(text, "\uFFFD")
		}
		if t := it.PublishedParsed; t != nil {
			item.Date = t.UTC().Format("2006-01-02")
		} else if t := it.UpdatedParsed; t != nil {
			item.Date = t.UTC().Format("2006-01-02")
		}
		if item.Date != "" && (item.Date < "1900-01-01" || item.Date > "2999-12-31") {
			item.Date = ""
		}
		switch {
		case strings.TrimSpace(it.GUID) != "":
			item.Key = "guid:" + strings.TrimSpace(it.GUID)
		case item.Link != "":
			item.Key = "link:" + item.Link
		default:
			item.Key = "hash:" + intelcell.ContentHash(item.Title, item.Text)
		}
		if len(item.Key) > 2048 {
			item.Key = "hash:" + intelcell.ContentHash(item.Key, "")
		}
		if item.Title == "" && item.Text == "" && item.Link == "" {
			continue
		}
		pf.Items = append(pf.Items, item)
	}
	return pf, nil
}

func cleanLine(s string) string {
	_, t, err := HTMLText(strings.NewReader(s))
	if err != nil {
		t = s
	}
	return strings.ToValidUTF8(strings.Join(strings.Fields(t), " "), "\uFFFD")
}

// Guard is the SSRF guard of outgoing requests. It runs at dial time
// (net.Dialer.Control), on the address actually connected to, so it covers
// every redirect and DNS answer, including a name that resolves to a public
// address once and to a private one the next time (rebinding).
type Guard struct {
	// AllowPrivate lets feeds and pages be fetched from loopback, private,
	// link-local, CGNAT and other non-public addresses (--allow-private-feeds).
	AllowPrivate bool
	// Allow lists exact "ip:port" addresses exempt from the guard (tests).
	Allow []string
}

// ErrBlockedAddress is the error of a dial the guard refused.
var ErrBlockedAddress = errors.New("address not allowed: loopback, private and link-local addresses are refused (serve --allow-private-feeds allows them)")

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// PublicAddr reports whether an IP address is a public unicast address.
func PublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if a.Is4() && a.As4()[0] == 0 { // 0.0.0.0/8: "this network"
		return false
	}
	return a.IsValid() && a.IsGlobalUnicast() && !a.IsPrivate() && !a.IsLoopback() && !a.IsLinkLocalUnicast() &&
		!cgnat.Contains(a) && !(a.Is6() && (a.As16()[0] == 0x20 && a.As16()[1] == 0x01 && a.As16()[2] == 0x0d && a.As16()[3] == 0xb8)) // 2001:db8::/32 documentation
}

// Check returns nil when the guard lets a connection to address ("ip:port") go.
func (g *Guard) Check(address string) error {
	if g.AllowPrivate {
		return nil
	}
	for _, a := range g.Allow {
		if a == address {
			return nil
		}
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w (%s)", ErrBlockedAddress, address)
	}
	if !PublicAddr(ap.Addr()) {
		return fmt.Errorf("%w (%s)", ErrBlockedAddress, ap.Addr())
	}
	return nil
}

func (g *Guard) control(network, address string, _ syscall.RawConn) error {
	return g.Check(address)
}

// Fetcher fetches feeds and pages over HTTP(S) through the Guard, with size
// and time limits.
type Fetcher struct {
	Client    *http.Client
	UserAgent string
	MaxPage   int64 // largest page in bytes (default 8 MiB)
}

// NewFetcher returns a fetcher whose every connection passes g. It ignores
// proxy settings, so the guard sees the real destination.
func NewFetcher(g Guard) *Fetcher {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: g.control}
	tr := &http.Transport{
		Proxy: nil, DialContext: d.DialContext, TLSHandshakeTimeout: 10 * time.Second,
		ResponseHeaderTimeout: 20 * time.Second, MaxIdleConns: 16, IdleConnTimeout: 60 * time.Second,
	}
	c := &http.Client{Transport: tr, Timeout: 45 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("more than 5 redirects")
		}
		if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
			return fmt.Errorf("redirect to a %s URL refused", req.URL.Scheme)
		}
		return nil
	}}
	return &Fetcher{Client: c, UserAgent: "intelcell-feed/1 (+https://github.com/intelcell/intelcell)", MaxPage: 8 << 20}
}

// FetchResult is a fetched feed, or NotModified.
type FetchResult struct {
	NotModified        bool
	Feed               *ParsedFeed
	ETag, LastModified string
}

func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http or https URL", raw)
	}
	return u, nil
}

func (f *Fetcher) get(ctx context.Context, raw string, hdr http.Header, limit int64) (*http.Response, []byte, error) {
	u, err := checkURL(raw)
	if err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, "GET", u.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", f.UserAgent)
	resp, err := f.Client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return resp, nil, nil
	}
	if resp.StatusCode/100 != 2 {
		return resp, nil, fmt.Errorf("GET %s: %s", raw, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return resp, nil, fmt.Errorf("GET %s: %w", raw, err)
	}
	if int64(len(body)) > limit {
		return resp, nil, fmt.Errorf("GET %s: larger than %d bytes", raw, limit)
	}
	return resp, body, nil
}

// FetchFeed fetches and parses a feed with a conditional GET: etag and
// lastModified from the previous fetch are sent as If-None-Match and
// If-Modified-Since, and a 304 answer gives NotModified.
func (f *Fetcher) FetchFeed(ctx context.Context, feedURL, etag, lastModified string) (*FetchResult, error) {
	hdr := http.Header{"Accept": {"application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5"}}
	if etag != "" {
		hdr.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		hdr.Set("If-Modified-Since", lastModified)
	}
	resp, body, err := f.get(ctx, feedURL, hdr, MaxFeedBytes)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotModified {
		return &FetchResult{NotModified: true, ETag: etag, LastModified: lastModified}, nil
	}
	pf, err := ParseFeed(body)
	if err != nil {
		return nil, err
	}
	return &FetchResult{Feed: pf, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}, nil
}

// FetchArticle fetches a page and reduces it to its title and article text
// with HTMLText; a plain-text page is taken as it is.
func (f *Fetcher) FetchArticle(ctx context.Context, pageURL string) (title, text string, err error) {
	resp, body, err := f.get(ctx, pageURL, http.Header{"Accept": {"text/html, text/plain;q=0.8"}}, f.MaxPage)
	if err != nil {
		return "", "", err
	}
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	if strings.HasPrefix(ct, "text/plain") {
		return "", strings.ToValidUTF8(string(body), "\uFFFD"), nil
	}
	if ct != "" && !strings.Contains(ct, "html") && !strings.Contains(ct, "xml") {
		return "", "", fmt.Errorf("GET %s: not a web page (%s)", pageURL, ct)
	}
	title, text, err = HTMLText(bytes.NewReader(body))
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	return title, text, err
}

// FeedStore is what polling needs of a store.
type FeedStore interface {
	intelcell.FeedService
	OrgViewer(ctx context.Context, org string, role intelcell.Role) (intelcell.Viewer, error)
	CreateReport(ctx context.Context, v intelcell.Viewer, r *intelcell.Report) (bool, error)
}

// Poller polls feed subscriptions into reports: each new item's page is
// fetched and reduced to article text (the item's own text when the page
// cannot be had), stored as a report of the feed's org under the feed's
// release, and remembered so the next poll skips it. The same content from
// two items or two feeds of one org is one report (the store deduplicates by
// content hash).
type Poller struct {
	Store    FeedStore
	Fetcher  *Fetcher
	Wake     func() // called after new reports are queued (worker.Pool.Wake)
	Logger   *slog.Logger
	MaxItems int // new items handled per feed per poll (default 100)
	Now      func() time.Time
}

// PollStats counts what one poll did.
type PollStats struct {
	NotModified          bool
	Items, New, Dup, Bad int
}

// PollFeed polls one feed once and records the outcome in the store.
func (p *Poller) PollFeed(ctx context.Context, f *intelcell.Feed) (PollStats, error) {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	var st PollStats
	fail := func(err error) (PollStats, error) {
		if e := p.Store.RecordFeedPoll(ctx, f.ID, intelcell.FeedPoll{Error: err.Error()}, now()); e != nil {
			return st, e
		}
		return st, err
	}
	res, err := p.Fetcher.FetchFeed(ctx, f.URL, f.ETag, f.LastModified)
	if err != nil {
		return fail(err)
	}
	if res.NotModified {
		st.NotModified = true
		return st, p.Store.RecordFeedPoll(ctx, f.ID, intelcell.FeedPoll{NotModified: true}, now())
	}
	st.Items = len(res.Feed.Items)
	keys := make([]string, len(res.Feed.Items))
	for i, it := range res.Feed.Items {
		keys[i] = it.Key
	}
	seen, err := p.Store.FeedItemsSeen(ctx, f.ID, keys)
	if err != nil {
		return st, err
	}
	v, err := p.Store.OrgViewer(ctx, f.Org, intelcell.RoleAnalyst)
	if err != nil {
		return fail(err)
	}
	maxItems := p.MaxItems
	if maxItems <= 0 {
		maxItems = 100
	}
	var done []string
	for _, it := range res.Feed.Items {
		if seen[it.Key] || len(done) >= maxItems {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		seen[it.Key] = true
		r := &intelcell.Report{Title: it.Title, Text: it.Text, Date: it.Date, URL: it.Link, Source: "feed " + f.URL, Release: f.Release}
		if it.Link != "" {
			if title, text, err := p.Fetcher.FetchArticle(ctx, it.Link); err == nil && strings.TrimSpace(text) != "" {
				r.Text = text
				if r.Title == "" {
					r.Title = title
				}
			} else if err != nil && p.Logger != nil {
				p.Logger.Warn("feed item page", "feed", f.URL, "url", it.Link, "err", err)
			}
		}
		if r.Date == "" {
			r.Date = now().UTC().Format("2006-01-02")
		}
		if len(r.URL) > 4096 {
			r.URL = ""
		}
		created, err := p.Store.CreateReport(ctx, v, r)
		switch {
		case err != nil && intelcell.ErrorCode(err) != intelcell.EINTERNAL:
			st.Bad++ // an item that cannot be a report (empty, too large): skip it for good
			if p.Logger != nil {
				p.Logger.Warn("feed item refused", "feed", f.URL, "item", it.Key, "err", intelcell.ErrorMessage(err))
			}
		case err != nil:
			return st, err // the store failed: the item is tried again next poll
		case created:
			st.New++
		default:
			st.Dup++
		}
		done = append(done, it.Key)
	}
	if st.New > 0 && p.Wake != nil {
		p.Wake()
	}
	return st, p.Store.RecordFeedPoll(ctx, f.ID, intelcell.FeedPoll{ETag: res.ETag, LastModified: res.LastModified, Seen: done}, now())
}

// PollAll polls every feed once, one after another, logging each outcome.
func (p *Poller) PollAll(ctx context.Context) error {
	feeds, err := p.Store.FindFeeds(ctx)
	if err != nil {
		return err
	}
	for _, f := range feeds {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		st, err := p.PollFeed(ctx, f)
		if p.Logger != nil {
			if err != nil {
				p.Logger.Warn("feed poll", "feed", f.URL, "org", f.Org, "err", err)
			} else {
				p.Logger.Info("feed poll", "feed", f.URL, "org", f.Org, "not_modified", st.NotModified, "items", st.Items, "new", st.New, "duplicates", st.Dup, "refused", st.Bad)
			}
		}
	}
	return nil
}

// Run polls every feed every interval until ctx is done.
func (p *Poller) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := p.PollAll(ctx); err != nil && ctx.Err() == nil && p.Logger != nil {
			p.Logger.Error("feed polling", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
