package screens

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/remotesupport/techconsole/i18n"
)

// UseLanguage makes tag (one of i18n.Languages, or i18n.PseudoTag) the
// language of everything drawn from now on, Fyne's own dialogs included.
// Fyne's lang package has no way to name a language: it asks the OS locale
// (go-locale, which reads LANGUAGE first unless LC_ALL, LC_MESSAGES or LANG
// says C or POSIX) each time translations are added. So the choice goes into
// that environment, then the catalogues are added again. Screens already
// built keep their words until they are built again (Console.Relabel).
func UseLanguage(tag string) error {
	loadOnce.Do(func() {}) // chosen: no lazy load after this
	return useLanguage(tag)
}

func useLanguage(tag string) error {
	forceLocaleEnv(tag, os.Getenv, os.Setenv)
	if err := lang.AddTranslationsFS(i18n.FS, i18n.Dir); err != nil {
		return fmt.Errorf("console catalogues: %w", err)
	}
	pseudo, err := i18n.Pseudo()
	if err != nil {
		return err
	}
	if err := lang.AddTranslationsForLocale(pseudo, fyne.Locale(i18n.PseudoTag)); err != nil {
		return fmt.Errorf("pseudo-language: %w", err)
	}
	current = tag
	return nil
}

var (
	// current is the language UseLanguage set ("" before: English).
	current string
	// loadOnce loads the OS locale's language when a text is needed before
	// UseLanguage was called (tests, and tools that build screens).
	loadOnce sync.Once
)

// CurrentLanguage is the language the console draws in.
func CurrentLanguage() string {
	if current == "" {
		return i18n.Languages[0].Tag
	}
	return current
}

// forceLocaleEnv names tag in LANGUAGE, and in the locale variable that wins
// when that one says C or POSIX (go-locale then ignores LANGUAGE).
func forceLocaleEnv(tag string, getenv func(string) string, setenv func(string, string) error) {
	_ = setenv("LANGUAGE", tag)
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(k)
		if v == "" {
			continue
		}
		base, _, _ := strings.Cut(v, ".")
		if base == "C" || base == "POSIX" {
			_ = setenv(k, strings.ReplaceAll(tag, "-", "_"))
		}
		return
	}
}

// tr is the catalogue's text for key in the console's language, with
// template data as name, value pairs.
func tr(key string, pairs ...any) string { return trText(i18n.T(key, pairs...)) }

// trN is the plural message key for n.
func trN(key string, n int, pairs ...any) string { return trText(i18n.N(key, n, pairs...)) }

// trText renders a message app made.
func trText(t i18n.Text) string {
	if t.IsZero() {
		return ""
	}
	loadOnce.Do(func() {
		if err := useLanguage(i18n.FromEnv(os.Getenv)); err != nil {
			fyne.LogError("console catalogues", err)
		}
	})
	data := t.Data(trText)
	// the fallback (Fyne logs "Translation failure" when it is used) is the
	// English text rather than the key
	if t.Plural {
		return lang.XN(t.Key, i18n.EnglishTemplate(t), t.Count, data)
	}
	if data == nil {
		return lang.X(t.Key, i18n.EnglishTemplate(t))
	}
	return lang.X(t.Key, i18n.EnglishTemplate(t), data)
}
