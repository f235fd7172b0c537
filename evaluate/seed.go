// Package evaluate measures the extractor against gold data: a hand-made gold
// document (the same figures as the project's score.py), PLOVER-coded
// sentences, and geoparsing sets. The gold files are other people's data and
// are read from a directory given at run time, never embedded.
package evaluate

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/intelcell/intelcell"
)

// SeedScore holds the figures of one gold document.
type SeedScore struct {
	MentionR, EventR, EventP, EventF, QuoteR, PlaceR float64
	MustNot, FalseMentions, WrongPlaces              int
	Details, DetailsOf, Dates, DatesOf               int
	Total                                            float64
	Misses                                           []string
}

// String prints the summary line in the format of score.py.
func (s SeedScore) String() string {
	return fmt.Sprintf("score: mentions R=%.2f events R=%.2f P=%.2f F=%.2f must_not=%d quotes R=%.2f places R=%.2f details=%d/%d date=%d/%d total=%.2f",
		s.MentionR, s.EventR, s.EventP, s.EventF, s.MustNot, s.QuoteR, s.PlaceR, s.Details, s.DetailsOf, s.Dates, s.DatesOf, s.Total)
}

type gold struct {
	File      string                                  `json:"file"`
	Date      string                                  `json:"date"`
	Actors    map[string]map[string]any               `json:"actors"`
	Mentions  []struct{ Text, In, Actor, Why string } `json:"mentions"`
	NotMent   []struct{ Text, In, Why string }        `json:"not_mentions"`
	Events    []goldEvent                             `json:"events"`
	Optional  []goldEvent                             `json:"optional"`
	MustNot   []goldEvent                             `json:"must_not"`
	Quotes    []goldQuote                             `json:"quotes"`
	Places    []goldPlace                             `json:"places"`
	OptPlaces []goldPlace                             `json:"optional_places"`
}

type goldEvent struct {
	ID        string                          `json:"id"`
	In        string                          `json:"in"`
	Source    json.RawMessage                 `json:"source"`
	Target    json.RawMessage                 `json:"target"`
	Roots     []string                        `json:"roots"`
	Date      string                          `json:"date"`
	Killed    *float64                        `json:"killed"`
	Wounded   *float64                        `json:"wounded"`
	Either    bool                            `json:"either_direction"`
	PlaceNear *struct{ Lat, Lon, Km float64 } `json:"place_near"`
	Why       string                          `json:"why"`
}

type goldQuote struct {
	Speaker json.RawMessage `json:"speaker"`
	Text    string          `json:"text"`
}

type goldPlace struct {
	Text string  `json:"text"`
	RLat float64 `json:"lat"`
	RLon float64 `json:"lon"`
	RKm  float64 `json:"km"`
}

// LoadGold reads a gold file and the text it refers to (resolved against the
// gold file's grandparent directory, as score.py does).
func LoadGold(path string) (g *gold, text string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	g = &gold{}
	if err := json.Unmarshal(b, g); err != nil {
		return nil, "", fmt.Errorf("%s: %v", path, err)
	}
	base := filepath.Dir(filepath.Dir(path))
	t, err := os.ReadFile(filepath.Join(base, g.File))
	if err != nil {
		return nil, "", err
	}
	return g, string(t), nil
}

// names decodes a gold actor field: a name, null, or a list of them (nil
// entries meaning "no actor").
func names(raw json.RawMessage) []*string {
	var one *string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []*string{one}
	}
	var many []*string
	_ = json.Unmarshal(raw, &many)
	return many
}

type scorer struct {
	g    *gold
	text string
}

func (s *scorer) spanOf(snippet string) (int, int, error) {
	i := strings.Index(s.text, snippet)
	if i < 0 {
		return 0, 0, fmt.Errorf("gold snippet not in text: %q", snippet)
	}
	return i, i + len(snippet), nil
}

func actorCountry(a *intelcell.Actor) string {
	if a.Country != nil && *a.Country != "" {
		return *a.Country
	}
	if len(a.Code) >= 3 && strings.ToUpper(a.Code[:3]) == a.Code[:3] && regexp.MustCompile(`^[A-Z]{3}`).MatchString(a.Code) {
		return a.Code[:3]
	}
	return ""
}

func specOK(a *intelcell.Actor, spec map[string]any) bool {
	str := func(k string) (string, bool) {
		v, ok := spec[k].(string)
		return v, ok
	}
	country := actorCountry(a)
	if re, ok := str("person_re"); ok {
		if !regexp.MustCompile(re).MatchString(a.Name) {
			return false
		}
		c, has := str("country")
		return !has || country == c || strings.HasPrefix(a.Code, c)
	}
	if re, ok := str("name_re"); ok {
		if regexp.MustCompile(re).MatchString(a.Name) {
			return true
		}
		if cre, ok := str("code_re"); ok {
			return regexp.MustCompile(cre).MatchString(a.Code)
		}
		return false
	}
	if c, ok := str("country"); ok {
		return country == c || strings.HasPrefix(a.Code, c)
	}
	return false
}

func (s *scorer) actorIs(a *intelcell.Actor, name *string) bool {
	if name == nil {
		return a == nil
	}
	if a == nil {
		return false
	}
	spec := s.g.Actors[*name]
	if anyList, ok := spec["any"].([]any); ok {
		for _, x := range anyList {
			switch v := x.(type) {
			case string:
				if s.actorIs(a, &v) {
					return true
				}
			case map[string]any:
				if specOK(a, v) {
					return true
				}
			}
		}
		return false
	}
	return specOK(a, spec)
}

func (s *scorer) anyActor(a *intelcell.Actor, raw json.RawMessage) bool {
	for _, n := range names(raw) {
		if s.actorIs(a, n) {
			return true
		}
	}
	return false
}

func overlaps(sp intelcell.Span, a, b int) bool { return sp.Start < b && sp.End > a }

func km(a, b, c, d float64) float64 {
	p := math.Pi / 180
	h := math.Pow(math.Sin((c-a)*p/2), 2) + math.Cos(a*p)*math.Cos(c*p)*math.Pow(math.Sin((d-b)*p/2), 2)
	return 12742 * math.Asin(math.Min(1, math.Sqrt(h)))
}

// ScoreSeed scores a Document against a gold file exactly as score.py does.
func ScoreSeed(g *gold, text string, doc *intelcell.Document) (SeedScore, error) {
	s := &scorer{g: g, text: text}
	var out SeedScore
	miss := func(f string, a ...any) { out.Misses = append(out.Misses, fmt.Sprintf(f, a...)) }
	rangeOf := func(in, t string) (int, int, error) {
		st, _, err := s.spanOf(in)
		if err != nil {
			return 0, 0, err
		}
		off := strings.Index(in, t)
		return st + off, st + off + len(t), nil
	}
	got := 0
	for _, m := range g.Mentions {
		a, b, err := rangeOf(m.In, m.Text)
		if err != nil {
			return out, err
		}
		ok := false
		for i := range doc.Mentions {
			x := &doc.Mentions[i]
			if x.Start < b && x.End > a && s.actorIs(&x.Actor, &m.Actor) {
				ok = true
			}
		}
		if ok {
			got++
		} else {
			miss("mention %q (%s) -> %s", m.Text, m.In, m.Actor)
		}
	}
	out.MentionR = ratio(got, len(g.Mentions))
	for _, m := range g.NotMent {
		a, b, err := rangeOf(m.In, m.Text)
		if err != nil {
			return out, err
		}
		for _, x := range doc.Mentions {
			if x.Start < b && x.End > a && x.Text == m.Text {
				out.FalseMentions++
				miss("false mention %q in %q", m.Text, m.In)
			}
		}
	}
	var positive []*intelcell.Event
	for i := range doc.Events {
		if !doc.Events[i].Negated {
			positive = append(positive, &doc.Events[i])
		}
	}
	evMatch := func(e *intelcell.Event, spec goldEvent) bool {
		root := ""
		if len(e.Cameo) >= 2 {
			root = e.Cameo[:2]
		}
		okRoot := false
		for _, r := range spec.Roots {
			okRoot = okRoot || r == root
		}
		a, b, err := s.spanOf(spec.In)
		if !okRoot || err != nil || !overlaps(e.Span, a, b) {
			return false
		}
		ok := s.anyActor(e.Source, spec.Source) && s.anyActor(e.Target, spec.Target)
		if !ok && spec.Either {
			ok = s.anyActor(e.Source, spec.Target) && s.anyActor(e.Target, spec.Source)
		}
		return ok
	}
	used := map[int]bool{}
	matched := map[string]*intelcell.Event{}
	for _, spec := range g.Events {
		found := false
		for i, e := range positive {
			if !used[i] && evMatch(e, spec) {
				used[i] = true
				matched[spec.ID] = e
				found = true
				break
			}
		}
		if !found {
			miss("event %s missed in %q", spec.ID, spec.In)
		}
	}
	out.EventR = ratio(len(matched), len(g.Events))
	accepted := map[int]bool{}
	for i := range used {
		accepted[i] = true
	}
	for i, e := range positive {
		if accepted[i] {
			continue
		}
		for _, spec := range append(append([]goldEvent{}, g.Events...), g.Optional...) {
			if evMatch(e, spec) {
				accepted[i] = true
				break
			}
		}
	}
	for _, spec := range g.MustNot {
		for _, e := range positive {
			if evMatch(e, spec) {
				out.MustNot++
				miss("must-not event produced: %s", spec.Why)
			}
		}
	}
	counted, good := 0, 0
	for i, e := range positive {
		if e.Target == nil && strings.HasPrefix(e.Cameo, "01") {
			continue
		}
		counted++
		if accepted[i] {
			good++
		} else {
			miss("extra event: %s -> %s %s", code(e.Source), code(e.Target), e.Cameo)
		}
	}
	out.EventP = ratio(good, counted)
	for _, spec := range g.Events {
		e := matched[spec.ID]
		for _, kv := range []struct {
			want *float64
			got  func() *int
			name string
		}{{spec.Killed, func() *int { return e.Killed }, "killed"}, {spec.Wounded, func() *int { return e.Wounded }, "wounded"}} {
			if kv.want == nil {
				continue
			}
			out.DetailsOf++
			if e != nil && kv.got() != nil && math.Abs(float64(*kv.got())-*kv.want) <= 0.02**kv.want {
				out.Details++
			} else {
				miss("%s of %s: want %v", kv.name, spec.ID, *kv.want)
			}
		}
		if spec.Date != "" {
			out.DatesOf++
			if e != nil && e.Date == spec.Date {
				out.Dates++
			} else {
				miss("date of %s: want %s", spec.ID, spec.Date)
			}
		}
		if p := spec.PlaceNear; p != nil {
			out.DetailsOf++
			if e != nil && e.Place != nil && km(p.Lat, p.Lon, e.Place.Lat, e.Place.Lon) <= p.Km {
				out.Details++
			} else {
				miss("place of %s: want near %v,%v", spec.ID, p.Lat, p.Lon)
			}
		}
	}
	qgot := 0
	for _, spec := range g.Quotes {
		found := false
		for _, q := range doc.Quotes {
			t := q.Text
			common := strings.Contains(t, spec.Text) || t != "" && strings.Contains(spec.Text, t) && float64(len(t)) >= 0.8*float64(len(spec.Text))
			if common && s.anyActor(q.Speaker, spec.Speaker) {
				found = true
			}
		}
		if found {
			qgot++
		} else {
			miss("quote missed: %.50q", spec.Text)
		}
	}
	out.QuoteR = ratio(qgot, len(g.Quotes))
	pgot := 0
	for _, spec := range g.Places {
		a, b, err := s.spanOf(spec.Text)
		if err != nil {
			return out, err
		}
		ok := false
		for _, p := range doc.Places {
			if (p.Text == spec.Text || p.Start < b && p.End > a) && km(spec.RLat, spec.RLon, p.Lat, p.Lon) <= spec.RKm {
				ok = true
			}
		}
		if ok {
			pgot++
		} else {
			miss("place missed: %s", spec.Text)
		}
	}
	out.PlaceR = ratio(pgot, len(g.Places))
	for _, p := range doc.Places {
		for _, spec := range append(append([]goldPlace{}, g.Places...), g.OptPlaces...) {
			if p.Text == spec.Text && km(spec.RLat, spec.RLon, p.Lat, p.Lon) > spec.RKm {
				out.WrongPlaces++
				miss("place %s put at %v,%v", p.Text, p.Lat, p.Lon)
			}
		}
	}
	if out.EventR+out.EventP > 0 {
		out.EventF = 2 * out.EventR * out.EventP / (out.EventR + out.EventP)
	}
	type part struct {
		w, v float64
		ok   bool
	}
	parts := []part{{0.2, out.MentionR, len(g.Mentions) > 0}, {0.35, out.EventF, len(g.Events) > 0},
		{0.15, out.QuoteR, len(g.Quotes) > 0}, {0.1, out.PlaceR, len(g.Places) > 0},
		{0.1, ratio(out.Details, out.DetailsOf), out.DetailsOf > 0}, {0.1, ratio(out.Dates, out.DatesOf), out.DatesOf > 0}}
	w, sum := 0.0, 0.0
	for _, p := range parts {
		if p.ok {
			w += p.w
			sum += p.w * p.v
		}
	}
	out.Total = sum/w - 0.05*float64(out.MustNot) - 0.02*float64(out.FalseMentions) - 0.02*float64(out.WrongPlaces)
	return out, nil
}

func code(a *intelcell.Actor) string {
	if a == nil {
		return "-"
	}
	return a.Code
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
