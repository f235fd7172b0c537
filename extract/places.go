package extract

import (
	"sort"
	"strings"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/geo"
	"github.com/intelcell/intelcell/kb"
	"github.com/intelcell/intelcell/lex"
)

// place is a place name found at tokens [first, last].
type place struct {
	first, last int
	// locative: named as where something happens ("in Moscow", a town), not
	// as an actor ("Washington denied")
	locative bool
	out      intelcell.Place
	geo      geo.Place
	resolved bool
}

var locatives = set("in", "near", "at", "from", "outside", "to", "into", "across", "around", "of", "toward", "throughout",
	"towards", "through", "inside", "across", "within", "northern", "southern", "eastern", "western", "central",
	"north", "south", "east", "west", "northeastern", "northwestern", "southeastern", "southwestern", "downtown")

// notPlaces are capitalised words that gazetteers hold as places but that in
// news are almost always something else.
var notPlaces = set("president", "minister", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday", "god", "allah", "islam", "state", "department", "ministry", "army", "police", "reuters",
	"university", "city", "street", "road", "said", "mr", "mrs", "party", "house", "white", "senate", "congress",
	"parliament", "council", "court", "people", "union", "republic", "kingdom", "national", "federal", "central",
	"international", "news", "post", "times", "media", "press", "agency", "force", "forces", "the", "a", "an",
	"prime", "general", "secretary", "foreign", "defense", "defence", "interior", "chief", "commander", "leader",
	"king", "queen", "prince", "royal", "supreme", "islamic", "christian", "jewish", "muslim", "arab", "african",
	"european", "american", "western", "eastern", "northern", "southern", "north", "south", "east", "west",
	"new", "old", "great", "little", "upper", "lower", "saint", "st", "fort", "port", "mount", "lake", "cape")

// findPlaces geocodes country names, capitals, regions and gazetteer places.
func (d *doc) findPlaces() {
	d.placeAt = make([]int, len(d.toks))
	for i := range d.placeAt {
		d.placeAt[i] = -1
	}
	ctx := geo.Context{Countries: map[string]float64{}}
	named := map[string]float64{} // countries named by their own name or demonym
	for _, m := range d.ments {
		if m.ent.Kind == kb.KindState && m.form != kb.FormCapital {
			named[m.ent.Code]++
		}
		if c := m.ent.Country; c != "" {
			switch m.ent.Kind {
			case kb.KindState, kb.KindPerson:
				ctx.Countries[c]++
			default: // an organisation or group tells less about where things happen
				ctx.Countries[c] += 0.5
			}
		}
	}
	for i := 0; i < len(d.toks); i++ {
		if mi := d.mentAt[i]; mi >= 0 && d.x.geo != nil {
			// "British Columbia", "New Mexico": a place name longer than the
			// known name it starts with
			if pl := d.gazetteerPlace(i, ctx); pl != nil && pl.last > d.ments[mi].last {
				d.ments[mi].place = true
				d.addPlace(pl)
				i = pl.last
				continue
			}
		}
		if mi := d.mentAt[i]; mi >= 0 {
			m := d.ments[mi]
			if m.ent.Kind == kb.KindState {
				if pl := d.statePlace(m, ctx, named); pl != nil {
					d.addPlace(pl)
					ctx.Near = appendNear(ctx.Near, pl.geo)
				}
			}
			i = m.last
			continue
		}
		if d.x.geo == nil {
			continue
		}
		if pl := d.gazetteerPlace(i, ctx); pl != nil {
			pl.locative = true
			d.addPlace(pl)
			if pl.geo.Kind == geo.City || pl.geo.Kind == geo.Admin1 {
				ctx.Near = appendNear(ctx.Near, pl.geo)
				ctx.Countries[pl.geo.Country] += 0.5
			}
			i = pl.last
		}
	}
}

// joiners are lower-case words inside place names: "Deir al-Zor", "Rio de
// Janeiro", "Isle of Man".
var joiners = set("al", "el", "ad", "ar", "as", "ash", "at", "az", "de", "del", "da", "do", "dos", "di", "la", "le",
	"les", "of", "on", "upon", "the", "and", "bin", "ibn", "sur", "am", "an", "der", "den", "van", "von", "y")

// maxNear bounds the places that disambiguate the next one: the most recent.
const maxNear = 12

func appendNear(near []geo.Place, p geo.Place) []geo.Place {
	if len(near) >= maxNear {
		near = append(near[:0], near[1:]...)
	}
	return append(near, p)
}

func (d *doc) addPlace(pl *place) {
	d.places = append(d.places, pl)
	for k := pl.first; k <= pl.last; k++ {
		d.placeAt[k] = len(d.places) - 1
	}
}

// statePlace places a country name at its centre and a capital at the city.
func (d *doc) statePlace(m *mention, ctx geo.Context, named map[string]float64) *place {
	e := m.ent
	pl := &place{first: m.first, last: m.last}
	text := clean(d.tokText(m.first, m.last))
	switch m.form {
	case kb.FormName:
		pl.geo = geo.Place{Name: e.Name, Country: e.Code, Lat: e.Lat, Lon: e.Lon, Kind: geo.Country}
		// "Senator David Perdue of Georgia" in a report about the US: a
		// first-level division of the document's main country, not the country
		if d.x.geo != nil && ctx.Countries[e.Code] <= 1 {
			for _, c := range d.x.geo.Candidates(text) {
				if c.Kind == geo.Admin1 && c.Country != e.Code && ctx.Countries[c.Country] >= 3 {
					pl.geo = c
					m.place = true
					break
				}
			}
		}
	case kb.FormDemonym:
		// "Syrian refugees", "the Russians": the country, as geoparsers count it
		pl.geo = geo.Place{Name: e.Name, Country: e.Code, Lat: e.Lat, Lon: e.Lon, Kind: geo.Country}
	case kb.FormCapital:
		if d.x.geo == nil {
			return nil
		}
		// a seat of government ("the Kremlin", "the White House") is placed
		// at the capital; the capital is its most populous city of that name
		name := text
		if e.Capital != "" && lex.NormalizePhrase(text) != lex.NormalizePhrase(e.Capital) {
			name = e.Capital
		}
		g, ok := d.capitalCity(name, e.Code)
		if !ok {
			return nil
		}
		pl.geo = g
		// "London" in a report about Ontario, "Paris" in one about Texas: a
		// city of that name in the report's own country, not the capital
		if name == text && named[e.Code] == 0 {
			// judge without the weight this very name gave its country
			alt := geo.Context{Countries: map[string]float64{}, Near: ctx.Near}
			for k, v := range ctx.Countries {
				alt.Countries[k] = v
			}
			alt.Countries[e.Code] = 0
			if c, _, ok := d.x.geo.Resolve(text, alt); ok && c.Country != e.Code && c.Kind == geo.City && ctx.Countries[c.Country] >= 2 {
				pl.geo = c
				m.place = true
			}
		}
		// "Paris, Texas", "London, Ontario": the region after the comma says
		// which city of that name
		if r, ok := d.commaRegionPlace(m.last); ok && r.Country != e.Code {
			if alt, ok := d.cityIn(text, r); ok {
				pl.geo = alt
				m.place = true
			}
		}
		// a capital after a locative preposition is a place, not the government
		if m.first > 0 && locatives[d.toks[m.first-1].Norm] && d.toks[m.first-1].Norm != "from" {
			m.place = true
		}
	default:
		return nil
	}
	// a demonym ("Serbian workers") also tells where its phrase acts
	pl.locative = m.place || m.form == kb.FormDemonym || m.first > 0 && locatives[d.toks[m.first-1].Norm]
	pl.out = intelcell.Place{Start: d.toks[m.first].Start, End: d.toks[m.last].End, Text: text, Name: pl.geo.Name,
		Lat: pl.geo.Lat, Lon: pl.geo.Lon, Country: strp(pl.geo.Country), Kind: pl.geo.Kind.String()}
	pl.resolved = true
	return pl
}

// placeWords may follow a place name without making it part of a person's name.
var placeWords = set("province", "governorate", "district", "region", "state", "county", "city", "river", "valley",
	"mountains", "mountain", "airport", "port", "border", "area", "camp", "municipality", "island", "islands", "bay",
	"lake", "sea", "desert", "square", "street", "road", "bridge", "oblast", "prefecture", "department", "town", "village")

// inNameRun reports whether the capitalised word at i is part of a run of
// capitalised words, like a person's name ("Christopher Steele").
func (d *doc) inNameRun(i int) bool {
	capWord := func(k int) bool {
		if k < 0 || k >= len(d.toks) || d.sentOf[k] != d.sentOf[i] {
			return false
		}
		t := &d.toks[k]
		return t.Kind == lex.Word && t.IsCap() && !placeWords[t.Norm] && !monthNames[t.Norm] && dayNames[t.Norm] == 0 && t.Norm != "the"
	}
	before := i > d.sents[d.sentOf[i]].First && capWord(i-1) && !d.toks[i].Newline
	return before || capWord(i+1) && !d.toks[i+1].Newline
}

// commaRegion reports whether ", Region" follows token k: "Buffalo, N.Y.",
// "Aleppo, Syria".
func (d *doc) commaRegion(k int) bool {
	if k+2 >= len(d.toks) || d.toks[k+1].Text != "," || !d.toks[k+2].IsCap() {
		return false
	}
	if mi := d.mentAt[k+2]; mi >= 0 && d.ments[mi].ent.Kind == kb.KindState {
		return true
	}
	for _, c := range d.x.geo.Candidates(d.toks[k+2].Text) {
		if c.Kind == geo.Admin1 {
			return true
		}
	}
	return false
}

// commaRegionPlace returns the first-level division or country named after
// a comma following token k ("Paris, Texas", "London, Ky."), if any.
func (d *doc) commaRegionPlace(k int) (geo.Place, bool) {
	if k+2 >= len(d.toks) || d.toks[k+1].Text != "," || !d.toks[k+2].IsCap() {
		return geo.Place{}, false
	}
	if mi := d.mentAt[k+2]; mi >= 0 {
		if e := d.ments[mi].ent; e.Kind == kb.KindState && d.ments[mi].form == kb.FormName {
			return geo.Place{Name: e.Name, Country: e.Code, Lat: e.Lat, Lon: e.Lon, Kind: geo.Country}, true
		}
		return geo.Place{}, false
	}
	for _, c := range d.x.geo.Candidates(d.toks[k+2].Text) {
		if c.Kind == geo.Admin1 {
			return c, true
		}
	}
	return geo.Place{}, false
}

// cityIn returns the most populous city called name inside a region (a
// first-level division or a country).
func (d *doc) cityIn(name string, region geo.Place) (geo.Place, bool) {
	var best geo.Place
	found := false
	for _, c := range d.x.geo.Candidates(name) {
		if c.Kind != geo.City || c.Country != region.Country ||
			region.Kind == geo.Admin1 && lex.NormalizePhrase(c.Admin1) != lex.NormalizePhrase(region.Name) {
			continue
		}
		if !found || c.Population > best.Population {
			best, found = c, true
		}
	}
	return best, found
}

// capitalCity returns the most populous city called name in the country.
func (d *doc) capitalCity(name, country string) (geo.Place, bool) {
	for _, c := range d.x.geo.Candidates(name) {
		if c.Country == country && c.Kind == geo.City {
			return c, true
		}
	}
	g, _, ok := d.x.geo.Resolve(name, geo.Context{Countries: map[string]float64{country: 100}})
	return g, ok && g.Country == country
}

// gazetteerPlace matches the longest gazetteer name starting at token i.
func (d *doc) gazetteerPlace(i int, ctx geo.Context) *place {
	t := &d.toks[i]
	if t.Kind != lex.Word || !t.IsCap() {
		return nil
	}
	if k := d.apAt[i]; k >= 0 && d.aps[k].person {
		return nil
	}
	si := d.sentOf[i]
	// the longest name worth trying: the run of capitalised words (with
	// lower-case joiners such as "al", "de", "of") starting here
	run, words := 0, 0
	for j := i; j < len(d.toks) && words < 6 && d.sentOf[j] == si; j++ {
		tk := &d.toks[j]
		if d.isHyphen(j) {
			continue
		}
		if tk.Kind != lex.Word || !(tk.IsCap() || joiners[tk.Norm]) {
			break
		}
		words++
		if tk.IsCap() {
			run = words
		}
	}
	for n := min(d.x.geo.MaxWords(), run); n >= 1; n-- {
		j, words := i, 0
		parts := make([]string, 0, n)
		for j < len(d.toks) && words < n && d.sentOf[j] == si {
			tk := &d.toks[j]
			if d.isHyphen(j) {
				parts = append(parts, "-")
				j++
				continue
			}
			if tk.Kind != lex.Word {
				break
			}
			parts = append(parts, tk.Text)
			words++
			j++
		}
		if words != n {
			continue
		}
		last := j - 1
		if !d.toks[last].IsCap() && d.toks[last].Norm != "al" {
			continue
		}
		name := strings.ReplaceAll(strings.Join(parts, " "), " - ", "-")
		key := geo.Normalize(name)
		if !d.x.geo.Has(key) {
			continue
		}
		prev := ""
		if i > 0 {
			prev = d.toks[i-1].Norm
		}
		if n == 1 && (notPlaces[t.Norm] || monthNames[t.Norm] || d.kb.Surnames(t.Norm) != nil || d.mentAt[i] >= 0) {
			continue
		}
		// a common word ("Buffalo", "Victoria", "Nice") is a place after a
		// preposition of place or before ", State"
		if n == 1 && geo.IsCommonWord(key) && !(locatives[prev] && i > 0 && !d.toks[i-1].IsCap() || d.commaRegion(last)) {
			continue
		}
		// a longer place name may contain a known name ("British Columbia",
		// "New South Wales"), but a known name must not be cut in two
		if mi := d.mentAt[last]; mi >= 0 && d.ments[mi].last > last {
			continue
		}
		g, conf, ok := d.x.geo.Resolve(name, ctx)
		if !ok {
			continue
		}
		sentenceStart := i == d.sents[si].First
		// a single capitalised word needs some support: a locative
		// preposition, a known country, or a sizeable population
		if n == 1 && !locatives[prev] && ctx.Countries[g.Country] == 0 && g.Population < 100000 && g.Kind == geo.City {
			continue
		}
		if sentenceStart && n == 1 && g.Population < 50000 && ctx.Countries[g.Country] == 0 {
			continue
		}
		// "Christopher Steele": one word of a longer capitalised name is not a
		// place unless a preposition says so
		if n == 1 && !locatives[prev] && g.Kind == geo.City && g.Population < 100000 && d.inNameRun(i) {
			continue
		}
		if conf < 0.05 {
			continue
		}
		pl := &place{first: i, last: last, geo: g, resolved: true}
		pl.out = intelcell.Place{Start: d.toks[i].Start, End: d.toks[last].End, Text: clean(d.tokText(i, last)),
			Name: g.Name, Lat: g.Lat, Lon: g.Lon, Country: strp(g.Country), Kind: g.Kind.String()}
		return pl
	}
	return nil
}

// placeFor picks the place of an event among the places named as locations
// in its sentence: the first after the trigger (the most specific when
// several follow), else the nearest before it.
func (d *doc) placeFor(si, trigger int) *intelcell.Place {
	// only a place named as a location ("in Ramadi") is where an event
	// happens; "Iraq agreed with Russia" happened in neither
	if pl := d.placeOf(si, trigger, true); pl != nil {
		out := pl.out
		return &out
	}
	return nil
}

// locationOf returns the country where the event at trigger happens, from a
// place named as a location in its sentence, or "".
func (d *doc) locationOf(si, trigger int) string {
	if pl := d.placeOf(si, trigger, true); pl != nil && pl.geo.Kind != geo.Region {
		return pl.geo.Country
	}
	return ""
}

// placeOf picks the place of the event at trigger (see placeFor); with
// locativeOnly, only places named as locations count.
func (d *doc) placeOf(si, trigger int, locativeOnly bool) *place {
	s := d.sents[si]
	var before, after *place
	// places are in text order: start at the sentence's first
	from := sort.Search(len(d.places), func(i int) bool { return d.places[i].first >= s.First })
	for _, pl := range d.places[from:] {
		if pl.first > s.Last {
			break
		}
		if pl.last > s.Last || !pl.resolved || locativeOnly && !pl.locative {
			continue
		}
		if pl.first > trigger {
			if after == nil || specificity(pl) > specificity(after) {
				after = pl
			}
		} else if before == nil || pl.first > before.first || specificity(pl) > specificity(before) {
			before = pl
		}
	}
	pick := after
	if pick == nil || before != nil && specificity(before) > specificity(pick) {
		pick = before
	}
	return pick
}

func specificity(p *place) int {
	switch p.geo.Kind {
	case geo.City:
		return 3
	case geo.Admin1, geo.Area:
		return 2
	case geo.Region:
		return 0
	}
	return 1
}

// placesOut lists the geocoded places for the Document.
func (d *doc) placesOut() []intelcell.Place {
	out := make([]intelcell.Place, 0, len(d.places))
	for _, pl := range d.places {
		if pl.resolved {
			out = append(out, pl.out)
		}
	}
	return out
}
