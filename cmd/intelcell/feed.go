package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/ingest"
	"github.com/intelcell/intelcell/postgres"
	"github.com/intelcell/intelcell/sqlite"
)

// releaseFlagSet adds --audience, --tlp, --groups and --attribution (as
// ingest has them) and returns a function giving the release they describe;
// no --audience gives the zero Release, the org's default.
func releaseFlagSet(fs *flag.FlagSet) func() (intelcell.Release, error) {
	audience := fs.String("audience", "", "release audience: org, groups, cell or public (default: the org's default release)")
	tlp := fs.String("tlp", "", "TLP 2.0 label: clear, green, amber, amber+strict or red (default: the one matching the audience)")
	groups := fs.String("groups", "", "comma-separated sharing groups (with --audience groups)")
	attribution := fs.Bool("attribution", false, "let others see which org sent the reports")
	return func() (intelcell.Release, error) {
		if *audience == "" {
			if *tlp != "" || *groups != "" || *attribution {
				return intelcell.Release{}, wrapUsage("--audience is required with --tlp, --groups or --attribution")
			}
			return intelcell.Release{}, nil
		}
		rel := intelcell.Release{Audience: intelcell.Audience(*audience), TLP: intelcell.TLP(*tlp), Attribution: *attribution}
		if rel.TLP == "" {
			rel.TLP = map[intelcell.Audience]intelcell.TLP{"org": "amber+strict", "groups": "amber", "cell": "green", "public": "clear"}[rel.Audience]
		}
		for _, g := range strings.Split(*groups, ",") {
			if g = strings.TrimSpace(g); g != "" {
				rel.Groups = append(rel.Groups, g)
			}
		}
		if err := rel.Validate(); err != nil {
			return rel, wrapUsage("%s", intelcell.ErrorMessage(err))
		}
		return rel, nil
	}
}

// Both stores keep feeds, so the feed command and serve's poller work with
// --data and with --db alike; feedStore's check only matters for a store
// added later.
var (
	_ ingest.FeedStore = (*sqlite.DB)(nil)
	_ ingest.FeedStore = (*postgres.DB)(nil)
)

// feedStore returns the store's feed support, or an error if it has none.
func feedStore(db any) (ingest.FeedStore, error) {
	fs, ok := db.(ingest.FeedStore)
	if !ok {
		return nil, fmt.Errorf("this store does not support feeds")
	}
	return fs, nil
}

// startFeedPolling polls every feed of db every interval in the background
// until ctx is done (intelcell serve). For a store without feed support it
// logs that polling is off and does nothing.
func startFeedPolling(ctx context.Context, db any, wake func(), logger *slog.Logger, allowPrivate bool, interval time.Duration) {
	if interval <= 0 {
		return
	}
	fs, err := feedStore(db)
	if err != nil {
		if logger != nil {
			logger.Warn("feed polling off", "err", err)
		}
		return
	}
	p := &ingest.Poller{Store: fs, Fetcher: ingest.NewFetcher(ingest.Guard{AllowPrivate: allowPrivate}), Wake: wake, Logger: logger}
	go p.Run(ctx, interval)
}

func init() {
	c := &command{name: "feed", usage: "add URL [--org NAME] [--audience A --tlp T --groups G,H --attribution] | list | poll [--allow-private-feeds]  [--data DIR]",
		help: "Subscribe an org to an RSS, Atom or JSON feed, list subscriptions, or poll every feed once now.\n" +
			"intelcell serve polls them (--feed-interval): each new item's page is fetched, reduced to its article\n" +
			"text and stored as a report of the org under the feed's release; items are deduplicated by content."}
	c.run = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fset := newFlags(c, stderr)
		data := dataFlag(fset)
		org := fset.String("org", "", "add: the subscribing org (default: the only org of the cell)")
		release := releaseFlagSet(fset)
		allowPrivate := fset.Bool("allow-private-feeds", false, "poll: allow feeds and pages on loopback, private and link-local addresses")
		pos, err := parseInterleaved(fset, args)
		if err != nil {
			return err
		}
		if len(pos) == 0 {
			return wrapUsage("give add URL, list or poll")
		}
		rel, err := release()
		if err != nil {
			return err
		}
		db, err := openStore(ctx, *data)
		if err != nil {
			return err
		}
		defer db.Close()
		fs, err := feedStore(db)
		if err != nil {
			return err
		}
		switch {
		case pos[0] == "add" && len(pos) == 2:
			if *org == "" {
				orgs, err := db.FindOrgs(ctx)
				if err != nil {
					return err
				}
				if len(orgs) != 1 {
					return wrapUsage("--org is required when the cell has %d orgs", len(orgs))
				}
				*org = orgs[0].Name
			}
			f, err := fs.CreateFeed(ctx, *org, pos[1], rel)
			if err != nil {
				return err
			}
			rs := "the org's default"
			if f.Release.Audience != "" {
				rs = releaseString(f.Release)
			}
			fmt.Fprintf(stdout, "feed %s: %s for org %s, release %s\n", f.ID, f.URL, f.Org, rs)
			return auditCLI(ctx, db, intelcell.AuditCreate, "feed", f.URL, "org "+f.Org+"; "+rs)
		case pos[0] == "list" && len(pos) == 1:
			feeds, err := fs.FindFeeds(ctx)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tORG\tURL\tRELEASE\tITEMS\tPOLLED\tERROR")
			for _, f := range feeds {
				polled, rs := "never", "default"
				if f.Polled != nil {
					polled = f.Polled.Format(time.RFC3339)
				}
				if f.Release.Audience != "" {
					rs = releaseString(f.Release)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", f.ID, f.Org, f.URL, rs, f.Items, polled, f.Error)
			}
			return tw.Flush()
		case pos[0] == "poll" && len(pos) == 1:
			feeds, err := fs.FindFeeds(ctx)
			if err != nil {
				return err
			}
			p := &ingest.Poller{Store: fs, Fetcher: ingest.NewFetcher(ingest.Guard{AllowPrivate: *allowPrivate})}
			failed := false
			for _, f := range feeds {
				st, err := p.PollFeed(ctx, f)
				if err != nil {
					failed = true
					fmt.Fprintf(stderr, "%s: %v\n", f.URL, err)
					continue
				}
				if st.NotModified {
					fmt.Fprintf(stdout, "%s: not modified\n", f.URL)
				} else {
					fmt.Fprintf(stdout, "%s: %d items, %d new reports, %d duplicates, %d refused\n", f.URL, st.Items, st.New, st.Dup, st.Bad)
				}
			}
			if failed {
				return errFailed
			}
			return nil
		}
		return wrapUsage("give add URL, list or poll")
	}
	register(c)
}
