package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intelcell/intelcell"
)

// FeedStore is a store with the optional feed service.
type FeedStore interface {
	intelcell.Store
	intelcell.FeedService
}

// RunFeeds runs the conformance tests of intelcell.FeedService: a store's
// test calls it with a function that returns a new, empty store, as for Run.
// The store must implement the service (the test fails otherwise): a test
// calls RunFeeds only for a store that is meant to poll feeds.
func RunFeeds(t *testing.T, newStore NewStore) {
	open := func(t *testing.T) FeedStore {
		t.Helper()
		s := newStore(t)
		fs, ok := s.(FeedStore)
		if !ok {
			t.Fatalf("%T does not implement intelcell.FeedService", s)
		}
		return fs
	}
	t.Run("Create", func(t *testing.T) { testFeedCreate(t, open(t)) })
	t.Run("Find", func(t *testing.T) { testFeedFind(t, open(t)) })
	t.Run("Polls", func(t *testing.T) { testFeedPolls(t, open(t)) })
	t.Run("Items", func(t *testing.T) { testFeedItems(t, open(t)) })
	t.Run("ConcurrentPolls", func(t *testing.T) { testFeedConcurrentPolls(t, open(t)) })
}

// newFeedCell creates the orgs alpha and beta.
func newFeedCell(t *testing.T, s FeedStore) {
	t.Helper()
	for _, o := range []string{"alpha", "beta"} {
		if _, err := s.CreateOrg(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
}

// noise returns n letters that do not compress (a store's index may
// compress what it holds, and long runs of one letter would fit where real
// URLs do not).
func noise(n int) string {
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[rng.IntN(36)]
	}
	return string(b)
}

// longURL returns an http URL of exactly n bytes ending in tail.
func longURL(n int, tail string) string {
	head := "https://feeds.example.org/"
	return head + noise(n-len(head)-len(tail)) + tail
}

// testFeedCreate checks CreateFeed's answers: the feed it returns, and
// ECONFLICT, ENOTFOUND and EINVALID exactly where FeedService says.
func testFeedCreate(t *testing.T, s FeedStore) {
	ctx := context.Background()
	newFeedCell(t, s)
	before := time.Now().Add(-time.Second)
	f, err := s.CreateFeed(ctx, "alpha", "https://example.org/rss", intelcell.Release{})
	if err != nil {
		t.Fatal(err)
	}
	if f.ID == "" || f.Org != "alpha" || f.URL != "https://example.org/rss" || f.Release.Audience != "" ||
		f.Items != 0 || f.Polled != nil || f.Error != "" || f.ETag != "" || f.LastModified != "" ||
		f.Created.Before(before) || f.Created.After(time.Now().Add(time.Second)) {
		t.Errorf("created feed %+v", f)
	}
	// One subscription per org and URL; another org may have the same URL.
	if _, err := s.CreateFeed(ctx, "alpha", "https://example.org/rss", relCell); code(err) != intelcell.ECONFLICT {
		t.Errorf("duplicate feed: %v", err)
	}
	if _, err := s.CreateFeed(ctx, "beta", "https://example.org/rss", intelcell.Release{}); err != nil {
		t.Errorf("the same URL in another org: %v", err)
	}
	if _, err := s.CreateFeed(ctx, "alpha", "https://example.org/rss?page=2", intelcell.Release{}); err != nil {
		t.Errorf("another URL: %v", err)
	}
	if _, err := s.CreateFeed(ctx, "nobody", "https://example.org/other", intelcell.Release{}); code(err) != intelcell.ENOTFOUND {
		t.Errorf("unknown org: %v", err)
	}
	// URLs up to 4096 bytes, told apart by their last byte.
	if _, err := s.CreateFeed(ctx, "alpha", longURL(4096, "x"), intelcell.Release{}); err != nil {
		t.Errorf("4096-byte URL: %v", err)
	}
	if _, err := s.CreateFeed(ctx, "alpha", longURL(4096, "y"), intelcell.Release{}); err != nil {
		t.Errorf("second 4096-byte URL: %v", err)
	}
	if _, err := s.CreateFeed(ctx, "alpha", longURL(4096, "x"), intelcell.Release{}); code(err) != intelcell.ECONFLICT {
		t.Errorf("duplicate 4096-byte URL: %v", err)
	}
	for _, u := range []string{"", "ftp://example.org/rss", "gopher://x/", "file:///etc/passwd", "javascript:alert(1)",
		"example.org/rss", "http://", "https:///rss", "http://exa mple.org/\x00", longURL(4097, "x")} {
		if _, err := s.CreateFeed(ctx, "alpha", u, intelcell.Release{}); code(err) != intelcell.EINVALID {
			t.Errorf("feed URL %.40q: %v", u, err)
		}
	}
	for _, rel := range []intelcell.Release{
		{Audience: "everyone", TLP: intelcell.TLPClear},
		{Audience: intelcell.AudiencePublic, TLP: intelcell.TLPRed},
		{Audience: intelcell.AudienceGroups, TLP: intelcell.TLPAmber},
		{Audience: intelcell.AudienceCell, TLP: intelcell.TLPGreen, Groups: []string{"ab"}},
		{Attribution: true},
	} {
		if _, err := s.CreateFeed(ctx, "alpha", "https://example.org/bad-release", rel); code(err) != intelcell.EINVALID {
			t.Errorf("release %+v: %v", rel, err)
		}
	}
	// The refused subscriptions left nothing behind.
	feeds, err := s.FindFeeds(ctx)
	if err != nil || len(feeds) != 5 {
		t.Errorf("%d feeds (%v), want 5", len(feeds), err)
	}
}

// testFeedFind checks that FindFeeds lists every feed, oldest first, with
// its org and release as created.
func testFeedFind(t *testing.T, s FeedStore) {
	ctx := context.Background()
	newFeedCell(t, s)
	if feeds, err := s.FindFeeds(ctx); err != nil || len(feeds) != 0 {
		t.Fatalf("feeds of an empty store: %v %v", feeds, err)
	}
	rels := []intelcell.Release{
		{},
		relCell,
		{Audience: intelcell.AudienceGroups, TLP: intelcell.TLPAmber, Groups: []string{"g1", "g2"}, Attribution: true},
		relPublic,
	}
	var created []*intelcell.Feed
	for i, rel := range rels {
		org := []string{"alpha", "beta"}[i%2]
		f, err := s.CreateFeed(ctx, org, fmt.Sprintf("http://example.org/feed%d.xml", i), rel)
		if err != nil {
			t.Fatal(err)
		}
		created = append(created, f)
		time.Sleep(3 * time.Millisecond) // distinct creation times
	}
	feeds, err := s.FindFeeds(ctx)
	if err != nil || len(feeds) != len(created) {
		t.Fatalf("%d feeds (%v)", len(feeds), err)
	}
	for i, f := range feeds {
		want := created[i]
		if f.ID != want.ID || f.Org != want.Org || f.URL != want.URL || !sameRelease(f.Release, want.Release) ||
			!f.Created.Equal(want.Created) || f.Items != 0 || f.Polled != nil || f.Error != "" {
			t.Errorf("feed %d: got %+v, want %+v", i, f, want)
		}
		if i > 0 && f.Created.Before(feeds[i-1].Created) {
			t.Errorf("feed %d is older than feed %d", i, i-1)
		}
	}
	if feeds[0].Release.Audience != "" {
		t.Errorf("a feed under the org's default release came back with %+v", feeds[0].Release)
	}
}

// findFeed returns the feed with the id, failing the test if there is none.
func findFeed(t *testing.T, s FeedStore, id string) *intelcell.Feed {
	t.Helper()
	feeds, err := s.FindFeeds(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range feeds {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("feed %s not found", id)
	return nil
}

// testFeedPolls checks what RecordFeedPoll keeps of a success, a 304 and a
// failure: validators, poll time, error and item count.
func testFeedPolls(t *testing.T, s FeedStore) {
	ctx := context.Background()
	newFeedCell(t, s)
	f, err := s.CreateFeed(ctx, "alpha", "https://example.org/atom", intelcell.Release{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.CreateFeed(ctx, "beta", "https://example.org/atom", intelcell.Release{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	check := func(step string, etag, lm, errMsg string, polled time.Time, items int) {
		t.Helper()
		g := findFeed(t, s, f.ID)
		if g.ETag != etag || g.LastModified != lm || g.Error != errMsg || g.Items != items || g.Polled == nil || !g.Polled.Equal(polled) {
			t.Errorf("%s: %+v (polled %v), want etag %q last-modified %q error %q polled %v items %d", step, g, g.Polled, etag, lm, errMsg, polled, items)
		}
	}
	lm := "Fri, 01 Mar 2024 11:00:00 GMT"
	if err := s.RecordFeedPoll(ctx, f.ID, intelcell.FeedPoll{ETag: `"v1"`, LastModified: lm, Seen: []string{"guid:1", "guid:2"}}, t0); err != nil {
		t.Fatal(err)
	}
	check("success", `"v1"`, lm, "", t0, 2)
	t1 := t0.Add(10*time.Minute + 123*time.Millisecond)
	if err := s.RecordFeedPoll(ctx, f.ID, intelcell.FeedPoll{NotModified: true}, t1); err != nil {
		t.Fatal(err)
	}
	check("not modified", `"v1"`, lm, "", t1, 2)
	t2 := t1.Add(10 * time.Minute)
	if err := s.RecordFeedPoll(ctx, f.ID, intelcell.FeedPoll{Error: "GET https://example.org/atom: 503 Service Unavailable"}, t2); err != nil {
		t.Fatal(err)
	}
	check("failure", `"v1"`, lm, "GET https://example.org/atom: 503 Service Unavailable", t2, 2)
	t3 := t2.Add(10 * time.Minute)
	if err := s.RecordFeedPoll(ctx, f.ID, intelcell.FeedPoll{NotModified: true}, t3); err != nil {
		t.Fatal(err)
	}
	check("not modified after a failure", `"v1"`, lm, "", t3, 2)
	t4 := t3.Add(10 * time.Minute)
	if err := s.RecordFeedPoll(ctx, f.ID, intelcell.FeedPoll{Error: "bad \xff byte"}, t4); err != nil {
		t.Fatal(err)
	}
	if g := findFeed(t, s, f.ID); g.Error == "" || !strings.HasPrefix(g.Error, "bad ") {
		t.Errorf("an error with invalid UTF-8 was kept as %q", g.Error)
	}
	// A success without validators clears them.
	t5 := t4.Add(10 * time.Minute)
	if err := s.RecordFeedPoll(ctx, f.ID, intelcell.FeedPoll{Seen: []string{"guid:2", "guid:3"}}, t5); err != nil {
		t.Fatal(err)
	}
	check("success without validators", "", "", "", t5, 3)
	// The other org's subscription to the same URL was not touched.
	if g := findFeed(t, s, other.ID); g.Polled != nil || g.Items != 0 || g.ETag != "" {
		t.Errorf("the other feed changed: %+v", g)
	}
	if err := s.RecordFeedPoll(ctx, "nosuchfeed", intelcell.FeedPoll{Seen: []string{"guid:1"}}, t5); code(err) != intelcell.ENOTFOUND {
		t.Errorf("poll of an unknown feed: %v", err)
	}
	if seen, err := s.FeedItemsSeen(ctx, "nosuchfeed", []string{"guid:1"}); err != nil || len(seen) != 0 {
		t.Errorf("items of an unknown feed: %v %v", seen, err)
	}
}

// testFeedItems checks that FeedItemsSeen answers exactly the keys recorded
// for that feed, whatever their length or bytes, and that each key counts
// once in Items.
func testFeedItems(t *testing.T, s FeedStore) {
	ctx := context.Background()
	newFeedCell(t, s)
	a, err := s.CreateFeed(ctx, "alpha", "https://example.org/a.json", intelcell.Release{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.CreateFeed(ctx, "alpha", "https://example.org/b.json", intelcell.Release{})
	if err != nil {
		t.Fatal(err)
	}
	if seen, err := s.FeedItemsSeen(ctx, a.ID, nil); err != nil || len(seen) != 0 {
		t.Errorf("no keys: %v %v", seen, err)
	}
	if seen, err := s.FeedItemsSeen(ctx, a.ID, []string{"guid:1"}); err != nil || len(seen) != 0 {
		t.Errorf("before any poll: %v %v", seen, err)
	}
	odd := []string{
		"link:https://example.org/" + noise(5000), // longer than an index entry
		"link:https://example.org/" + noise(4999) + "q",
		"guid:Zürich ✓",
		"guid:ZURICH ✓",
		"guid:x\x00y",    // a NUL byte
		"guid:\xff\xfe!", // not UTF-8
		"guid: padded ",
		"",
	}
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := s.RecordFeedPoll(ctx, a.ID, intelcell.FeedPoll{Seen: append(append([]string{}, odd...), odd[2], odd[0])}, now); err != nil {
		t.Fatal(err)
	}
	if g := findFeed(t, s, a.ID); g.Items != len(odd) {
		t.Errorf("items %d, want %d (repeated keys count once)", g.Items, len(odd))
	}
	probe := append(append([]string{}, odd...), "link:https://example.org/"+noise(5001),
		"guid:zürich ✓", "guid:x\x00z", "guid:\xff\xfd!", "guid:padded", " ", odd[0])
	seen, err := s.FeedItemsSeen(ctx, a.ID, probe)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range probe {
		if want := slices.Contains(odd, k); seen[k] != want {
			t.Errorf("key %.40q: seen %v, want %v", k, seen[k], want)
		}
	}
	if len(seen) != len(odd) {
		t.Errorf("%d keys seen, want %d", len(seen), len(odd))
	}
	// Keys belong to one feed.
	if seen, err := s.FeedItemsSeen(ctx, b.ID, odd); err != nil || len(seen) != 0 {
		t.Errorf("the other feed saw %v (%v)", seen, err)
	}
	// Many keys at once (more than one statement's worth of parameters in
	// some stores), recorded over two polls.
	var many []string
	for i := range 1500 {
		many = append(many, fmt.Sprintf("guid:item-%04d", i))
	}
	if err := s.RecordFeedPoll(ctx, b.ID, intelcell.FeedPoll{Seen: many[:1000]}, now); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordFeedPoll(ctx, b.ID, intelcell.FeedPoll{Seen: many[500:1200]}, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	probe = append(append([]string{}, many...), odd...)
	seen, err = s.FeedItemsSeen(ctx, b.ID, probe)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1200 || !seen[many[0]] || !seen[many[999]] || !seen[many[1199]] || seen[many[1200]] || seen[odd[0]] {
		t.Errorf("%d of the many keys seen, want the first 1200", len(seen))
	}
	if g := findFeed(t, s, b.ID); g.Items != 1200 {
		t.Errorf("items %d, want 1200", g.Items)
	}
	// Failed and not-modified polls record their items too.
	if err := s.RecordFeedPoll(ctx, b.ID, intelcell.FeedPoll{Error: "timeout", Seen: []string{"guid:late"}}, now.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if seen, _ := s.FeedItemsSeen(ctx, b.ID, []string{"guid:late"}); !seen["guid:late"] {
		t.Errorf("the item of a failed poll was not recorded")
	}
	if g := findFeed(t, s, b.ID); g.Items != 1201 || g.Error != "timeout" {
		t.Errorf("after a failed poll: items %d error %q", g.Items, g.Error)
	}
}

// testFeedConcurrentPolls records overlapping items of one feed from several
// goroutines at once: every key is seen, and counted once.
func testFeedConcurrentPolls(t *testing.T, s FeedStore) {
	ctx := context.Background()
	newFeedCell(t, s)
	f, err := s.CreateFeed(ctx, "alpha", "https://example.org/busy", intelcell.Release{})
	if err != nil {
		t.Fatal(err)
	}
	const workers, per, step = 6, 60, 20 // worker w records keys w*step .. w*step+per-1
	var wg sync.WaitGroup
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range per / 10 {
				var keys []string
				for i := range 10 {
					keys = append(keys, fmt.Sprintf("guid:%03d", w*step+k*10+i))
				}
				if err := s.RecordFeedPoll(ctx, f.ID, intelcell.FeedPoll{ETag: fmt.Sprintf(`"w%d"`, w), Seen: keys}, now.Add(time.Duration(w)*time.Second)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	distinct := (workers-1)*step + per
	var all []string
	for i := range distinct + 5 {
		all = append(all, fmt.Sprintf("guid:%03d", i))
	}
	seen, err := s.FeedItemsSeen(ctx, f.ID, all)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != distinct {
		t.Errorf("%d keys seen, want %d", len(seen), distinct)
	}
	if g := findFeed(t, s, f.ID); g.Items != distinct || g.Polled == nil {
		t.Errorf("items %d, want %d; polled %v", g.Items, distinct, g.Polled)
	}
}
