package http

import (
	"container/list"
	"sync"
)

// lru is a cache bounded by the total size of its values (size says what
// a value weighs), dropping the least recently used first. It is safe for
// concurrent use; values are shared and must be read-only.
type lru[K comparable, V any] struct {
	mu      sync.Mutex
	order   *list.List // of *lruEntry[K, V], most recent first
	byKey   map[K]*list.Element
	used    int
	max     int // the bound on the total size
	maxItem int // the largest value kept
	size    func(V) int
}

type lruEntry[K comparable, V any] struct {
	key K
	val V
}

func newLRU[K comparable, V any](max, maxItem int, size func(V) int) *lru[K, V] {
	return &lru[K, V]{order: list.New(), byKey: map[K]*list.Element{}, max: max, maxItem: maxItem, size: size}
}

// get returns the value of k and whether there is one.
func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[k]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*lruEntry[K, V]).val, true
	}
	var zero V
	return zero, false
}

// put keeps v under k (unless k is kept already, or v weighs more than
// maxItem), first dropping every entry whose key stale
// reports (nil: none), then the least recently used until v fits.
func (c *lru[K, V]) put(k K, v V, stale func(K) bool) {
	n := c.size(v)
	if n > c.maxItem {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[k]; ok {
		return
	}
	if stale != nil {
		for el := c.order.Back(); el != nil; {
			prev := el.Prev()
			if stale(el.Value.(*lruEntry[K, V]).key) {
				c.remove(el)
			}
			el = prev
		}
	}
	for c.used+n > c.max && c.order.Len() > 0 {
		c.remove(c.order.Back())
	}
	c.byKey[k] = c.order.PushFront(&lruEntry[K, V]{key: k, val: v})
	c.used += n
}

func (c *lru[K, V]) remove(el *list.Element) {
	e := el.Value.(*lruEntry[K, V])
	c.order.Remove(el)
	delete(c.byKey, e.key)
	c.used -= c.size(e.val)
}
