// Package fuse turns many reports into one common picture: it links
// near-duplicate reports (wire copy reprinted with light edits) into copy
// groups, merges the events that several reports extract about the same real
// happening into merged events with an independent-source corroboration
// count, and groups reports into stories.
//
// Everything here is a pure, deterministic function of its input: no
// database, no network, no clock, no global mutable state. The server calls
// it with only the reports a viewer may see, so merged events, counts and
// corroboration never reveal that an invisible report exists. Functions are
// safe for concurrent use; an *Index guards itself with a lock.
//
// The layers:
//
//	Sign(text) → Signature          MinHash of word 4-shingles
//	Index.Add / Index.Near          LSH banding: candidate copies in ~O(1)
//	GroupCopies                     copy groups (similarity ≥ CopyThreshold)
//	Merge(items, decisions, opt)    events → merged events (average linkage
//	                                with hard conflicts, analyst decisions)
//	Stories(merged, copies, thr)    reports → stories (shared merged events)
package fuse
