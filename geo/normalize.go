package geo

import "github.com/intelcell/intelcell/geo/internal/textnorm"

// Normalize returns the lookup key of a place name: lower case, diacritics
// removed (compatibility decomposition, combining marks dropped, and ø æ œ ß ł
// đ ı þ ð ħ spelled out), apostrophes, quotes and dots deleted ("Ma'arrat" and
// "Maarrat", "St." and "St" are equal), and every other run of non-letters
// and non-digits (hyphens, commas, spaces, …) turned into a single space,
// trimmed at both ends. So "Al-Raqqa", "al Raqqa" and " AL–RAQQA " all give
// "al raqqa". Normalize is idempotent and safe for concurrent use.
func Normalize(s string) string { return textnorm.Normalize(s) }
