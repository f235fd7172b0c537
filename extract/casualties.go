package extract

import (
	"strconv"
	"strings"

	"github.com/intelcell/intelcell/lex"
)

// number words and vague quantities, with the value we report for them.
var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
	"eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
	"seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "an": 1, "dozen": 12, "dozens": 24, "scores": 40,
	"hundreds": 200, "thousands": 2000, "several": 3, "few": 3, "single": 1,
}

var multipliers = map[string]int{"hundred": 100, "thousand": 1000, "million": 1000000, "dozen": 12}

var approxWords = set("about", "around", "roughly", "some", "nearly", "almost", "approximately", "over", "more",
	"than", "at", "least", "up", "to", "estimated", "an", "less", "fewer", "as", "many", "much", "close", "upwards", "of")

// numberAt reads a quantity starting at token k ("10,000", "four", "tens of
// thousands", "two dozen", "1.5 million") and returns its value and last token.
func (d *doc) numberAt(k, last int) (int, int, bool) {
	if k > last {
		return 0, k, false
	}
	t := &d.toks[k]
	val, end := 0, k
	switch {
	case t.Kind == lex.Number:
		s := strings.ReplaceAll(t.Norm, ",", "")
		f, err := strconv.ParseFloat(strings.TrimRight(s, "abcdefghijklmnopqrstuvwxyz"), 64)
		if err != nil || strings.ContainsAny(s, "abcdefghijklmnopqrstuvwxyz") && !strings.HasSuffix(s, "s") {
			return 0, k, false
		}
		val = int(f)
		if k+1 <= last {
			if m, ok := multipliers[d.toks[k+1].Norm]; ok {
				val, end = int(f*float64(m)), k+1
			}
		}
	case t.Norm == "tens" && k+2 <= last && d.toks[k+1].Norm == "of":
		if m, ok := multipliers[strings.TrimSuffix(d.toks[k+2].Norm, "s")]; ok {
			return 20 * m, k + 2, true
		}
		return 0, k, false
	case numberWords[t.Norm] > 0:
		val = numberWords[t.Norm]
		if (t.Norm == "a" || t.Norm == "an") && !(k+1 <= last && multipliers[d.toks[k+1].Norm] > 0) {
			return 0, k, false
		}
		// "twenty-five"
		if k+2 <= last && d.isHyphen(k+1) && numberWords[d.toks[k+2].Norm] > 0 && numberWords[d.toks[k+2].Norm] < 10 {
			val += numberWords[d.toks[k+2].Norm]
			end = k + 2
		}
		if end+1 <= last {
			if m, ok := multipliers[d.toks[end+1].Norm]; ok {
				val *= m
				end++
			}
		}
		if end+2 <= last && d.toks[end+1].Norm == "of" && (t.Norm == "hundreds" || t.Norm == "thousands" || t.Norm == "dozens") {
			end++ // "hundreds of"
		}
	default:
		return 0, k, false
	}
	return val, end, val > 0
}

// quantityAfter reads a number after token k, skipping approximate markers
// ("roughly", "at least", "more than").
func (d *doc) quantityAfter(k, last int) (int, int, bool) {
	j := k
	for j <= last && j <= k+4 && approxWords[d.toks[j].Norm] && d.toks[j].Norm != "a" && d.toks[j].Norm != "an" {
		j++
	}
	return d.numberAt(j, last)
}

var killWords = set("kill", "killed", "killing", "kills", "dead", "died", "die", "dying", "deaths", "death",
	"fatalities", "lives", "slain", "massacred", "executed", "murdered")
var woundWords = set("wound", "wounded", "wounding", "wounds", "injured", "injuring", "injure", "injuries", "hurt", "casualties")

// casualtiesIn reads the casualty figures of tokens [first, last]:
// "killing four people and wounding seven others", "have killed roughly
// 10,000 fighters", "at least 12 dead", "five people were killed", "left 3 dead".
func (d *doc) casualtiesIn(first, last int) (killed, wounded *int, at int) {
	at = -1
	for k := first; k <= last; k++ {
		n := d.toks[k].Norm
		isK, isW := killWords[n], woundWords[n]
		if !isK && !isW {
			continue
		}
		val, ok := 0, false
		// verb then number: "killing four people", "killed 10,000 fighters"
		if v, _, found := d.quantityAfter(k+1, last); found {
			val, ok = v, true
		}
		// number then word: "12 dead", "five people were killed", "death toll of 30"
		if !ok {
			for j := k - 1; j >= first && j >= k-5; j-- {
				if v, end, found := d.numberAt(j, last); found && end < k {
					val, ok = v, true
					break
				}
				if d.toks[j].Kind == lex.Punct {
					break
				}
			}
		}
		if !ok && (n == "toll" || n == "death") {
			continue
		}
		if !ok {
			continue
		}
		v := val
		if isK && killed == nil {
			killed = &v
			at = k
		} else if isW && wounded == nil {
			wounded = &v
			if at < 0 {
				at = k
			}
		}
	}
	return killed, wounded, at
}

// attachCasualties gives each violent event the casualty figures of its
// sentence: the event whose trigger is nearest before the figures.
func (d *doc) attachCasualties() {
	bySent := map[int][]int{}
	for i := range d.events {
		e := &d.events[i]
		root := e.Cameo[:2]
		if root != "18" && root != "19" && root != "20" || e.Negated {
			continue
		}
		si := d.sentAtByte(e.Trigger.Start)
		bySent[si] = append(bySent[si], i)
	}
	for si, idx := range bySent {
		s := d.sents[si]
		killed, wounded, at := d.casualtiesIn(s.First, s.Last)
		if killed == nil && wounded == nil {
			continue
		}
		atByte := d.toks[at].Start
		best := idx[0]
		for _, i := range idx {
			if d.events[i].Trigger.Start <= atByte && d.events[i].Trigger.Start >= d.events[best].Trigger.Start {
				best = i
			}
		}
		// every event of the same trigger (one per target) carries the figures
		for _, i := range idx {
			if d.events[i].Trigger == d.events[best].Trigger {
				d.events[i].Killed, d.events[i].Wounded = killed, wounded
			}
		}
	}
}

// sentAtByte returns the sentence containing byte offset b.
func (d *doc) sentAtByte(b int) int {
	lo, hi := 0, len(d.sents)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if d.sents[mid].Start <= b {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}
