package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// loadStats collects the latencies and errors of one kind of query.
type loadStats struct {
	mu     sync.Mutex
	lat    []time.Duration
	errors int
}

func (s *loadStats) add(d time.Duration, err bool) {
	s.mu.Lock()
	if err {
		s.errors++
	} else {
		s.lat = append(s.lat, d)
	}
	s.mu.Unlock()
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// loadQueries are the filter values a load test draws from, harvested from
// the server's own events so that queries hit data.
type loadQueries struct {
	actors, countries, cameos, plovers, words []string
}

func harvest(ctx context.Context, c *http.Client, base, token string) (*loadQueries, error) {
	q := &loadQueries{words: []string{"ceasefire", "sanctions", "airstrikes", "talks", "refugees", "cooperation", "border security",
		"killed wounded", "humanitarian aid", "diplomats", "negotiations", "energy supplies", "apology", "prisoners"}}
	seen := map[string]bool{}
	add := func(list *[]string, v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			*list = append(*list, v)
		}
	}
	var page struct {
		Events []struct {
			Cameo, Plover string
			Source        *struct{ Code, Country, Name string }
			Target        *struct{ Code, Country, Name string }
		}
	}
	if err := getJSON(ctx, c, base+"/api/v1/events?limit=1000", token, &page); err != nil {
		return nil, fmt.Errorf("harvest filter values: %w", err)
	}
	for _, e := range page.Events {
		add(&q.cameos, e.Cameo[:min(2, len(e.Cameo))])
		add(&q.cameos, e.Cameo)
		add(&q.plovers, e.Plover)
		for _, a := range []*struct{ Code, Country, Name string }{e.Source, e.Target} {
			if a != nil {
				add(&q.actors, a.Code)
				add(&q.countries, a.Country)
				if len(q.words) < 60 && !strings.ContainsAny(a.Name, `"'()-`) {
					add(&q.words, a.Name)
				}
			}
		}
	}
	if len(q.actors) == 0 {
		return nil, fmt.Errorf("the server shows this token no events: generate data first (intelcell gen)")
	}
	return q, nil
}

func getJSON(ctx context.Context, c *http.Client, u, token string, out any) error {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 500))
		return fmt.Errorf("GET %s: %s %s", u, resp.Status, b)
	}
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// eventQuery returns a random filtered event query: one to three of actor,
// country, CAMEO code or root, PLOVER type and a date range.
func (q *loadQueries) eventQuery(rng *rand.Rand) string {
	v := url.Values{}
	pick := func(l []string) string { return l[rng.IntN(len(l))] }
	for len(v) == 0 {
		if rng.IntN(3) == 0 {
			v.Set("actor", pick(q.actors))
		}
		if rng.IntN(3) == 0 && len(q.countries) > 0 {
			v.Set("country", pick(q.countries))
		}
		if rng.IntN(3) == 0 {
			v.Set("cameo", pick(q.cameos))
		}
		if rng.IntN(5) == 0 && len(q.plovers) > 0 {
			v.Set("plover", pick(q.plovers))
		}
		if rng.IntN(3) == 0 {
			d := time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(3*365))
			v.Set("from", d.Format("2006-01-02"))
			v.Set("to", d.AddDate(0, 0, 7+rng.IntN(90)).Format("2006-01-02"))
		}
	}
	v.Set("limit", "100")
	return "/api/v1/events?" + v.Encode()
}

// mergedQuery returns a merged-event query with zero to two of actor,
// country, CAMEO and PLOVER filters: over the default window (the 31 days
// up to the newest visible event) when cold is false, else over a random
// 31-day window, which the server has most likely not merged yet.
func (q *loadQueries) mergedQuery(rng *rand.Rand, cold bool) string {
	v := url.Values{}
	pick := func(l []string) string { return l[rng.IntN(len(l))] }
	for range rng.IntN(3) {
		switch rng.IntN(4) {
		case 0:
			v.Set("actor", pick(q.actors))
		case 1:
			if len(q.countries) > 0 {
				v.Set("country", pick(q.countries))
			}
		case 2:
			v.Set("cameo", pick(q.cameos))
		case 3:
			if len(q.plovers) > 0 {
				v.Set("plover", pick(q.plovers))
			}
		}
	}
	if cold {
		d := time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(3*365))
		v.Set("from", d.Format("2006-01-02"))
		v.Set("to", d.AddDate(0, 0, 30).Format("2006-01-02"))
	}
	v.Set("limit", "100")
	return "/api/v1/merged-events?" + v.Encode()
}

func (q *loadQueries) searchQuery(rng *rand.Rand) string {
	return "/api/v1/search?" + url.Values{"q": {q.words[rng.IntN(len(q.words))]}, "limit": {"20"}}.Encode()
}

func init() {
	c := &command{name: "loadtest", usage: "--addr HOST:PORT --token TOKEN [--duration 20s] [--concurrency 4]",
		help: "Fire queries at a running server for a while, in turn of the kinds asked (--kinds): filtered event queries\n" +
			"(events), full-text searches (search), merged events of the default window with filters (merged) and of random\n" +
			"31-day windows in 2014-2016 (merged-cold). Then print the count, errors and p50/p95/p99 latency of each kind.\n" +
			"Filter values come from the token's own visible events."}
	c.run = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fs := newFlags(c, stderr)
		addr := fs.String("addr", "127.0.0.1:8080", "the server")
		token := fs.String("token", "", "API token whose view to query")
		duration := fs.Duration("duration", 20*time.Second, "how long to run")
		conc := fs.Int("concurrency", 4, "queries in flight")
		seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "random seed")
		slow := fs.Duration("slow", 0, "print each query slower than this (0: none)")
		kindList := fs.String("kinds", "events,search", "query kinds, comma-separated: events, search, merged, merged-cold")
		pos, err := parseInterleaved(fs, args)
		if err != nil {
			return err
		}
		if len(pos) > 0 || *conc < 1 || *duration <= 0 {
			return wrapUsage("loadtest takes flags only")
		}
		base := *addr
		if !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") {
			base = "http://" + base
		}
		client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *conc * 2}}
		q, err := harvest(ctx, client, base, *token)
		if err != nil {
			return err
		}
		var who struct {
			Org  string `json:"org"`
			Role string `json:"role"`
		}
		if *token != "" {
			getJSON(ctx, client, base+"/api/v1/whoami", *token, &who)
		}
		kinds := strings.Split(*kindList, ",")
		stats := map[string]*loadStats{}
		for _, k := range kinds {
			switch k {
			case "events", "search", "merged", "merged-cold":
				stats[k] = &loadStats{}
			default:
				return wrapUsage("unknown query kind %q (events, search, merged, merged-cold)", k)
			}
		}
		ctx, cancel := context.WithTimeout(ctx, *duration)
		defer cancel()
		var wg sync.WaitGroup
		start := time.Now()
		for w := range *conc {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(*seed, uint64(w)))
				for i := 0; ctx.Err() == nil; i++ {
					kind := kinds[(i+w)%len(kinds)]
					var u string
					switch kind {
					case "events":
						u = q.eventQuery(rng)
					case "search":
						u = q.searchQuery(rng)
					default:
						u = q.mergedQuery(rng, kind == "merged-cold")
					}
					t := time.Now()
					err := getJSON(ctx, client, base+u, *token, nil)
					if ctx.Err() != nil {
						return // cut off by the end of the run: not counted
					}
					if err != nil && stats[kind].errors < 3 {
						fmt.Fprintf(stderr, "%s: %v\n", kind, err)
					}
					stats[kind].add(time.Since(t), err != nil)
					if *slow > 0 && time.Since(t) > *slow {
						fmt.Fprintf(stderr, "slow %v %s\n", time.Since(t).Round(time.Millisecond), u)
					}
				}
			}()
		}
		wg.Wait()
		el := time.Since(start)
		fmt.Fprintf(stdout, "loadtest %s as org %q role %q: %v, concurrency %d\n", base, who.Org, who.Role, el.Round(time.Millisecond), *conc)
		fmt.Fprintf(stdout, "%-11s %8s %8s %7s %10s %10s %10s %10s\n", "query", "count", "per s", "errors", "p50", "p95", "p99", "max")
		for _, k := range kinds {
			s := stats[k]
			sort.Slice(s.lat, func(i, j int) bool { return s.lat[i] < s.lat[j] })
			var mx time.Duration
			if len(s.lat) > 0 {
				mx = s.lat[len(s.lat)-1]
			}
			fmt.Fprintf(stdout, "%-11s %8d %8.0f %7d %10s %10s %10s %10s\n", k, len(s.lat), float64(len(s.lat))/el.Seconds(), s.errors,
				ms(percentile(s.lat, .50)), ms(percentile(s.lat, .95)), ms(percentile(s.lat, .99)), ms(mx))
		}
		for _, s := range stats {
			if s.errors > 0 {
				return errFailed
			}
		}
		return nil
	}
	register(c)
}
