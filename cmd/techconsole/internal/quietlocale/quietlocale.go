// Package quietlocale keeps Fyne from logging "Error parsing user locale C"
// under the C locale with an encoding (LANG=C.UTF-8, usual in containers and
// CI). Fyne reads the locale while its packages initialise, before main runs;
// this package has no dependency but the standard library, so Go initialises
// it first (import it for its effect only).
package quietlocale

import (
	"os"
	"strings"
)

func init() { quiet(os.Getenv, os.Setenv) }

// quiet names English in LANGUAGE when the locale is C or POSIX with an
// encoding: Fyne's locale lookup reads LANGUAGE then, and nothing else
// consults it under the C locale. Other locales are left alone.
func quiet(getenv func(string) string, setenv func(string, string) error) {
	if getenv("LANGUAGE") != "" {
		return
	}
	var loc string
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = getenv(k); loc != "" {
			break
		}
	}
	base, _, _ := strings.Cut(loc, ".")
	if (base == "C" || base == "POSIX") && loc != base {
		_ = setenv("LANGUAGE", "en")
	}
}
