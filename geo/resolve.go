package geo

import (
	_ "embed"
	"math"
	"slices"
	"strings"
	"sync"
)

// Context is what a document already tells about where it happens; Resolve
// uses it to choose between places of the same name.
type Context struct {
	// Countries weighs the countries of the document (ISO alpha-3 → weight,
	// any positive scale: mention counts do). A candidate in a weighted
	// country is strongly preferred.
	Countries map[string]float64
	// Near lists places already resolved in the document; candidates close
	// to them, or inside one of them (an Admin1), are preferred.
	Near []Place
}

// adminSuffix strips the word that makes a mention name a first-level
// division ("idlib province", "governorate of anbar"); ok tells if it did.
func adminSuffix(key string) (string, bool) {
	for _, s := range [...]string{" province", " governorate", " region", " state", " oblast", " district", " prefecture", " wilaya"} {
		if rest, ok := strings.CutSuffix(key, s); ok && rest != "" {
			return rest, true
		}
	}
	for _, s := range [...]string{"province of ", "governorate of ", "state of "} {
		if rest, ok := strings.CutPrefix(key, s); ok && rest != "" {
			return rest, true
		}
	}
	return key, false
}

// prominence scores a place by size: log10 of the population, or a value
// by kind when the population is unknown (hand-written regions are famous).
func prominence(p *Place) float64 {
	if p.Population > 0 {
		return math.Log10(float64(p.Population) + 1)
	}
	switch p.Kind {
	case Region, Area, Country:
		return 6.5
	case Admin1:
		return 5.5
	}
	return 2.5
}

// Resolve picks the place most likely meant by name in the given context
// and returns it with a confidence in (0, 1]; ok is false when no place has
// that name. The score of a candidate adds its population (log scale), a
// strong bonus when its country is weighted in ctx.Countries, a bonus for
// nearness to ctx.Near places (or lying in a Near Admin1), a bonus for a
// city over the province of the same name (or the reverse for a mention
// such as "Idlib province"), and a malus for alternate-name matches. The
// confidence is the candidate's share of the softmax over all candidates,
// lowered for alternate-name matches, small unknown villages and names that
// are also common English words.
func (g *Gazetteer) Resolve(name string, ctx Context) (Place, float64, bool) {
	key := Normalize(name)
	rs := g.refs(key)
	adminMention := false
	if len(rs) == 0 {
		if rest, ok := adminSuffix(key); ok {
			rs, adminMention = g.refs(rest), true
		}
	} else if _, ok := adminSuffix(key); ok {
		adminMention = true
	}
	rs = g.sortRefs(rs)
	if len(rs) == 0 {
		return Place{}, 0, false
	}

	maxW := 0.0
	for _, w := range ctx.Countries {
		maxW = math.Max(maxW, w)
	}
	// Admin1 candidates by country, for "the city beats its province of
	// the same name"
	adminIn := map[string][]string{}
	adminPop := map[string]int{} // country + "|" + admin1 name → population
	for _, r := range rs {
		if p := &g.places[r.id]; p.Kind == Admin1 {
			adminIn[p.Country] = append(adminIn[p.Country], p.Name)
			adminPop[p.Country+"|"+p.Name] = p.Population
		}
	}

	best, bestScore := -1, math.Inf(-1)
	scores := make([]float64, len(rs))
	for i, r := range rs {
		p := &g.places[r.id]
		s := prominence(p)
		if maxW > 0 && p.Country != "" {
			if w := ctx.Countries[p.Country]; w > 0 {
				s += 3 + 2*w/maxW
			}
		}
		s += nearBonus(p, ctx.Near)
		switch {
		case adminMention && (p.Kind == Admin1 || p.Kind == Region || p.Kind == Area):
			s += 2
		case adminMention:
			s--
		case p.Kind == City && slices.Contains(adminIn[p.Country], p.Admin1) && p.Population*10 >= adminPop[p.Country+"|"+p.Admin1]:
			s += 2.5 // Aleppo city in Aleppo governorate (but Quebec is the province)
		case p.Kind == City && len(adminIn[p.Country]) > 0:
			s += 0.5
		}
		if r.alt {
			s -= 0.5
			// a town that bears as an alternate name the name of another
			// province of its country ("Missouri" for Bozeman, Montana)
			if p.Kind == City && len(adminIn[p.Country]) > 0 && !slices.Contains(adminIn[p.Country], p.Admin1) {
				s -= 1.5
			}
		}
		scores[i] = s
		if s > bestScore {
			best, bestScore = i, s
		}
	}
	sum := 0.0
	for _, s := range scores {
		sum += math.Exp(softmaxScale * (s - bestScore))
	}
	conf := 1 / sum
	bp := g.places[rs[best].id]
	if rs[best].alt {
		conf *= 0.85
	}
	supported := maxW > 0 && ctx.Countries[bp.Country] > 0 || nearBonus(&bp, ctx.Near) > 0.5
	if bp.Kind == City && bp.Population < 5000 && !supported {
		conf *= 0.7
	}
	if IsCommonWord(key) {
		conf *= 0.6
	}
	return bp, conf, true
}

// softmaxScale sharpens the softmax of scores into a confidence: a
// candidate ten times as populous as the next (one point) gets e² ≈ 7.4
// times its weight.
const softmaxScale = 2

// nearBonus rewards a place close to places already in the document: up to
// 3 for distance (decaying over some hundreds of km, more slowly for large
// near places) and 2 for lying inside a Near Admin1, 1 for sharing its
// Admin1 with a Near city. The best Near place counts.
func nearBonus(p *Place, near []Place) float64 {
	best := 0.0
	for i := range near {
		n := &near[i]
		scale := 300.0
		if n.Kind != City {
			scale = 800
		}
		b := 3 * math.Exp(-distanceKm(p.Lat, p.Lon, n.Lat, n.Lon)/scale)
		if p.Country != "" && p.Country == n.Country {
			switch {
			case n.Kind == Admin1 && p.Admin1 != "" && Normalize(p.Admin1) == Normalize(n.Name):
				b += 2
			case n.Kind == City && p.Admin1 != "" && p.Admin1 == n.Admin1:
				b++
			}
		}
		best = math.Max(best, b)
	}
	return best
}

// distanceKm is the great-circle distance between two points in km.
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dlat := (lat2 - lat1) * rad
	dlon := (lon2 - lon1) * rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) +
		math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

// Distance returns the great-circle distance between two places in km.
func Distance(a, b Place) float64 { return distanceKm(a.Lat, a.Lon, b.Lat, b.Lon) }

//go:embed data/common.txt
var commonTxt string

// commonWords is the parsed stop list, built once on first use and never
// changed afterwards.
var commonWords = sync.OnceValue(func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, l := range strings.Split(commonTxt, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[l] = struct{}{}
		}
	}
	return m
})

// IsCommonWord reports whether the normalized name is also a common English
// word or first name ("of", "mobile", "nice", "reading", "bath", "split",
// "orange", "victoria", "hope", "union" …), so that a caller can skip it
// unless it is capitalized and in a place-like position. The list
// (data/common.txt, about 550 words) is made by the generator from a word
// frequency list, a dictionary and a hand list, less well-known places.
func IsCommonWord(normalized string) bool {
	_, ok := commonWords()[normalized]
	return ok
}
