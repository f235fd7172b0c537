package fuse

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/intelcell/intelcell"
)

// EventDecoder decodes stored event bodies (the JSON of intelcell.Event)
// exactly as json.Unmarshal into a zero Event does, several times faster:
// the form json.Marshal writes is read directly, and anything else (an
// unknown or repeated key, a key in another case, an escaped key, a number
// of another form, a JSON error) is handed to json.Unmarshal, so the
// result and the error are always json.Unmarshal's. Strings repeated
// across bodies (actor codes and names, dates, CAMEO codes) are shared.
// An EventDecoder is not safe for concurrent use.
type EventDecoder struct {
	strs   map[string]string
	actors map[string]*intelcell.Actor
}

// NewEventDecoder returns an EventDecoder.
func NewEventDecoder() *EventDecoder {
	return &EventDecoder{strs: map[string]string{}, actors: map[string]*intelcell.Actor{}}
}

// Decode decodes body into *e, which must be the zero Event. Actors
// written identically in several bodies decode to one shared *Actor, so
// the events one EventDecoder returns must be treated as read-only.
func (d *EventDecoder) Decode(body []byte, e *intelcell.Event) error {
	r := reader{b: body, strs: d.strs, actors: d.actors}
	if r.event(e) && r.end() {
		return nil
	}
	*e = intelcell.Event{}
	return json.Unmarshal(body, e)
}

// reader reads the JSON of one event; a method returning false means
// "not the simple form": the caller then gives up.
type reader struct {
	b      []byte
	i      int
	strs   map[string]string
	actors map[string]*intelcell.Actor // by the exact bytes of their object
}

func (r *reader) ws() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

func (r *reader) end() bool {
	r.ws()
	return r.i == len(r.b)
}

// peek returns the next byte after whitespace, 0 at the end.
func (r *reader) peek() byte {
	r.ws()
	if r.i < len(r.b) {
		return r.b[r.i]
	}
	return 0
}

func (r *reader) lit(s string) bool {
	r.ws()
	if len(r.b)-r.i >= len(s) && string(r.b[r.i:r.i+len(s)]) == s {
		r.i += len(s)
		return true
	}
	return false
}

func (r *reader) byte(c byte) bool {
	if r.peek() == c {
		r.i++
		return true
	}
	return false
}

// raw returns the bytes of a string token without its quotes when it has
// no escapes and is valid UTF-8 (the common case), ok false otherwise.
// esc reports a well-formed-looking string with escapes, which str decodes
// with encoding/json.
func (r *reader) raw() (s []byte, esc, ok bool) {
	if r.peek() != '"' {
		return nil, false, false
	}
	start := r.i + 1
	ascii := true
	for j := start; j < len(r.b); j++ {
		switch c := r.b[j]; {
		case c == '"':
			s = r.b[start:j]
			if !ascii && !utf8.Valid(s) {
				return nil, false, false
			}
			r.i = j + 1
			return s, false, true
		case c == '\\':
			return nil, true, false
		case c < 0x20:
			return nil, false, false
		case c >= 0x80:
			ascii = false
		}
	}
	return nil, false, false
}

// str reads a string, shared with equal ones read before.
func (r *reader) str() (string, bool) {
	s, esc, ok := r.raw()
	if esc {
		return r.escaped()
	}
	if !ok {
		return "", false
	}
	if v, ok := r.strs[string(s)]; ok {
		return v, true
	}
	v := string(s)
	r.strs[v] = v
	return v, true
}

// escaped reads a string with escapes through encoding/json.
func (r *reader) escaped() (string, bool) {
	j := r.i + 1
	for j < len(r.b) && r.b[j] != '"' {
		if r.b[j] == '\\' {
			j++
		}
		j++
	}
	if j >= len(r.b) {
		return "", false
	}
	var v string
	if json.Unmarshal(r.b[r.i:j+1], &v) != nil {
		return "", false
	}
	r.i = j + 1
	return v, true
}

// object reads an object, calling field for each key; field returns false
// for a key it does not know or has seen.
func (r *reader) object(field func(k []byte) bool) bool {
	if !r.byte('{') {
		return false
	}
	if r.byte('}') {
		return true
	}
	for {
		s, _, ok := r.raw()
		if !ok || !r.byte(':') || !field(s) {
			return false
		}
		if r.byte(',') {
			continue
		}
		return r.byte('}')
	}
}

// number returns the bytes of a JSON number; integer when it has no
// fraction or exponent.
func (r *reader) number() (s []byte, integer, ok bool) {
	r.ws()
	j := r.i
	if j < len(r.b) && r.b[j] == '-' {
		j++
	}
	digits := func() int {
		k := j
		for j < len(r.b) && r.b[j] >= '0' && r.b[j] <= '9' {
			j++
		}
		return j - k
	}
	first := j
	n := digits()
	if n == 0 || n > 1 && r.b[first] == '0' {
		return nil, false, false
	}
	integer = true
	if j < len(r.b) && r.b[j] == '.' {
		j++
		if digits() == 0 {
			return nil, false, false
		}
		integer = false
	}
	if j < len(r.b) && (r.b[j] == 'e' || r.b[j] == 'E') {
		j++
		if j < len(r.b) && (r.b[j] == '+' || r.b[j] == '-') {
			j++
		}
		if digits() == 0 {
			return nil, false, false
		}
		integer = false
	}
	s = r.b[r.i:j]
	r.i = j
	return s, integer, true
}

func (r *reader) int() (int, bool) {
	s, integer, ok := r.number()
	if !ok || !integer {
		return 0, false
	}
	n, err := strconv.ParseInt(string(s), 10, 64)
	return int(n), err == nil
}

func (r *reader) float() (float64, bool) {
	s, _, ok := r.number()
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(s), 64)
	return f, err == nil
}

func (r *reader) bool() (bool, bool) {
	switch {
	case r.lit("true"):
		return true, true
	case r.lit("false"):
		return false, true
	}
	return false, false
}

// null reads a null, leaving the value as it is (json.Unmarshal sets
// pointers to nil, and leaves other kinds unchanged; here every value
// starts zero).
func (r *reader) null() bool {
	return r.peek() == 'n' && r.lit("null")
}

// strField reads a string or null into *p.
func (r *reader) strField(p *string) bool {
	if r.null() {
		return true
	}
	s, ok := r.str()
	*p = s
	return ok
}

// strPtr reads a string into a new *string, or null.
func (r *reader) strPtr(p **string) bool {
	if r.null() {
		return true
	}
	s, ok := r.str()
	*p = &s
	return ok
}

func (r *reader) intPtr(p **int) bool {
	if r.null() {
		return true
	}
	n, ok := r.int()
	*p = &n
	return ok
}

// once marks field bit in *seen; false when already marked.
func once(seen *uint32, bit uint32) bool {
	if *seen&bit != 0 {
		return false
	}
	*seen |= bit
	return true
}

func (r *reader) span(s *intelcell.Span) bool {
	if r.null() {
		return true
	}
	var seen uint32
	return r.object(func(k []byte) bool {
		switch string(k) {
		case "start":
			if !once(&seen, 1) {
				return false
			}
			n, ok := r.int()
			s.Start = n
			return ok
		case "end":
			if !once(&seen, 2) {
				return false
			}
			n, ok := r.int()
			s.End = n
			return ok
		}
		return false
	})
}

func (r *reader) actor(p **intelcell.Actor) bool {
	if r.null() {
		return true
	}
	r.ws()
	start := r.i
	end := flatObjectEnd(r.b, start)
	if end > 0 {
		if a, ok := r.actors[string(r.b[start:end])]; ok {
			*p = a
			r.i = end
			return true
		}
	}
	a := new(intelcell.Actor)
	*p = a
	if !r.actorFields(a) {
		return false
	}
	if end == r.i {
		r.actors[string(r.b[start:end])] = a
	}
	return true
}

// flatObjectEnd returns the index just after the object that starts at
// b[i] when it holds no nested object or array, -1 otherwise (or when it
// does not end).
func flatObjectEnd(b []byte, i int) int {
	if i >= len(b) || b[i] != '{' {
		return -1
	}
	for j, in := i+1, false; j < len(b); j++ {
		switch c := b[j]; {
		case in && c == '\\':
			j++
		case c == '"':
			in = !in
		case in:
		case c == '}':
			return j + 1
		case c == '{' || c == '[':
			return -1
		}
	}
	return -1
}

func (r *reader) actorFields(a *intelcell.Actor) bool {
	var seen uint32
	return r.object(func(k []byte) bool {
		switch string(k) {
		case "id":
			return once(&seen, 1) && r.strField(&a.ID)
		case "code":
			return once(&seen, 2) && r.strField(&a.Code)
		case "name":
			return once(&seen, 4) && r.strField(&a.Name)
		case "kind":
			return once(&seen, 8) && r.strField(&a.Kind)
		case "country":
			return once(&seen, 16) && r.strPtr(&a.Country)
		case "role":
			return once(&seen, 32) && r.strField(&a.Role)
		}
		return false
	})
}

func (r *reader) place(p **intelcell.Place) bool {
	if r.null() {
		return true
	}
	pl := new(intelcell.Place)
	*p = pl
	var seen uint32
	return r.object(func(k []byte) bool {
		var ok bool
		switch string(k) {
		case "start":
			if !once(&seen, 1) {
				return false
			}
			pl.Start, ok = r.int()
			return ok
		case "end":
			if !once(&seen, 2) {
				return false
			}
			pl.End, ok = r.int()
			return ok
		case "text":
			return once(&seen, 4) && r.strField(&pl.Text)
		case "name":
			return once(&seen, 8) && r.strField(&pl.Name)
		case "lat":
			if !once(&seen, 16) {
				return false
			}
			pl.Lat, ok = r.float()
			return ok
		case "lon":
			if !once(&seen, 32) {
				return false
			}
			pl.Lon, ok = r.float()
			return ok
		case "country":
			return once(&seen, 64) && r.strPtr(&pl.Country)
		case "kind":
			return once(&seen, 128) && r.strField(&pl.Kind)
		}
		return false
	})
}

func (r *reader) event(e *intelcell.Event) bool {
	var seen uint32
	return r.object(func(k []byte) bool {
		var ok bool
		switch string(k) {
		case "source":
			return once(&seen, 1<<0) && r.actor(&e.Source)
		case "target":
			return once(&seen, 1<<1) && r.actor(&e.Target)
		case "cameo":
			return once(&seen, 1<<2) && r.strField(&e.Cameo)
		case "plover":
			return once(&seen, 1<<3) && r.strField(&e.Plover)
		case "goldstein":
			if !once(&seen, 1<<4) {
				return false
			}
			if r.null() {
				return true
			}
			e.Goldstein, ok = r.float()
			return ok
		case "quad_class":
			if !once(&seen, 1<<5) {
				return false
			}
			if r.null() {
				return true
			}
			e.QuadClass, ok = r.int()
			return ok
		case "negated":
			if !once(&seen, 1<<6) {
				return false
			}
			if r.null() {
				return true
			}
			e.Negated, ok = r.bool()
			return ok
		case "intent":
			if !once(&seen, 1<<7) {
				return false
			}
			if r.null() {
				return true
			}
			e.Intent, ok = r.bool()
			return ok
		case "date":
			return once(&seen, 1<<8) && r.strField(&e.Date)
		case "place":
			return once(&seen, 1<<9) && r.place(&e.Place)
		case "killed":
			return once(&seen, 1<<10) && r.intPtr(&e.Killed)
		case "wounded":
			return once(&seen, 1<<11) && r.intPtr(&e.Wounded)
		case "span":
			return once(&seen, 1<<12) && r.span(&e.Span)
		case "trigger":
			return once(&seen, 1<<13) && r.span(&e.Trigger)
		case "pattern":
			return once(&seen, 1<<14) && r.strField(&e.Pattern)
		}
		return false
	})
}
