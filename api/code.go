package api

import (
	"strings"
	"unicode"
)

// CodeDigits is the length of every one-time code: the authenticator app's,
// and those sent by SMS and email.
const CodeDigits = 6

// NormalizeCode drops what people type or paste around and between a code's
// digits: spaces of any kind (tab, no-break space) and dashes ("123 456",
// "123-456"). The console and the server both call it, so a code reads the
// same on both sides.
func NormalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) {
			return -1
		}
		return r
	}, code)
}

// ValidCode reports whether code, once normalised, is CodeDigits ASCII digits.
func ValidCode(code string) bool {
	if len(code) != CodeDigits {
		return false
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
