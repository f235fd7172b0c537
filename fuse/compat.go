package fuse

import (
	"math"
	"strings"
	"time"

	"github.com/intelcell/intelcell"
	"github.com/intelcell/intelcell/cameo"
)

// Comparison is how two extracted events compare: a score in [0, 1] from
// the weighted agreement of actors, event type, place, date and casualty
// figures, or a Conflict naming the fact that makes them different events
// (then Score is 0 and they never merge, however similar the rest is).
type Comparison struct {
	Score    float64
	Conflict string // "" when compatible; else e.g. "source", "date", "place"
}

// Weights of the facts in a Comparison's score. Figures count only when
// both events give them.
const (
	wSource  = 3.0
	wTarget  = 2.0
	wType    = 2.5
	wPlace   = 1.5
	wDate    = 2.0
	wKilled  = 1.0
	wWounded = 0.5
)

// Compare scores whether two items describe the same real event.
//
// Actors are compared direction-aware (source with source, target with
// target); for symmetric event types (consult, diplomatic cooperation,
// fight) the reversed pairing is tried too. A missing actor, place or
// figure is neither evidence for nor against. Hard conflicts: actors from
// different countries or different named groups in one role, event types of
// different quad classes, negated against affirmed, intent against act,
// explicit dates that differ by more than ExplicitDateWindow or any dates by
// more than DateWindow, places farther apart than MaxKm, casualty figures
// that cannot both be right (4 against 40).
func Compare(a, b *Item, opt Options) Comparison {
	opt = opt.withDefaults()
	nm := names{}
	return compare(newFacts(a, nm), newFacts(b, nm), opt)
}

// facts is the pre-digested form of one item that comparison needs.
type facts struct {
	it              *Item
	src, tgt        actorFacts
	root            string
	quad            int
	day             int // days since 1970-01-01; -1 unknown
	explicit        bool
	negated, intent bool
	killed, wounded *int
	place           *intelcell.Place
	coarse          bool   // the place is a country, region or province
	placeCountry    string // "" unknown
	placeCountryN   int32  // placeCountry interned
	symmetric       bool
	// anonymous: no actor with an identity (a named one, or a sector of a
	// known country) and no place; see Merge
	anonymous     bool
	cameo, plover string
	repDay        int
}

type actorFacts struct {
	present bool
	id      string
	code    string
	country string
	kind    string
	agents  []string // 3-letter agent codes after the country or group prefix
	// id, code and country interned (names): equal numbers for equal
	// strings, 0 for ""
	idN, codeN, countryN int32
	person, sector       bool // kind is KindPerson, KindSector
}

// names interns the strings that comparisons test for equality most
// often (actor ids, codes and countries, agent codes) as small numbers:
// 0 for "", and one number per distinct string within one names.
type names map[string]int32

func (n names) of(s string) int32 {
	if s == "" {
		return 0
	}
	if id, ok := n[s]; ok {
		return id
	}
	id := int32(len(n) + 1)
	n[s] = id
	return id
}

func newActorFacts(a *intelcell.Actor, nm names) actorFacts {
	if a == nil {
		return actorFacts{}
	}
	f := actorFacts{present: true, id: a.ID, code: a.Code, country: a.CountryCode(), kind: a.Kind,
		person: a.Kind == intelcell.KindPerson, sector: a.Kind == intelcell.KindSector}
	f.idN, f.codeN, f.countryN = nm.of(f.id), nm.of(f.code), nm.of(f.country)
	rest := a.Code
	switch {
	case f.country != "" && strings.HasPrefix(rest, f.country):
		rest = rest[len(f.country):]
	case f.country == "" && a.Kind != intelcell.KindSector && len(rest) >= 3:
		rest = rest[3:]
	}
	for len(rest) >= 3 {
		f.agents = append(f.agents, rest[:3])
		rest = rest[3:]
	}
	return f
}

// parseDay returns the day number of a YYYY-MM-DD date, -1 when s is not
// one (exactly as time.Parse with that layout decides). The common form
// is read directly; anything else goes through time.Parse.
func parseDay(s string) int {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		y, ok1 := digits(s[0:4])
		m, ok2 := digits(s[5:7])
		d, ok3 := digits(s[8:10])
		if ok1 && ok2 && ok3 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(m, y) {
			return daysFromCivil(y, m, d)
		}
	}
	return parseDaySlow(s)
}

func parseDaySlow(s string) int {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return -1
	}
	return int(t.Unix() / 86400)
}

// digits reads a run of ASCII decimal digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (H. Hinnant's algorithm), as time.Date(...).Unix()/86400 does for
// years 0 to 9999.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func newFacts(it *Item, nm names) *facts {
	f := new(facts)
	f.init(it, nm)
	return f
}

// init digests an item into f, interning its names in nm.
func (f *facts) init(it *Item, nm names) {
	e := &it.Event
	*f = facts{it: it, src: newActorFacts(e.Source, nm), tgt: newActorFacts(e.Target, nm),
		root: cameo.Root(e.Cameo), quad: e.QuadClass, negated: e.Negated, intent: e.Intent,
		killed: e.Killed, wounded: e.Wounded, place: e.Place, cameo: e.Cameo, plover: e.Plover}
	if f.quad == 0 {
		f.quad = cameo.QuadClass(e.Cameo)
	}
	if f.plover == "" {
		f.plover = cameo.Plover(e.Cameo)
	}
	switch f.root {
	case "04", "05", "06", "19":
		f.symmetric = true
	}
	f.repDay = parseDay(it.ReportDate)
	f.day = parseDay(e.Date)
	f.explicit = f.day >= 0 && f.day != f.repDay
	if f.day < 0 {
		f.day = f.repDay
	}
	if p := e.Place; p != nil {
		if p.Country != nil {
			f.placeCountry = *p.Country
			f.placeCountryN = nm.of(f.placeCountry)
		}
		switch p.Kind {
		case "country", "region", "admin1":
			f.coarse = true
		}
	}
	f.anonymous = f.place == nil && !f.src.identified() && !f.tgt.identified()
}

// identified reports whether the actor names someone in particular: a
// named actor, or a sector of a known country ("Iraqi police"); not
// "officials" or "militants" of no known country.
func (a *actorFacts) identified() bool {
	return a.present && (!a.sector || a.countryN != 0)
}

func compare(a, b *facts, opt Options) Comparison {
	var sum, wsum float64
	add := func(w, s float64) { sum += w * s; wsum += w }

	// event type
	if a.negated != b.negated {
		return Comparison{Conflict: "negation"}
	}
	if a.intent != b.intent {
		return Comparison{Conflict: "intent"}
	}
	ts, ok := typeScore(a, b)
	if !ok {
		return Comparison{Conflict: "type"}
	}
	add(wType, ts)

	// actors, direction-aware
	ss, tt, sok, tok := actorScores(a, b)
	if !sok {
		return Comparison{Conflict: "source"}
	}
	if !tok {
		return Comparison{Conflict: "target"}
	}
	add(wSource, ss)
	add(wTarget, tt)

	// date
	ds, ok := dateScore(a, b, opt)
	if !ok {
		return Comparison{Conflict: "date"}
	}
	add(wDate, ds)

	// place
	ps, ok := placeScore(a, b, opt)
	if !ok {
		return Comparison{Conflict: "place"}
	}
	add(wPlace, ps)

	// figures
	if a.killed != nil && b.killed != nil {
		s, ok := figureScore(*a.killed, *b.killed)
		if !ok {
			return Comparison{Conflict: "killed"}
		}
		add(wKilled, s)
	}
	if a.wounded != nil && b.wounded != nil {
		s, ok := figureScore(*a.wounded, *b.wounded)
		if !ok {
			return Comparison{Conflict: "wounded"}
		}
		add(wWounded, s)
	}
	return Comparison{Score: sum / wsum}
}

// score is compare for Merge, which needs no name for a conflict: ok is
// false exactly when compare reports a conflict, and otherwise the score is
// compare's, to the last bit (the same terms added in the same order). The
// cheapest conflicts are tested first, since most candidate pairs conflict.
func score(a, b *facts, opt Options) (s float64, ok bool) {
	if a.negated != b.negated || a.intent != b.intent {
		return 0, false
	}
	ds, ok := dateScore(a, b, opt)
	if !ok {
		return 0, false
	}
	var ks, ws float64
	if a.killed != nil && b.killed != nil {
		if ks, ok = figureScore(*a.killed, *b.killed); !ok {
			return 0, false
		}
	}
	if a.wounded != nil && b.wounded != nil {
		if ws, ok = figureScore(*a.wounded, *b.wounded); !ok {
			return 0, false
		}
	}
	ss, tt, sok, tok := actorScores(a, b)
	if !sok || !tok {
		return 0, false
	}
	ts, ok := typeScore(a, b)
	if !ok {
		return 0, false
	}
	ps, ok := placeScore(a, b, opt)
	if !ok {
		return 0, false
	}
	var sum, wsum float64
	add := func(w, s float64) { sum += w * s; wsum += w }
	add(wType, ts)
	add(wSource, ss)
	add(wTarget, tt)
	add(wDate, ds)
	add(wPlace, ps)
	if a.killed != nil && b.killed != nil {
		add(wKilled, ks)
	}
	if a.wounded != nil && b.wounded != nil {
		add(wWounded, ws)
	}
	return sum / wsum, true
}

// actorScores compares the actors of two events direction-aware (source
// with source, target with target), and for two symmetric event types also
// reversed, keeping the better pairing.
func actorScores(a, b *facts) (ss, tt float64, sok, tok bool) {
	ss, sok = actorScore(&a.src, &b.src)
	tt, tok = actorScore(&a.tgt, &b.tgt)
	if a.symmetric && b.symmetric {
		s2, ok2 := actorScore(&a.src, &b.tgt)
		t2, ok3 := actorScore(&a.tgt, &b.src)
		if ok2 && ok3 && (!(sok && tok) || s2*wSource+t2*wTarget > ss*wSource+tt*wTarget) {
			ss, tt, sok, tok = s2, t2, true, true
		}
	}
	return ss, tt, sok, tok
}

// typeScore: same code 1, same CAMEO root 0.85, same PLOVER type 0.7,
// neighbouring roots of one quad class 0.5, other roots of one quad class
// 0.25; different quad classes conflict.
func typeScore(a, b *facts) (float64, bool) {
	switch {
	case a.cameo == b.cameo:
		return 1, true
	case a.quad != b.quad:
		return 0, false
	case a.root == b.root:
		return 0.85, true
	case a.plover != "" && a.plover == b.plover:
		return 0.7, true
	}
	ra, rb := atoi2(a.root), atoi2(b.root)
	if ra >= 0 && rb >= 0 && (ra-rb == 1 || rb-ra == 1) {
		return 0.5, true
	}
	return 0.25, true
}

func atoi2(s string) int {
	if len(s) != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return -1
	}
	return int(s[0]-'0')*10 + int(s[1]-'0')
}

// actorScore compares two actors in one role. See Compare.
func actorScore(a, b *actorFacts) (float64, bool) {
	switch {
	case !a.present || !b.present:
		return 0.5, true
	case a.idN != 0 && a.idN == b.idN:
		return 1, true
	case a.person && b.person && a.idN != 0 && b.idN != 0:
		return 0, false // two different people: Putin's call is not Lavrov's
	case a.codeN == b.codeN:
		return 0.9, true
	}
	switch {
	case a.countryN != 0 && b.countryN != 0:
		if a.countryN != b.countryN {
			return 0, false
		}
		if len(a.agents) == 0 || len(b.agents) == 0 || prefixOf(a.agents, b.agents) || prefixOf(b.agents, a.agents) {
			return 0.8, true // IRQ and IRQMIL; a minister and his country
		}
		if shareAgent(a.agents, b.agents) {
			return 0.7, true
		}
		return 0.5, true // IRQGOV and IRQMIL
	case a.countryN != 0 || b.countryN != 0:
		if a.countryN == 0 {
			a, b = b, a
		}
		// a has a country, b has none
		if !b.sector {
			if a.sector || shareAgent(a.agents, irregular) {
				return 0.45, true // "Syrian fighters" may be the Islamic State
			}
			return 0, false // a named group or organisation against a state actor
		}
		if shareAgent(a.agents, b.agents) {
			return 0.7, true // MIL and IRQMIL
		}
		return 0.25, true
	}
	// neither has a country
	aSector, bSector := a.sector, b.sector
	switch {
	case !aSector && !bSector:
		return 0, false // two different named groups
	case aSector && bSector:
		if shareAgent(a.agents, b.agents) {
			return 0.6, true
		}
		return 0.2, true
	}
	if aSector {
		a, b = b, a
	}
	// a is a named group, b a sector ("militants")
	if strings.Contains(a.code, b.code) || shareAgent(a.agents, b.agents) {
		return 0.6, true
	}
	return 0.35, true
}

// irregular are the agent codes of armed non-state actors named generically
// ("Syrian rebels", "insurgents"), which a named group may be.
var irregular = []string{"REB", "INS", "UAF", "RAD", "SEP"}

func prefixOf(p, s []string) bool {
	if len(p) > len(s) {
		return false
	}
	for i := range p {
		if p[i] != s[i] {
			return false
		}
	}
	return true
}

func shareAgent(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// dateScore: the same day 1. An explicit date is one the report states
// (it differs from the report date); two explicit dates are facts and may
// differ by at most ExplicitDateWindow days (score 0.3 per day apart). When
// either date is only the report date, the event may have happened up to
// DateWindow days earlier: 0.7 for one day apart, 0.2 less per further day.
func dateScore(a, b *facts, opt Options) (float64, bool) {
	if a.day < 0 || b.day < 0 {
		return 0.5, true
	}
	d := a.day - b.day
	if d < 0 {
		d = -d
	}
	if d == 0 {
		return 1, true
	}
	if a.explicit && b.explicit {
		if d > opt.ExplicitDateWindow {
			return 0, false
		}
		return 0.3, true
	}
	if d > opt.DateWindow {
		return 0, false
	}
	// the implicit date must be the later one: a report cannot tell of an
	// event after its own date
	later := a
	if b.day > a.day {
		later = b
	}
	if later.explicit {
		if d > opt.ExplicitDateWindow {
			return 0, false
		}
	}
	return max(0.1, 0.7-0.2*float64(d-1)), true
}

// placeScore: both unknown or one unknown 0.5; a country or province and a
// place in the same country 0.6, in another country 0.1; two towns 1 at the
// same point, falling to 0.5 at MaxKm; farther, or in different countries, a
// conflict.
func placeScore(a, b *facts, opt Options) (float64, bool) {
	if a.place == nil || b.place == nil {
		return 0.5, true
	}
	if a.placeCountryN != 0 && b.placeCountryN != 0 && a.placeCountryN != b.placeCountryN {
		if a.coarse || b.coarse {
			// a country named in the report is weak evidence of where the
			// event happened ("Moscow sent aid to Syria")
			return 0.1, true
		}
		return 0, false
	}
	if a.coarse || b.coarse {
		if a.coarse && b.coarse && a.place.Name == b.place.Name {
			return 0.8, true
		}
		if a.placeCountryN != 0 && a.placeCountryN == b.placeCountryN {
			return 0.6, true
		}
		return 0.5, true
	}
	km := Distance(a.place.Lat, a.place.Lon, b.place.Lat, b.place.Lon)
	if km > opt.MaxKm {
		return 0, false
	}
	return 1 - 0.5*km/opt.MaxKm, true
}

// figureScore: casualty counts are compatible when they differ by at most 3
// or the smaller is at least 40% of the larger (tolls rise, sources round).
func figureScore(a, b int) (float64, bool) {
	lo, hi := min(a, b), max(a, b)
	if lo == hi {
		return 1, true
	}
	if hi-lo > 3 && float64(lo) < 0.4*float64(hi) {
		return 0, false
	}
	return 1 - 0.6*float64(hi-lo)/float64(hi), true
}

// Distance returns the great-circle distance in km between two points.
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(min(1, h)))
}
