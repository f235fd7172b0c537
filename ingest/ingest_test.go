package ingest

import (
	"strings"
	"testing"

	"github.com/intelcell/intelcell"
)

func TestHTMLText(t *testing.T) {
	title, text, err := HTMLText(strings.NewReader(`<!doctype html><html><head><title> A  raid </title><script>var x="<p>no</p>"</script></head>
<body><nav>Menu</nav><h1>Raid</h1><p>Iraqi forces &amp; allies<br>advanced.</p><noscript>enable js</noscript><p>Done</p></body></html>`))
	if err != nil || title != "A raid" || text != "Raid\nIraqi forces & allies\nadvanced.\nDone" {
		t.Errorf("%q %q %v", title, text, err)
	}
}

func TestReadJSONL(t *testing.T) {
	in := `{"id":"a","date":"2020-01-01","title":"T","text":"x","url":"u","license":"cc"}
not json

{"id":"b","html":"<p>hi</p>"}
`
	var got []string
	err := ReadJSONL(strings.NewReader(in), func(n int, r *intelcell.Report, err error) error {
		if err != nil {
			got = append(got, "err")
		} else {
			got = append(got, r.Title+"|"+r.Text+"|"+r.URL)
		}
		return nil
	})
	if err != nil || strings.Join(got, ",") != "T|x|u,err,|hi|" {
		t.Errorf("%v %v", got, err)
	}
}

func FuzzHTMLText(f *testing.F) {
	f.Add("<html><script>x</script><p>a &amp; b</p>")
	f.Add("<scr<script>ipt>alert(1)</script>")
	f.Add("<svg><script>x</script></svg><p>t</p>")
	f.Fuzz(func(t *testing.T, s string) {
		_, text, err := HTMLText(strings.NewReader(s))
		if err != nil {
			return
		}
		if strings.Contains(text, "\n\n") {
			t.Fatalf("blank lines in %q", text)
		}
	})
}

func FuzzReadJSONL(f *testing.F) {
	f.Add(`{"id":"a","text":"x"}` + "\n" + `{`)
	f.Fuzz(func(t *testing.T, s string) {
		ReadJSONL(strings.NewReader(s), func(n int, r *intelcell.Report, err error) error {
			if (r == nil) == (err == nil) {
				t.Fatalf("line %d: report %v err %v", n, r, err)
			}
			return nil
		})
	})
}

func FuzzDocument(f *testing.F) {
	f.Add([]byte("<html><p>x</p>"))
	f.Add([]byte("plain\xff text"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Document(b)
		if err == nil && r == nil {
			t.Fatal("nil report")
		}
	})
}
