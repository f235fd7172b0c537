// Package textnorm holds the name normalization shared by package geo and
// its data generator, so that both build the same lookup keys.
package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns the lookup key of a place name: lower case, diacritics
// removed (compatibility decomposition, combining marks dropped, and ø æ œ ß ł
// đ ı þ ð ħ spelled out), apostrophes, quotes and dots deleted ("Ma'arrat" and
// "Maarrat", "St." and "St" are equal), and every other run of non-letters
// and non-digits (hyphens, commas, spaces, …) turned into a single space,
// trimmed at both ends. So "Al-Raqqa", "al Raqqa" and " AL–RAQQA " all give
// "al raqqa". Normalize is idempotent and safe for concurrent use.
func Normalize(s string) string {
	if out, ok := normalizeASCII(s); ok {
		return out
	}
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	emit := func(r rune) {
		if pendingSpace && b.Len() > 0 {
			b.WriteByte(' ')
		}
		pendingSpace = false
		b.WriteRune(r)
	}
	var one [utf8.UTFMax]byte
	var handle func(r rune, depth int)
	handle = func(r rune, depth int) {
		switch {
		case r == utf8.RuneError:
			pendingSpace = true
		case isDeleted(r):
			// apostrophes, quotes and dots vanish
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
			// diacritics vanish
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mc, r):
			l := unicode.ToLower(r)
			if sp := special(l); sp != "" {
				for _, c := range sp {
					emit(c)
				}
				return
			}
			if l >= utf8.RuneSelf && depth == 0 {
				// the lower-case form may decompose further (e.g. U+0130 İ)
				n := utf8.EncodeRune(one[:], l)
				d := norm.NFKD.String(string(one[:n]))
				if d != string(one[:n]) {
					for _, c := range d {
						handle(c, depth+1)
					}
					return
				}
			}
			emit(l)
		default:
			pendingSpace = true
		}
	}
	for _, r := range norm.NFKD.String(s) {
		handle(r, 0)
	}
	return b.String()
}

// normalizeASCII handles the common all-ASCII case without allocating the
// decomposition. ok is false when s has a non-ASCII byte.
func normalizeASCII(s string) (string, bool) {
	clean := true // already normalized?
	prevSpace := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			return "", false
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			prevSpace = false
		case c == ' ' && !prevSpace && i != len(s)-1:
			prevSpace = true
		default:
			clean = false
		}
	}
	if clean {
		return s, true
	}
	b := make([]byte, 0, len(s))
	pendingSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			if pendingSpace && len(b) > 0 {
				b = append(b, ' ')
			}
			pendingSpace = false
			b = append(b, c)
		case c == '\'' || c == '.' || c == '`' || c == '"':
		default:
			pendingSpace = true
		}
	}
	return string(b), true
}

// isDeleted reports the apostrophe-like, quote and dot characters that
// Normalize removes without leaving a space.
func isDeleted(r rune) bool {
	switch r {
	case '\'', '.', '`', '"', '´', '‘', '’', '‚', '‛', '“', '”', '′', '″',
		'ʹ', 'ʻ', 'ʼ', 'ʽ', 'ʾ', 'ʿ', 'ˈ', '·', '׳', '״', '＇', '．':
		return true
	}
	return false
}

// special spells out letters that have no Unicode decomposition; "" for
// every other rune.
func special(r rune) string {
	switch r {
	case 'ø', 'Ø':
		return "o"
	case 'æ', 'Æ':
		return "ae"
	case 'œ', 'Œ':
		return "oe"
	case 'ß', 'ẞ':
		return "ss"
	case 'ł', 'Ł', 'ŀ', 'Ŀ':
		return "l"
	case 'đ', 'Đ', 'ð', 'Ð':
		return "d"
	case 'ı', 'ɨ':
		return "i"
	case 'þ', 'Þ':
		return "th"
	case 'ħ', 'Ħ':
		return "h"
	case 'ŧ', 'Ŧ':
		return "t"
	case 'ƒ':
		return "f"
	case 'ʉ':
		return "u"
	case 'ĸ':
		return "q"
	case 'ſ':
		return "s"
	case 'ŋ', 'Ŋ':
		return "ng"
	}
	return ""
}

// IsArabicArticle reports the romanized forms of the Arabic article
// ("al", "el", "ar", "as", "ash", "ad", "an", "at", "az", "ez" …).
func IsArabicArticle(w string) bool {
	switch w {
	case "al", "el", "ar", "as", "ash", "ad", "adh", "an", "at", "ath", "az", "aj", "ez", "es", "ed", "en", "et", "ech", "ej":
		return true
	}
	return false
}

// CanonArticles rewrites every Arabic article word of a normalized key as
// "al", so that "deir ez zor" and "deir al zor", "maarrat an numan" and
// "maarrat al numan" meet. It returns key itself when nothing changes.
func CanonArticles(key string) string {
	changed := false
	words := strings.Split(key, " ")
	for i, w := range words {
		if w != "al" && IsArabicArticle(w) && i < len(words)-1 {
			words[i] = "al"
			changed = true
		}
	}
	if !changed {
		return key
	}
	return strings.Join(words, " ")
}
