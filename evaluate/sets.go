package evaluate

import (
	"bufio"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/cameo"
	"github.com/intelcell/intelcell/extract"
)

// PloverScore holds the figures of the PLOVER sentence set, as plover.py
// computes them.
type PloverScore struct {
	Sentences, Events      int
	TypeRecall, DyadRecall float64
	FalsePerSentence       float64
	PerType                map[string][2]int // type → (found, total)
	Misses                 []string
}

func (p PloverScore) String() string {
	return fmt.Sprintf("plover: %d sentences, events %d; type recall %.2f, type+dyad recall %.2f, false events/sentence %.2f",
		p.Sentences, p.Events, p.TypeRecall, p.DyadRecall, p.FalsePerSentence)
}

// oldPlover maps PLOVER v0.5 names used by the gold set to 2021 names.
var oldPlover = map[string]string{"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}

func newName(t string) string {
	if n, ok := oldPlover[t]; ok {
		return n
	}
	return t
}

func ploverOf(e *intelcell.Event) string {
	if e.Plover != "" {
		return newName(strings.ToUpper(e.Plover))
	}
	return cameo.Plover(e.Cameo)
}

// Plover extracts every sentence of a PLOVER gold file (document date
// 2000-01-15, as plover.py uses) and scores event types and dyads.
func Plover(x *extract.Extractor, path string) (PloverScore, error) {
	var recs []struct {
		ID     string          `json:"id"`
		Text   string          `json:"text"`
		Event  string          `json:"event"`
		Source json.RawMessage `json:"source"`
		Target json.RawMessage `json:"target"`
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return PloverScore{}, err
	}
	if err := json.Unmarshal(b, &recs); err != nil {
		return PloverScore{}, fmt.Errorf("%s: %v", path, err)
	}
	codes := func(raw json.RawMessage) map[string]bool {
		var list []map[string]any
		_ = json.Unmarshal(raw, &list)
		out := map[string]bool{}
		for _, a := range list {
			if c, ok := a["code"].(string); ok {
				if len(c) > 3 {
					c = c[:3]
				}
				out[c] = true
			}
		}
		return out
	}
	out := PloverScore{Sentences: len(recs), PerType: map[string][2]int{}}
	typ, full, false_ := 0, 0, 0
	for _, r := range recs {
		parts := strings.Split(r.ID, "-")
		want := map[string]bool{newName(r.Event): true}
		if len(parts) > 2 {
			want[newName(parts[2])] = true
		}
		d, err := x.Extract(extract.Input{Text: r.Text, Date: "2000-01-15"})
		if err != nil {
			return out, err
		}
		srcs, tgts := codes(r.Source), codes(r.Target)
		okT, okD := false, false
		for i := range d.Events {
			e := &d.Events[i]
			if e.Negated {
				continue
			}
			out.Events++
			pt := ploverOf(e)
			if want[pt] {
				okT = true
				sc, tc := e.Source.CountryCode(), e.Target.CountryCode()
				if sc == "" && e.Source != nil && len(e.Source.Code) >= 3 {
					sc = e.Source.Code[:3]
				}
				if tc == "" && e.Target != nil && len(e.Target.Code) >= 3 {
					tc = e.Target.Code[:3]
				}
				if (len(srcs) == 0 || srcs[sc]) && (len(tgts) == 0 || tgts[tc]) {
					okD = true
				}
			} else if pt != "" {
				false_++
			}
		}
		t := out.PerType[newName(r.Event)]
		t[1]++
		if okT {
			typ++
			t[0]++
		} else {
			out.Misses = append(out.Misses, fmt.Sprintf("%s: %s", newName(r.Event), r.Text))
		}
		out.PerType[newName(r.Event)] = t
		if okD {
			full++
		}
	}
	n := float64(max(len(recs), 1))
	out.TypeRecall, out.DyadRecall, out.FalsePerSentence = float64(typ)/n, float64(full)/n, float64(false_)/n
	return out, nil
}

// GeoScore holds the geoparsing figures of one set, as geo.py computes them.
type GeoScore struct {
	Name               string
	Articles, Toponyms int
	Recognised, Acc161 float64
}

func (g GeoScore) String() string {
	return fmt.Sprintf("%s: %d articles, %d toponyms, recognised %.2f, acc@161km %.2f", g.Name, g.Articles, g.Toponyms, g.Recognised, g.Acc161)
}

var (
	reArticle = regexp.MustCompile(`(?s)<article\b(.*?)</article>`)
	reText    = regexp.MustCompile(`(?s)<text>(.*?)</text>`)
	reCDATA   = regexp.MustCompile(`^<!\[CDATA\[|\]\]>$`)
	reNum     = map[string]*regexp.Regexp{"start": regexp.MustCompile(`<start>(\d+)`), "end": regexp.MustCompile(`<end>(\d+)`),
		"lat": regexp.MustCompile(`<lat>([-\d.]+)`), "lon": regexp.MustCompile(`<lon>([-\d.]+)`)}
)

// Geo scores a geoparsing set (TR-News: tag "toponym"; GeoVirus: "location").
func Geo(x *extract.Extractor, name, path, tag string) (GeoScore, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return GeoScore{}, err
	}
	reTag := regexp.MustCompile(`(?s)<` + tag + `>(.*?)</` + tag + `>`)
	out := GeoScore{Name: name}
	found, near := 0, 0
	for _, a := range reArticle.FindAllStringSubmatch(string(b), -1) {
		m := reText.FindStringSubmatch(a[1])
		if m == nil {
			continue
		}
		text := html.UnescapeString(reCDATA.ReplaceAllString(strings.TrimSpace(m[1]), ""))
		out.Articles++
		d, err := x.Extract(extract.Input{Text: text, Date: "2016-01-01"})
		if err != nil {
			return out, err
		}
		runes := []rune(text)
		for _, t := range reTag.FindAllStringSubmatch(a[1], -1) {
			var v [4]float64
			ok := true
			for i, k := range []string{"start", "end", "lat", "lon"} {
				mm := reNum[k].FindStringSubmatch(t[1])
				if mm == nil {
					ok = false
					break
				}
				v[i], _ = strconv.ParseFloat(mm[1], 64)
			}
			if !ok || int(v[1]) > len(runes) {
				continue
			}
			out.Toponyms++
			bs := len(string(runes[:int(v[0])]))
			be := len(string(runes[:int(v[1])]))
			for _, p := range d.Places {
				if p.Start < be && p.End > bs {
					found++
					if km(v[2], v[3], p.Lat, p.Lon) <= 161 {
						near++
					}
					break
				}
			}
		}
	}
	out.Recognised = ratio(found, out.Toponyms)
	out.Acc161 = ratio(near, found)
	return out, nil
}

// Corpus reads a JSON Lines corpus of reports ({"id","date","title","text"}).
func Corpus(path string) ([]extract.Input, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []extract.Input
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var r struct{ ID, Date, Title, Text string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if len(r.Date) > 10 {
			r.Date = r.Date[:10]
		}
		if !utf8.ValidString(r.Text) {
			r.Text = strings.ToValidUTF8(r.Text, "\uFFFD")
		}
		out = append(out, extract.Input{Text: r.Text, Title: r.Title, Date: r.Date})
	}
	return out, sc.Err()
}
