// Package cameo knows the CAMEO event codes (names, Goldstein scale values,
// quad classes), the CAMEO → PLOVER mapping, and how an act's code becomes the
// code of an intent to do it or a threat to do it.
package cameo

import "strings"

type codeEntry struct {
	code      string
	name      string
	goldstein float64
}

type ploverEntry struct {
	event, mode, context string
}

// Code describes one CAMEO event code.
type Code struct {
	Code      string
	Name      string
	Goldstein float64
	QuadClass int    // 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict
	Plover    string // PLOVER 2021 event type, "" for public statements (CAMEO 01)
	Mode      string // PLOVER mode where the mapping gives one
	Context   string // PLOVER context where the mapping gives one
}

var byCode = func() map[string]codeEntry {
	m := make(map[string]codeEntry, len(codeTable))
	for _, e := range codeTable {
		m[e.code] = e
	}
	return m
}()

// Root returns the two-digit root of a code ("0314" → "03").
func Root(code string) string {
	if len(code) < 2 {
		return code
	}
	return code[:2]
}

// Lookup returns the description of a code. Unknown sub-codes of a known code
// are described by their nearest known parent.
func Lookup(code string) (Code, bool) {
	c := code
	for len(c) >= 2 {
		if e, ok := byCode[c]; ok {
			return Code{Code: code, Name: e.name, Goldstein: e.goldstein, QuadClass: QuadClass(code),
				Plover: Plover(code), Mode: ploverPart(code, 1), Context: ploverPart(code, 2)}, true
		}
		c = c[:len(c)-1]
	}
	return Code{}, false
}

// Valid reports whether code is a known CAMEO code.
func Valid(code string) bool {
	_, ok := byCode[code]
	return ok
}

// QuadClass returns GDELT's quad class of a code from its root.
func QuadClass(code string) int {
	switch r := Root(code); {
	case r >= "01" && r <= "05":
		return 1
	case r >= "06" && r <= "09":
		return 2
	case r >= "10" && r <= "14":
		return 3
	case r >= "15" && r <= "20":
		return 4
	}
	return 0
}

// Plover returns the PLOVER event type of a CAMEO code. CAMEO 02 (appeal) is
// REQUEST, as the PLOVER manual folds appeals and demands together; CAMEO 01
// (public statement) has no PLOVER type and gives "".
func Plover(code string) string {
	if Root(code) == "02" {
		return "REQUEST"
	}
	return ploverPart(code, 0)
}

func ploverPart(code string, i int) string {
	for c := code; len(c) >= 2; c = c[:len(c)-1] {
		if e, ok := ploverTable[c]; ok {
			return [3]string{e.event, e.mode, e.context}[i]
		}
	}
	return ""
}

// Name returns the code's name, or "".
func Name(code string) string {
	c, _ := Lookup(code)
	return c.Name
}

// intentOf maps an act to the code for an expressed intent to do it
// (CAMEO 03x), following the parallel structure of the codebook.
var intentOf = map[string]string{
	"04": "036", "045": "037", "046": "037",
	"05": "032", "057": "032",
	"06": "031", "061": "0311", "062": "0312", "063": "0313", "064": "0314",
	"07": "033", "071": "0331", "072": "0332", "073": "0333", "074": "0334",
	"08": "035", "081": "0351", "082": "0352", "083": "034", "084": "0353", "085": "0354", "086": "0355", "087": "0356",
	"09": "030", "03": "", "01": "", "02": "",
}

// threatOf maps a conflictual act to the code for threatening it (CAMEO 13x).
var threatOf = map[string]string{
	"10": "130", "11": "130", "12": "130",
	"14": "133", "15": "138", "16": "131", "161": "1313", "162": "1312", "163": "1312", "164": "1313", "166": "1313",
	"17": "137", "172": "132", "1721": "1321", "1722": "1322", "1723": "1323", "1724": "1324", "173": "137", "174": "137",
	"18": "1383", "19": "1384", "192": "1382", "191": "1381", "20": "1385", "204": "1385",
}

// Intent returns the code for intending or threatening the act coded by code:
// cooperative acts become 03x, conflictual acts 13x. Codes that already are
// statements of intent or threats, or that have no such counterpart, are
// returned unchanged.
func Intent(code string) string {
	root := Root(code)
	table := intentOf
	if root >= "10" {
		table = threatOf
	}
	if root == "03" || root == "13" {
		return code
	}
	for c := code; len(c) >= 2; c = c[:len(c)-1] {
		if v, ok := table[c]; ok {
			if v == "" {
				return code
			}
			if !Valid(v) {
				v = v[:3]
			}
			return v
		}
	}
	return code
}

// IsConflict reports whether the code's root is 10 or above.
func IsConflict(code string) bool { return strings.Compare(Root(code), "10") >= 0 }

// rejectOf maps an act to the code for refusing it (CAMEO 12x).
var rejectOf = map[string]string{
	"03": "120", "04": "125", "045": "126", "046": "125", "05": "120", "057": "127",
	"06": "121", "061": "1211", "062": "1212", "063": "1213", "064": "1214",
	"07": "122", "071": "1221", "072": "1222", "073": "1223", "074": "1224",
	"08": "124", "081": "1241", "082": "1242", "083": "123", "084": "1243", "085": "1244", "086": "1245", "087": "1246",
	"02": "120", "09": "120", "01": "011", // declining to speak is "decline comment"
}

// Reject returns the code for refusing the act coded by code ("refused to
// meet" → 125, "will not release" → 1243). Conflictual codes have no refusal
// counterpart and are returned unchanged.
func Reject(code string) string {
	if IsConflict(code) {
		return code
	}
	if Root(code) == "03" {
		// a refused intent refuses the act: 0314 (intelligence) → 1214
		for intent, act := range map[string]string{"0311": "061", "0312": "062", "0313": "063", "0314": "064",
			"0331": "071", "0332": "072", "0333": "073", "0334": "074", "036": "04", "032": "05"} {
			if code == intent {
				code = act
				break
			}
		}
	}
	for c := code; len(c) >= 2; c = c[:len(c)-1] {
		if v, ok := rejectOf[c]; ok {
			if !Valid(v) {
				v = v[:3]
			}
			return v
		}
	}
	return "120"
}

// Threat returns the code for threatening to do the act coded by code when
// a condition is attached ("will withdraw its troops unless ..."):
// conflictual acts map as in Intent, cooperative acts to a threat to reduce
// or stop them (131) or a generic threat (130).
func Threat(code string) string {
	if IsConflict(code) {
		return Intent(code)
	}
	switch Root(code) {
	case "06", "07":
		return "1311"
	case "04", "05":
		return "131"
	}
	return "130"
}
