package models

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// CleanName reports whether a person's or place's name is acceptable: valid UTF-8, Latin letters
// (with Vietnamese marks), digits, spaces and a few marks of punctuation, and no control, invisible or
// other-script characters. It is checked on the NFC form.
func CleanName(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range norm.NFC.String(s) {
		switch {
		case unicode.Is(unicode.Latin, r), unicode.IsDigit(r) && r < 128:
		case r == ' ' || r == '.' || r == '-' || r == '\'' || r == '(' || r == ')' || r == ',':
		case unicode.Is(unicode.Mn, r): // a combining mark left after NFC (rare, but valid Vietnamese)
		default:
			return false
		}
	}
	return true
}

// CleanText reports whether free text (a title, an address, products) is acceptable: valid UTF-8
// without control or invisible format characters (newlines and tabs allowed) and without NUL.
func CleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '\n' || r == '\t' || r == '\r' {
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// NFC normalises text to NFC and trims it.
func NFC(s string) string { return strings.TrimSpace(norm.NFC.String(s)) }
