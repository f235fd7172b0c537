package extract

import (
	"strconv"
	"time"

	"github.com/intelcell/intelcell/lex"
)

// resolveDates finds the date each sentence speaks of: "on Sunday",
// "yesterday", "last week", "on March 3", "March 3, 2015", "3 March". Relative
// dates lean to the past, as reports mostly tell what happened; a sentence in
// the future tense ("will meet on Friday") leans forward.
func (d *doc) resolveDates() {
	d.sdates = make([]string, len(d.sents))
	for si, s := range d.sents {
		future := false
		for k := s.First; k <= s.Last; k++ {
			n := d.toks[k].Norm
			if n == "will" || n == "'ll" || n == "next" || n == "upcoming" || n == "tomorrow" {
				future = true
			}
		}
		for k := s.First; k <= s.Last; k++ {
			if t, ok := d.dateAt(k, s.Last, future); ok {
				d.sdates[si] = t.Format("2006-01-02")
				break
			}
		}
	}
}

// dateOf returns the date of sentence si, or the document date.
func (d *doc) dateOf(si int) string {
	if si >= 0 && si < len(d.sdates) && d.sdates[si] != "" {
		return d.sdates[si]
	}
	return d.dateStr
}

// dateAt reads a date expression starting at token k.
func (d *doc) dateAt(k, last int, future bool) (time.Time, bool) {
	t := &d.toks[k]
	n := t.Norm
	prev := ""
	if k > 0 {
		prev = d.toks[k-1].Norm
	}
	switch n {
	case "yesterday":
		return d.date.AddDate(0, 0, -1), true
	case "today", "tonight":
		return d.date, true
	case "tomorrow":
		return d.date.AddDate(0, 0, 1), true
	}
	if wd, ok := dayNames[n]; ok && t.IsCap() {
		delta := wd - int(d.date.Weekday())
		switch {
		case prev == "next" || future && delta > 0:
			if delta <= 0 {
				delta += 7
			}
		case prev == "last":
			if delta >= 0 {
				delta -= 7
			}
		default:
			if delta > 0 {
				delta -= 7
			}
		}
		return d.date.AddDate(0, 0, delta), true
	}
	// "three days ago", "two weeks ago"
	if (n == "ago") && k >= 2 {
		unit := singular(d.toks[k-1].Norm)
		if v, _, ok := d.numberAt(k-2, k-2); ok || d.toks[k-2].Norm == "a" {
			if !ok {
				v = 1
			}
			switch unit {
			case "day":
				return d.date.AddDate(0, 0, -v), true
			case "week":
				return d.date.AddDate(0, 0, -7*v), true
			}
		}
	}
	if n == "week" || n == "month" || n == "year" {
		switch prev {
		case "last", "past":
			switch n {
			case "week":
				return d.date.AddDate(0, 0, -7), true
			case "month":
				return d.date.AddDate(0, -1, 0), true
			}
		}
	}
	if monthNames[n] && t.IsCap() && (n != "may" && n != "march" || k+1 <= last && d.toks[k+1].Kind == lex.Number || prev == "in" || prev == "on" || prev == "since") {
		m := monthNumber(n)
		day := 0
		year := 0
		if k+1 <= last && d.toks[k+1].Kind == lex.Number {
			day = atoiDigits(d.toks[k+1].Norm)
			j := k + 2
			if j <= last && d.toks[j].Text == "," {
				j++
			}
			if j <= last && d.toks[j].Kind == lex.Number && len(d.toks[j].Norm) == 4 {
				year = atoiDigits(d.toks[j].Norm)
			}
			if day > 31 && day >= 1900 { // "March 2015"
				year, day = day, 0
			}
		} else if k > 0 && d.toks[k-1].Kind == lex.Number {
			day = atoiDigits(d.toks[k-1].Norm) // "3 March"
			if k+1 <= last && d.toks[k+1].Kind == lex.Number && len(d.toks[k+1].Norm) == 4 {
				year = atoiDigits(d.toks[k+1].Norm)
			}
		}
		if day < 1 || day > 31 {
			return time.Time{}, false // a month alone names no day
		}
		if year == 0 {
			year = d.date.Year()
			c := time.Date(year, time.Month(m), day, 0, 0, 0, 0, time.UTC)
			if !future && c.After(d.date.AddDate(0, 0, 7)) {
				year--
			} else if future && c.Before(d.date.AddDate(0, 0, -7)) {
				year++
			}
		}
		c := time.Date(year, time.Month(m), day, 0, 0, 0, 0, time.UTC)
		if c.Day() != day {
			return time.Time{}, false
		}
		return c, true
	}
	return time.Time{}, false
}

func monthNumber(n string) int {
	switch n[:3] {
	case "jan":
		return 1
	case "feb":
		return 2
	case "mar":
		return 3
	case "apr":
		return 4
	case "may":
		return 5
	case "jun":
		return 6
	case "jul":
		return 7
	case "aug":
		return 8
	case "sep":
		return 9
	case "oct":
		return 10
	case "nov":
		return 11
	}
	return 12
}

// atoiDigits reads the leading digits of s ("3rd" → 3); 0 if none.
func atoiDigits(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' && i < 9 {
		i++
	}
	n, _ := strconv.Atoi(s[:i])
	return n
}
