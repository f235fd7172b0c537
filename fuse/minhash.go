package fuse

import (
	"encoding/binary"
	"math"
	"unicode"
	"unicode/utf8"

	"github.com/intelcell/intelcell"
)

// NumHashes is the number of MinHash values in a Signature. The standard
// error of a similarity estimate is about sqrt(J(1-J)/NumHashes): ±0.044 at
// J = 0.5.
const NumHashes = 128

// ShingleWords is the number of consecutive words in a shingle. Four words
// keep distinct articles on the same subject apart (they share phrases of
// two or three words) while one edited word only breaks four shingles.
const ShingleWords = 4

// Signature is the MinHash signature of a text's set of word shingles. Two
// signatures agree at a position with probability equal to the Jaccard
// similarity of the two shingle sets. The zero Signature (and the signature
// of a text without words) is empty: it is similar to nothing.
type Signature [NumHashes]uint32

// emptySlot marks a position no shingle reached.
const emptySlot = math.MaxUint32

// hash parameters: hash i of a 64-bit shingle hash x is the top 32 bits of
// a[i]*x + b[i] (multiply-shift, a[i] odd), fixed by a seeded generator so
// signatures are comparable across processes and versions.
var hashA, hashB = func() (a, b [NumHashes]uint64) {
	s := uint64(0x1ce11ce11ce11ce1)
	next := func() uint64 { // splitmix64
		s += 0x9e3779b97f4a7c15
		z := s
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		return z ^ (z >> 31)
	}
	for i := range a {
		a[i] = next() | 1
		b[i] = next()
	}
	return a, b
}()

// Words returns the normalised words of a text: maximal runs of letters and
// digits, lower-cased; apostrophes inside a word are dropped ("Iraq's" →
// "iraqs"). Invalid UTF-8 bytes separate words.
func Words(text string) []string {
	var out []string
	var buf []byte
	flush := func() {
		if len(buf) > 0 {
			out = append(out, string(buf))
			buf = buf[:0]
		}
	}
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		switch {
		case r == utf8.RuneError && n <= 1:
			flush()
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		case (r == '\'' || r == '’') && len(buf) > 0:
			// inside a word: skip
		default:
			flush()
		}
	}
	flush()
	return out
}

// Shingles returns the 64-bit hashes of the distinct ShingleWords-word
// shingles of a text, in first-seen order. A text with fewer words than a
// shingle gives one shingle of all its words; a text without words gives
// none.
func Shingles(text string) []uint64 {
	words := Words(text)
	if len(words) == 0 {
		return nil
	}
	k := ShingleWords
	if len(words) < k {
		k = len(words)
	}
	seen := make(map[uint64]struct{}, len(words))
	out := make([]uint64, 0, len(words))
	for i := 0; i+k <= len(words); i++ {
		h := uint64(14695981039346656037) // FNV-1a
		for j, w := range words[i : i+k] {
			if j > 0 {
				h ^= ' '
				h *= 1099511628211
			}
			for x := 0; x < len(w); x++ {
				h ^= uint64(w[x])
				h *= 1099511628211
			}
		}
		if _, dup := seen[h]; !dup {
			seen[h] = struct{}{}
			out = append(out, h)
		}
	}
	return out
}

// Sign returns the MinHash signature of a text. It is deterministic, never
// panics, and costs O(words × NumHashes).
func Sign(text string) Signature {
	return SignShingles(Shingles(text))
}

// SignShingles returns the MinHash signature of a set of shingle hashes.
func SignShingles(shingles []uint64) Signature {
	var s Signature
	for i := range s {
		s[i] = emptySlot
	}
	for _, x := range shingles {
		for i := range s {
			if v := uint32((hashA[i]*x + hashB[i]) >> 32); v < s[i] {
				s[i] = v
			}
		}
	}
	return s
}

// Empty reports whether the signature was made from no words at all (or is
// the zero Signature).
func (s Signature) Empty() bool {
	return s[0] == emptySlot || s == Signature{}
}

// Similarity estimates the Jaccard similarity of the two shingle sets: the
// fraction of positions where the signatures agree. An empty signature has
// similarity 0 with everything, itself included.
func (s Signature) Similarity(o Signature) float64 {
	if s.Empty() || o.Empty() {
		return 0
	}
	n := 0
	for i := range s {
		if s[i] == o[i] {
			n++
		}
	}
	return float64(n) / NumHashes
}

// signatureMagic starts the binary form of a Signature: "MH", version 1,
// NumHashes/64.
var signatureMagic = [4]byte{'M', 'H', 1, NumHashes / 64}

// MarshalBinary encodes the signature as 4 header bytes and NumHashes
// little-endian uint32 values, for storage beside a report.
func (s Signature) MarshalBinary() ([]byte, error) {
	out := make([]byte, 4+4*NumHashes)
	copy(out, signatureMagic[:])
	for i, v := range s {
		binary.LittleEndian.PutUint32(out[4+4*i:], v)
	}
	return out, nil
}

// UnmarshalBinary decodes the form MarshalBinary writes. It returns an
// EINVALID error for any other input and leaves s unchanged then.
func (s *Signature) UnmarshalBinary(data []byte) error {
	if len(data) != 4+4*NumHashes || [4]byte(data[:4]) != signatureMagic {
		return intelcell.Errorf(intelcell.EINVALID, "not a MinHash signature (%d bytes)", len(data))
	}
	for i := range s {
		s[i] = binary.LittleEndian.Uint32(data[4+4*i:])
	}
	return nil
}
