package fuse

import (
	"slices"
	"strings"
	"sync"
)

// LSH banding of a Signature: Bands bands of Rows values each. Two texts
// with Jaccard similarity J share at least one band bucket with probability
// 1-(1-J^Rows)^Bands: 0.996 at J = 0.5, 0.69 at J = 0.3, 0.04 at J = 0.1.
const (
	Bands = 42
	Rows  = 3
)

// Match is one indexed signature near a query, with its estimated
// similarity.
type Match struct {
	ID         string
	Similarity float64
}

// Index finds near-duplicate signatures without comparing against every
// stored one (locality-sensitive hashing over signature bands). It is safe
// for concurrent use. The zero Index is not usable; call NewIndex.
type Index struct {
	mu      sync.RWMutex
	sigs    map[string]Signature
	buckets map[uint64][]string
}

// NewIndex returns an empty Index.
func NewIndex() *Index {
	return &Index{sigs: map[string]Signature{}, buckets: map[uint64][]string{}}
}

// bandKeys returns the bucket key of each band of a signature.
func bandKeys(s Signature) [Bands]uint64 {
	var keys [Bands]uint64
	for b := 0; b < Bands; b++ {
		h := uint64(14695981039346656037) ^ uint64(b)
		h *= 1099511628211
		for _, v := range s[b*Rows : (b+1)*Rows] {
			h ^= uint64(v)
			h *= 1099511628211
		}
		keys[b] = h
	}
	return keys
}

// Add stores a signature under id, replacing any signature stored under the
// same id. Empty signatures are remembered but never match.
func (x *Index) Add(id string, sig Signature) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.remove(id)
	x.sigs[id] = sig
	if sig.Empty() {
		return
	}
	for _, k := range bandKeys(sig) {
		x.buckets[k] = append(x.buckets[k], id)
	}
}

// Remove forgets id. Removing an unknown id does nothing.
func (x *Index) Remove(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.remove(id)
}

func (x *Index) remove(id string) {
	old, ok := x.sigs[id]
	if !ok {
		return
	}
	delete(x.sigs, id)
	if old.Empty() {
		return
	}
	for _, k := range bandKeys(old) {
		ids := x.buckets[k]
		if i := slices.Index(ids, id); i >= 0 {
			ids = slices.Delete(ids, i, i+1)
		}
		if len(ids) == 0 {
			delete(x.buckets, k)
		} else {
			x.buckets[k] = ids
		}
	}
}

// Len returns the number of stored ids.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.sigs)
}

// Signature returns the signature stored under id.
func (x *Index) Signature(id string) (Signature, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	s, ok := x.sigs[id]
	return s, ok
}

// Near returns the stored ids whose estimated similarity to sig is at least
// threshold, most similar first (ties by id). Candidates come from shared
// LSH buckets, so a match below about 0.3 may be missed; every returned
// similarity is checked against the full signature.
func (x *Index) Near(sig Signature, threshold float64) []Match {
	if sig.Empty() {
		return nil
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	seen := map[string]bool{}
	var out []Match
	for _, k := range bandKeys(sig) {
		for _, id := range x.buckets[k] {
			if seen[id] {
				continue
			}
			seen[id] = true
			if s := sig.Similarity(x.sigs[id]); s >= threshold {
				out = append(out, Match{ID: id, Similarity: s})
			}
		}
	}
	slices.SortFunc(out, func(a, b Match) int {
		if a.Similarity != b.Similarity {
			if a.Similarity > b.Similarity {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}
