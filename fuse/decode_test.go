package fuse

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/intelcell/intelcell"
)

// decodeBoth decodes body with an EventDecoder and with json.Unmarshal and
// fails unless both give the same event and the same error.
func decodeBoth(t *testing.T, d *EventDecoder, body []byte) {
	t.Helper()
	var got, want intelcell.Event
	gerr, werr := d.Decode(body, &got), json.Unmarshal(body, &want)
	if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
		t.Fatalf("%s: error %v, want %v", body, gerr, werr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got  %+v\n want %+v", body, got, want)
	}
}

var decodeSeeds = []string{
	`{"source":{"id":"Q796","code":"IRQ","name":"Iraq","kind":"state","country":"IRQ"},"target":null,"cameo":"190","plover":"ASSAULT","goldstein":-10,"quad_class":4,"negated":false,"date":"2017-03-05","place":{"start":3,"end":8,"text":"Mosul","name":"Mosul","lat":36.335,"lon":43.1189,"country":"IRQ","kind":"city"},"killed":4,"wounded":null,"span":{"start":0,"end":40},"trigger":{"start":10,"end":18},"pattern":"p"}`,
	`{"source":{"id":"","code":"MIL","name":"Militants \u0026 co \"x\"","kind":"sector","country":null,"role":"r"},"cameo":"010","intent":true,"goldstein":1.5e0,"quad_class":1}`,
	`{"cameo":"0\u00e9","CAMEO":"x"}`,
	`{"cameo":"a","cameo":"b"}`,
	`{"source":{"code":"A"},"source":{"name":"B"}}`,
	`{"quad_class":1.0}`, `{"quad_class":-0}`, `{"quad_class":01}`, `{"goldstein":-1.5E+3}`, `{"goldstein":1e400}`,
	`{"killed":99999999999999999999}`, `{"place":{"lat":"1"}}`, `{"span":null,"negated":null,"killed":null}`,
	` {"date" : "2017-01-01" , "pattern":"\ud83d\ude00"} `, `{"date":"x"} x`, `null`, `[]`, `{}`, `{"date":"caf` + "\xc3\xa9" + `"}`,
	`{"date":"bad` + "\xff" + `"}`, `{"date":"tab	"}`, `{"extra":1}`, `{"source":{"extra":[1,2]}}`, `{"date":"\\"}`, `{"date":"a\\"b"}`,
	`{"date":"a"`, `{"date":"a",}`, `{,}`, `{"negated":tru}`, `{"trigger":{"start":1,"start":2}}`, `{"source":"x"}`,
}

func TestEventDecoder(t *testing.T) {
	d := NewEventDecoder()
	for _, s := range decodeSeeds {
		decodeBoth(t, d, []byte(s))
	}
	// what the store writes: json.Marshal of events
	r := rand.New(rand.NewPCG(2, 2))
	for _, it := range append(synthWindow(r, 2000), synthItems(r, 500)...) {
		e := it.Event
		e.Span, e.Trigger = intelcell.Span{Start: r.IntN(900), End: r.IntN(900)}, intelcell.Span{Start: 3, End: 9}
		if r.IntN(10) == 0 && e.Source != nil {
			a := *e.Source
			a.Name, a.Role = "Trinidad & Tobago <\"naïve\">\u2028", "minister"
			e.Source = &a
		}
		if e.Place != nil && r.IntN(3) == 0 {
			p := *e.Place
			p.Lat, p.Lon, p.Text = r.Float64()*180-90, r.NormFloat64()*1e-9, "São Tomé"
			e.Place = &p
		}
		e.Intent = r.IntN(7) == 0
		e.Negated = r.IntN(7) == 0
		e.Goldstein = r.NormFloat64() * 5
		b, _ := json.Marshal(e)
		decodeBoth(t, d, b)
	}
}

func FuzzEventDecoder(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d := NewEventDecoder()
		decodeBoth(t, d, b)
		decodeBoth(t, d, b)                     // again, its actors now shared from the first time
		if strings.Count(string(b), "{") < 20 { // nesting costs json.Unmarshal nothing; keep inputs small
			decodeBoth(t, NewEventDecoder(), append([]byte(" "), b...))
		}
	})
}

func BenchmarkEventDecoder(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	var bodies [][]byte
	for _, it := range synthWindow(r, 6000) {
		body, _ := json.Marshal(it.Event)
		bodies = append(bodies, body)
	}
	b.Run("json.Unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			for _, body := range bodies {
				var e intelcell.Event
				json.Unmarshal(body, &e)
			}
		}
	})
	b.Run("EventDecoder", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			d := NewEventDecoder()
			for _, body := range bodies {
				var e intelcell.Event
				d.Decode(body, &e)
			}
		}
	})
}
