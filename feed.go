package intelcell

import (
	"context"
	"encoding/json"
	"net/url"
	"time"
)

// Feed is an RSS, Atom or JSON feed an org subscribes to: its items become
// reports of that org under Release (the zero Release: the org's default
// release at the time each item is stored). ETag and LastModified are the
// validators of the last successful fetch, sent back as If-None-Match and
// If-Modified-Since.
type Feed struct {
	ID           string     `json:"id"`
	Org          string     `json:"org"`
	URL          string     `json:"url"`
	Release      Release    `json:"release"`
	ETag         string     `json:"etag,omitempty"`
	LastModified string     `json:"last_modified,omitempty"`
	Polled       *time.Time `json:"polled,omitempty"` // last poll, successful or not
	Error        string     `json:"error,omitempty"`  // the last poll's error, "" after a success
	Items        int        `json:"items"`            // items seen so far
	Created      time.Time  `json:"created"`
}

// FeedPoll is the outcome of one poll of a feed, recorded by
// FeedService.RecordFeedPoll.
type FeedPoll struct {
	ETag, LastModified string   // new validators ("" keeps none)
	NotModified        bool     // 304: validators and items unchanged
	Error              string   // why the poll failed, "" on success
	Seen               []string // item keys handled in this poll (see FeedItemsSeen)
}

// FeedService keeps feed subscriptions and which of their items were
// already stored. It is optional: a Store that implements it can poll feeds
// (intelcell serve, intelcell feed).
type FeedService interface {
	// CreateFeed subscribes the named org to a feed URL. ECONFLICT if the
	// org already has it; ENOTFOUND for an unknown org; EINVALID for a URL
	// that is not http(s) or an invalid release.
	CreateFeed(ctx context.Context, org, url string, r Release) (*Feed, error)
	// FindFeeds lists every feed, oldest first.
	FindFeeds(ctx context.Context) ([]*Feed, error)
	// FeedItemsSeen returns which of the item keys (GUID or link) of a feed
	// were handled by an earlier poll.
	FeedItemsSeen(ctx context.Context, feedID string, keys []string) (map[string]bool, error)
	// RecordFeedPoll stores the outcome of a poll at time now.
	RecordFeedPoll(ctx context.Context, feedID string, p FeedPoll, now time.Time) error
}

// CheckFeed validates a new subscription as every store takes it: an
// http(s) URL of at most 4,096 bytes and a valid release, or the zero
// Release (the org's default when each item is stored). It returns the
// release as the stores keep it: its JSON, "" for the zero Release.
func CheckFeed(rawURL string, rel Release) (relJSON string, err error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(rawURL) > 4096 {
		return "", Errorf(EINVALID, "feed URL %q is not an http or https URL", rawURL)
	}
	if rel.IsZero() {
		return "", nil
	}
	if err := rel.Validate(); err != nil {
		return "", err
	}
	b, _ := json.Marshal(rel)
	return string(b), nil
}
