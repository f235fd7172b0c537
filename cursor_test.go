package intelcell

import (
	"encoding/base64"
	"testing"
)

func TestEventCursor(t *testing.T) {
	for _, c := range []struct{ date, id string }{
		{"2020-01-15", "0123456789abcdef-0"},
		{"1999-12-31", ""},
		{"2020-02-29", "id|with|bars"},
	} {
		date, id, err := DecodeEventCursor(EncodeEventCursor(c.date, c.id))
		if err != nil || date != c.date || id != c.id {
			t.Errorf("%q %q: got %q %q %v", c.date, c.id, date, id, err)
		}
	}
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	padded := base64.StdEncoding.EncodeToString([]byte("2020-01-15|xy"))
	for _, bad := range []string{"", "!!!", enc("2020-01-15"), enc("2020-13-01|x"), enc("yesterday|x"), enc("|x"), padded} {
		if _, _, err := DecodeEventCursor(bad); ErrorCode(err) != EINVALID {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
}

func TestSearchCursor(t *testing.T) {
	for _, n := range []int{0, 1, 20, 1 << 40} {
		if got, err := DecodeSearchCursor(EncodeSearchCursor(n)); err != nil || got != n {
			t.Errorf("%d: got %d %v", n, got, err)
		}
	}
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, bad := range []string{"", "!!!", enc("20"), enc("o:"), enc("o:-1"), enc("o:x"), enc("t:20:0"), EncodeEventCursor("2020-01-15", "x")} {
		if _, err := DecodeSearchCursor(bad); ErrorCode(err) != EINVALID {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
}
