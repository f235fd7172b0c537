package geo

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// AddRegions adds the places of a regions file in the knowledge-base TSV
// format (kb/data/FORMAT.md, section "regions"): '#' comment and blank
// lines skipped, a header line naming the columns in any order, one TAB
// between fields, ';'-separated lists. Columns: name (required), aliases,
// country (ISO alpha-3), lat, lon, kind (region, admin1, area; default
// region, or admin1 when a country is given). An unknown column, a bad
// number or kind is an error naming the line. Like Add, AddRegions must not
// be called concurrently with any other method.
//
// A row of kind admin1 or area that names a place of the same kind and
// country already in the gazetteer, less than 400 km away (Crimea, Anbar,
// Tigray), only adds its names to that place, so it is not listed twice.
func (g *Gazetteer) AddRegions(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var cols []string
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), "\r")
		if lineNo == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if cols == nil {
			for _, c := range fields {
				c = strings.TrimSpace(c)
				switch c {
				case "name", "aliases", "country", "lat", "lon", "kind":
				default:
					return fmt.Errorf("geo: regions line %d: unknown column %q", lineNo, c)
				}
				cols = append(cols, c)
			}
			continue
		}
		if len(fields) > len(cols) {
			return fmt.Errorf("geo: regions line %d: %d fields for %d columns", lineNo, len(fields), len(cols))
		}
		var p Place
		var aliases []string
		kind := ""
		for i, f := range fields {
			f = strings.TrimSpace(f)
			var err error
			switch cols[i] {
			case "name":
				p.Name = f
			case "aliases":
				for _, a := range strings.Split(f, ";") {
					if a = strings.TrimSpace(a); a != "" {
						aliases = append(aliases, a)
					}
				}
			case "country":
				p.Country = strings.ToUpper(f)
			case "lat":
				if f != "" {
					p.Lat, err = strconv.ParseFloat(f, 64)
				}
			case "lon":
				if f != "" {
					p.Lon, err = strconv.ParseFloat(f, 64)
				}
			case "kind":
				kind = f
			}
			if err != nil {
				return fmt.Errorf("geo: regions line %d: bad %s %q", lineNo, cols[i], f)
			}
		}
		if p.Name == "" {
			return fmt.Errorf("geo: regions line %d: empty name", lineNo)
		}
		switch {
		case kind != "":
			k, ok := ParseKind(kind)
			if !ok || k == City {
				return fmt.Errorf("geo: regions line %d: bad kind %q", lineNo, kind)
			}
			p.Kind = k
		case p.Country != "":
			p.Kind = Admin1
		default:
			p.Kind = Region
		}
		g.AddRegion(p, aliases...)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("geo: regions: %w", err)
	}
	return nil
}

// AddRegion adds a region or area under its name and aliases; a first-level
// division or area that the gazetteer already holds (same kind and country,
// within 400 km, known by one of the names) only gains the new names. Like
// Add, it must not be called concurrently with any other method.
func (g *Gazetteer) AddRegion(p Place, aliases ...string) {
	if !g.merge(p, aliases) {
		g.Add(p, aliases...)
	}
}

// merge adds the names of p to an existing place of the same kind and
// country, near p, that is already known by one of them; it reports whether
// it found one.
func (g *Gazetteer) merge(p Place, aliases []string) bool {
	if p.Country == "" {
		return false
	}
	names := append([]string{p.Name}, aliases...)
	for _, n := range names {
		key := Normalize(n)
		if rest, ok := adminSuffix(key); ok && p.Kind == Admin1 {
			key = rest
		}
		for _, r := range g.lookup(nil, key) {
			q := &g.places[r.id]
			if q.Kind == p.Kind && q.Country == p.Country && distanceKm(p.Lat, p.Lon, q.Lat, q.Lon) < 400 {
				g.addKeys(r.id, names)
				return true
			}
		}
	}
	return false
}
