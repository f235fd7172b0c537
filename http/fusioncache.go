package http

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/sync/singleflight"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/fuse"
)

// The fusion cache keeps merged windows so that the merged-event, story and
// merged-event-by-id endpoints need not reload and re-merge a window for
// every request.
//
// What a merge of a window computes depends on three things only: the
// viewer's access class (anonymous, or org and sharing groups: the inputs
// of intelcell.Visible, and the org decides which senders may be named),
// the window, and the stored data. The key holds all three; the data is
// named by the store's FusionWindowVersion where it has one (advanced only
// by changes to the window's days, so merges of other days survive them),
// else by its FusionVersion, which every change a merge depends on
// advances. An entry is therefore never served to a viewer who could not
// have computed it, nor after a change — a release narrowed, a report
// reprocessed, a decision recorded — that would alter it. A request's other
// filters do not enter the merge (they only pick which merged events to
// return) and are applied to the cached window by FusionMatches.

// fusionCacheEvents bounds the cache by the events its entries hold, the
// measure of their memory (about 3 KB an event with its merged result: some
// 300 MB, a dozen 31-day windows at 100,000 reports).
const fusionCacheEvents = 100_000

// fusionKey names one merged window for one access class at one version.
type fusionKey struct {
	class    string
	from, to string // the loaded window, margins included
	version  int64
}

// fusionBase is a merged window: read-only once cached.
type fusionBase struct {
	set    *intelcell.FusionSet
	merged []fuse.Merged
	copies map[string]string
}

// fusionCache keeps merged windows, bounded by the events they hold, with
// concurrent misses for one key computed once.
type fusionCache struct {
	windows *lru[fusionKey, *fusionBase]
	flights singleflight.Group
}

func newFusionCache(maxEvents int) *fusionCache {
	return &fusionCache{windows: newLRU[fusionKey](maxEvents, maxEvents, func(b *fusionBase) int { return len(b.set.Events) })}
}

// accessClass names the viewers who see exactly the same reports with the
// same senders named: the anonymous public, or one org with one set of
// sharing groups.
func accessClass(v intelcell.Viewer) string {
	if v.Anonymous() {
		return "public"
	}
	gs := slices.Clone(v.Groups)
	slices.Sort(gs)
	return fmt.Sprintf("org %d groups %s", v.Org, strings.Join(gs, "\x00"))
}

// mergeWindow loads and merges the viewer's visible events of the window
// lf (dates only) with the decisions that apply.
func mergeWindow(ctx context.Context, fs intelcell.FusionService, v intelcell.Viewer, lf intelcell.EventFilter) (*fusionBase, error) {
	set, err := fs.FusionEvents(ctx, v, lf)
	if err != nil {
		return nil, err
	}
	items, copies := Items(set)
	ids := make([]string, len(set.Events))
	for i, e := range set.Events {
		ids[i] = e.ID
	}
	var ds []*intelcell.Decision
	if len(ids) > 0 {
		if ds, err = fs.FindDecisions(ctx, v, ids); err != nil {
			return nil, err
		}
	}
	return &fusionBase{set: set, merged: fuse.Merge(items, Decisions(ds), fuse.Options{}), copies: copies}, nil
}

// cachedWindow returns the merged window lf for v from the cache, merging
// it on a miss; ok is false when the store cannot version its data.
func (s *Server) cachedWindow(ctx context.Context, fs intelcell.FusionService, v intelcell.Viewer, lf intelcell.EventFilter) (*fusionBase, bool, error) {
	fv, ok := fs.(intelcell.FusionVersioner)
	if !ok || s.fcache == nil {
		return nil, false, nil
	}
	var ver int64
	var err error
	if wv, ok := fs.(intelcell.FusionWindowVersioner); ok {
		ver, err = wv.FusionWindowVersion(ctx, lf.From, lf.To)
	} else {
		ver, err = fv.FusionVersion(ctx)
	}
	if err != nil {
		return nil, true, err
	}
	k := fusionKey{class: accessClass(v), from: lf.From, to: lf.To, version: ver}
	if b, ok := s.fcache.windows.get(k); ok {
		return b, true, nil
	}
	dates := intelcell.EventFilter{From: lf.From, To: lf.To}
	r, err, _ := s.fcache.flights.Do(fmt.Sprintf("%s|%s|%s|%d", k.class, k.from, k.to, k.version), func() (any, error) {
		// Computed for every request waiting on this key: not cancelled by
		// the first one going away.
		b, err := mergeWindow(context.WithoutCancel(ctx), fs, v, dates)
		if err == nil {
			// Older versions of this window can never be asked for again.
			s.fcache.windows.put(k, b, func(old fusionKey) bool {
				return old.class == k.class && old.from == k.from && old.to == k.to && old.version < k.version
			})
		}
		return b, err
	})
	if err != nil {
		return nil, true, err
	}
	return r.(*fusionBase), true, nil
}
