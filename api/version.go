package api

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ConsoleVersion is an emulated console release, major.minor.build, as sent in
// the X-Console-Version header.
type ConsoleVersion struct {
	Major, Minor, Build int
}

// ErrBadConsoleVersion is wrapped by every ParseConsoleVersion failure.
var ErrBadConsoleVersion = errors.New("console version must look like 7.50.3572 (major.minor.build, digits only)")

// maxVersionPart keeps every part far from integer overflow and absurd input.
const maxVersionPart = 999999

// ParseConsoleVersion reads "major.minor.build". Anything else (missing parts,
// signs, spaces, letters, leading "v", parts above 999999) is refused.
func ParseConsoleVersion(s string) (ConsoleVersion, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return ConsoleVersion{}, fmt.Errorf("%q: %w", clip(s), ErrBadConsoleVersion)
	}
	var n [3]int
	for i, p := range parts {
		if p == "" || len(p) > 6 || strings.TrimLeft(p, "0123456789") != "" {
			return ConsoleVersion{}, fmt.Errorf("%q: %w", clip(s), ErrBadConsoleVersion)
		}
		v, err := strconv.Atoi(p)
		if err != nil || v > maxVersionPart {
			return ConsoleVersion{}, fmt.Errorf("%q: %w", clip(s), ErrBadConsoleVersion)
		}
		n[i] = v
	}
	return ConsoleVersion{n[0], n[1], n[2]}, nil
}

// String formats the version as major.minor.build.
func (v ConsoleVersion) String() string {
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Build)
}

// Compare returns -1, 0 or +1 as v is older than, equal to or newer than w.
func (v ConsoleVersion) Compare(w ConsoleVersion) int {
	for _, d := range [3]int{v.Major - w.Major, v.Minor - w.Minor, v.Build - w.Build} {
		switch {
		case d < 0:
			return -1
		case d > 0:
			return 1
		}
	}
	return 0
}

// LastLegacyVersion is the newest release that ignores the primary method and
// knows nothing of email.
var LastLegacyVersion = ConsoleVersion{7, 50, 3572}

// CurrentVersion is the newest release the console emulates: what it
// announces unless a tester picks another.
var CurrentVersion = ConsoleVersion{7, 51, 0}

// IsLegacy reports whether v is 7.50.3572 or earlier.
func (v ConsoleVersion) IsLegacy() bool { return v.Compare(LastLegacyVersion) <= 0 }

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
