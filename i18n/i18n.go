// Package i18n holds the console's and the Admin Center's words: one
// go-i18n v2 JSON catalogue per language (flat dotted keys, sorted), embedded,
// and what both sides need to pick a language and render a message. It
// imports no Fyne: the console hands FS to Fyne's lang package, the server
// reads it through go-i18n directly.
package i18n

import (
	"embed"
	"strings"

	"golang.org/x/text/language"
)

// FS holds the catalogues, Dir/<tag>.json, and Dir/fyne.<tag>.json: the
// words of Fyne's own dialogs in the languages Fyne does not ship (Italian,
// Dutch), which only the console loads.
//
//go:embed catalogue/*.json
var FS embed.FS

// Dir is FS's folder of catalogues (fyne's lang.AddTranslationsFS takes it).
const Dir = "catalogue"

// Language is one language the product speaks, named in itself.
type Language struct {
	Tag  string
	Name string
}

// Languages are the product's languages, English (the fallback) first.
var Languages = []Language{
	{"en", "English"},
	{"fr", "Français"},
	{"it", "Italiano"},
	{"de", "Deutsch"},
	{"es", "Español"},
	{"pt", "Português"},
	{"nl", "Nederlands"},
}

// PseudoTag is the pseudo-language (English, every string about 40 % longer
// and accented) that shows where a layout clips longer translations. It is
// offered only when asked for by name (--lang en-XA, LANGUAGE=en_XA).
const PseudoTag = "en-XA"

// Text is a message to show: a catalogue key, the template data its
// placeholders name and, for a plural message, the count that picks the form
// ({{.Count}} in the template). The zero Text is no message.
type Text struct {
	Key    string
	Args   map[string]any
	Plural bool
	Count  int
}

// T is the message key with its template data given as name, value pairs.
func T(key string, pairs ...any) Text {
	return Text{Key: key, Args: args(pairs)}
}

// N is the plural message key for count n (its template sees it as Count),
// with more template data as name, value pairs.
func N(key string, n int, pairs ...any) Text {
	t := Text{Key: key, Args: args(pairs), Plural: true, Count: n}
	if t.Args == nil {
		t.Args = map[string]any{}
	}
	t.Args["Count"] = n
	return t
}

// IsZero reports whether t is no message.
func (t Text) IsZero() bool { return t.Key == "" }

func args(pairs []any) map[string]any {
	if len(pairs) == 0 {
		return nil
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		name, _ := pairs[i].(string)
		m[name] = pairs[i+1]
	}
	return m
}

// Supported is every tag a catalogue exists for, the pseudo-language last.
func Supported() []language.Tag {
	tags := make([]language.Tag, 0, len(Languages)+1)
	for _, l := range Languages {
		tags = append(tags, language.MustParse(l.Tag))
	}
	return append(tags, language.MustParse(PseudoTag))
}

// Match is the product's language closest to the preferences given, in
// order (a remembered choice, then Accept-Language or the OS locale's
// names: "fr-CH", "de_DE.UTF-8", "fr;q=0.8, en"); English when none is close.
// The pseudo-language is only chosen by its exact name.
func Match(prefs ...string) string {
	var tags []language.Tag
	for _, p := range prefs {
		for _, one := range strings.Split(p, ":") {
			one = posixToBCP47(one)
			if one == "" {
				continue
			}
			if strings.EqualFold(one, PseudoTag) {
				if len(tags) == 0 {
					return PseudoTag
				}
				continue
			}
			parsed, _, err := language.ParseAcceptLanguage(one)
			if err == nil {
				tags = append(tags, parsed...)
			}
		}
	}
	supported := Supported()
	matcher := language.NewMatcher(supported[:len(Languages)])
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return Languages[0].Tag
	}
	return Languages[i].Tag
}

// posixToBCP47 turns "de_DE.UTF-8@euro" into "de-DE"; C and POSIX name no
// language.
func posixToBCP47(s string) string {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, ";,") {
		return s // an Accept-Language header
	}
	s, _, _ = strings.Cut(s, ".")
	s, _, _ = strings.Cut(s, "@")
	if s == "C" || s == "POSIX" {
		return ""
	}
	return strings.ReplaceAll(s, "_", "-")
}

// Name is the language's own name ("Deutsch"), the tag itself when unknown.
func Name(tag string) string {
	for _, l := range Languages {
		if l.Tag == tag {
			return l.Name
		}
	}
	if tag == PseudoTag {
		return "Pseudo (" + PseudoTag + ")"
	}
	return tag
}

// Data is t's template data with every Text in it (a method's name in a
// sentence) rendered first by render, in the same language.
func (t Text) Data(render func(Text) string) map[string]any {
	if t.Args == nil {
		return nil
	}
	out := make(map[string]any, len(t.Args))
	for k, v := range t.Args {
		if inner, ok := v.(Text); ok {
			v = render(inner)
		}
		out[k] = v
	}
	return out
}

// FromEnv is the product's language for the OS locale, read the way gettext
// does: LANGUAGE (a colon-separated list) unless the locale is C or POSIX,
// then LC_ALL, LC_MESSAGES and LANG.
func FromEnv(getenv func(string) string) string {
	var locale string
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if locale = getenv(k); locale != "" {
			break
		}
	}
	if base, _, _ := strings.Cut(locale, "."); base == "C" || base == "POSIX" {
		return Languages[0].Tag
	}
	return Match(getenv("LANGUAGE"), locale)
}
