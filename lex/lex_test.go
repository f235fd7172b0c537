package lex

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func texts(toks []Token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Text
	}
	return out
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want string // tokens joined by |
	}{
		{"A U.S.-led coalition", "A|U.S.|-|led|coalition"},
		{"Iraq’s Shi’ite-led government", "Iraq|’s|Shi’ite|-|led|government"},
		{"they aren't coordinating", "they|are|n't|coordinating"},
		{"killed roughly 10,000 ISIS fighters.", "killed|roughly|10,000|ISIS|fighters|."},
		{"Lt. Gen. Smith said", "Lt.|Gen.|Smith|said"},
		{"“I think”, Kerry replied.", "“|I|think|”|,|Kerry|replied|."},
		{"the Kerry-Lavrov meeting", "the|Kerry|-|Lavrov|meeting"},
		{"al-Qa'ida and O'Brien", "al|-|Qa'ida|and|O'Brien"},
		{"in the 1990s — or not", "in|the|1990s|—|or|not"},
		{"«Non», dit-il", "«|Non|»|,|dit|-|il"},
	}
	for _, tt := range tests {
		got := strings.Join(texts(Tokenize(tt.in)), "|")
		if got != tt.want {
			t.Errorf("Tokenize(%q)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestTokenOffsetsAndNorm(t *testing.T) {
	in := "Le président Hollande a dit: « U.S. »"
	for _, tok := range Tokenize(in) {
		if in[tok.Start:tok.End] != tok.Text {
			t.Fatalf("token %q does not match its offsets [%d,%d)", tok.Text, tok.Start, tok.End)
		}
	}
	if n := Normalize("Président"); n != "president" {
		t.Errorf("Normalize folds diacritics: got %q", n)
	}
	if n := Normalize("U.S."); n != "us" {
		t.Errorf("Normalize drops abbreviation dots: got %q", n)
	}
	if n := Normalize("’s"); n != "'s" {
		t.Errorf("Normalize unifies apostrophes: got %q", n)
	}
	if n := NormalizePhrase("al-Qaeda"); n != NormalizePhrase("Al Qaeda") {
		t.Errorf("hyphen and space should normalise alike: %q", n)
	}
}

func TestSentences(t *testing.T) {
	in := "Iraq agreed on Sunday. The U.S. Secretary of State, Mr. Kerry, said “no.” He left.\n" +
		"A headline without a stop\nBut the U.S. disagreed. Officials said so."
	toks := Tokenize(in)
	var got []string
	for _, s := range Sentences(toks) {
		got = append(got, in[s.Start:s.End])
	}
	want := []string{
		"Iraq agreed on Sunday.",
		"The U.S. Secretary of State, Mr. Kerry, said “no.”",
		"He left.",
		"A headline without a stop",
		"But the U.S. disagreed.",
		"Officials said so.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Sentences:\n got %q\nwant %q", got, want)
	}
}

func TestBadInputNeverLosesBytes(t *testing.T) {
	in := "ok \xff\xfe bad \x00 nul " + strings.Repeat("x", 1000)
	toks := Tokenize(in)
	covered := 0
	for _, tok := range toks {
		covered += tok.End - tok.Start
	}
	spaces := strings.Count(in, " ")
	if covered+spaces != len(in) {
		t.Errorf("tokens cover %d bytes + %d spaces, input has %d", covered, spaces, len(in))
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"", "U.S.-led", "“a” ‘b’ «c»", "\xff\x00", "n't 's", "10,000.5 1990s", "a.b.c.d.e", "...!?"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks := Tokenize(s)
		last := 0
		for _, tok := range toks {
			if tok.Start < last || tok.End <= tok.Start || tok.End > len(s) || s[tok.Start:tok.End] != tok.Text {
				t.Fatalf("bad token %+v after %d in %q", tok, last, s)
			}
			last = tok.End
		}
		for _, sen := range Sentences(toks) {
			if sen.First > sen.Last || sen.Start > sen.End {
				t.Fatalf("bad sentence %+v", sen)
			}
		}
		if utf8.ValidString(s) && !utf8.ValidString(NormalizePhrase(s)) {
			t.Fatalf("NormalizePhrase made invalid UTF-8 from %q", s)
		}
	})
}

func TestDatelineSentence(t *testing.T) {
	for _, text := range []string{"WASHINGTON (Reuters) - Senators met on Monday.", "A headline\n(Reuters) - Senators met on Monday.", "CAIRO, Egypt (AP) — Senators met."} {
		toks := Tokenize(text)
		ss := Sentences(toks)
		if len(ss) < 2 || toks[ss[len(ss)-1].First].Text != "Senators" {
			t.Errorf("%q: the dateline should be a sentence of its own, got %d sentences", text, len(ss))
		}
	}
}
