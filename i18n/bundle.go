package i18n

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Bundle is every catalogue parsed, for rendering outside Fyne (the Admin
// Center, tests, app's English texts in logs).
type Bundle struct{ b *goi18n.Bundle }

// NewBundle parses the embedded catalogues and the pseudo-language.
func NewBundle() (*Bundle, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	files, err := fs.Glob(FS, Dir+"/??.json")
	if err != nil {
		return nil, fmt.Errorf("catalogues: %w", err)
	}
	for _, f := range files {
		data, err := FS.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", path.Base(f), err)
		}
		if _, err := b.ParseMessageFileBytes(data, path.Base(f)); err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", path.Base(f), err)
		}
	}
	pseudo, err := Pseudo()
	if err != nil {
		return nil, err
	}
	if _, err := b.ParseMessageFileBytes(pseudo, PseudoTag+".json"); err != nil {
		return nil, fmt.Errorf("catalogue %s: %w", PseudoTag, err)
	}
	return &Bundle{b: b}, nil
}

// MustBundle is NewBundle for package-level use: the catalogues are
// embedded, so a parse error is a build mistake the tests catch.
func MustBundle() *Bundle {
	b, err := NewBundle()
	if err != nil {
		panic(err)
	}
	return b
}

// Localizer renders messages in one language.
type Localizer struct {
	tag string
	l   *goi18n.Localizer
}

// Localizer is the renderer of the language tag (one of Supported).
func (b *Bundle) Localizer(tag string) *Localizer {
	return &Localizer{tag: tag, l: goi18n.NewLocalizer(b.b, tag)}
}

// Tag is the localizer's language.
func (l *Localizer) Tag() string { return l.tag }

// ErrMissing wraps a render error: the key is not in the language's catalogue.
var ErrMissing = errors.New("missing translation")

// Render is t in the localizer's language, with the error when the key is
// missing in it (the text is then the English one, or the key).
func (l *Localizer) Render(t Text) (string, error) {
	if t.IsZero() {
		return "", nil
	}
	cfg := &goi18n.LocalizeConfig{MessageID: t.Key, TemplateData: t.Data(l.Text)}
	if t.Plural {
		cfg.PluralCount = t.Count
	}
	s, err := l.l.Localize(cfg)
	var nf *goi18n.MessageNotFoundErr
	if errors.As(err, &nf) {
		err = fmt.Errorf("%w: %s in %s", ErrMissing, t.Key, l.tag)
	}
	if s == "" && err != nil {
		s = t.Key
	}
	return s, err
}

// Text is t in the localizer's language (see Render; errors dropped).
func (l *Localizer) Text(t Text) string {
	s, _ := l.Render(t)
	return s
}

// T is the message key in the localizer's language, with template data as
// name, value pairs.
func (l *Localizer) T(key string, pairs ...any) string { return l.Text(T(key, pairs...)) }

// N is the plural message key for n in the localizer's language.
func (l *Localizer) N(key string, n int, pairs ...any) string { return l.Text(N(key, n, pairs...)) }

// english is parsed when first needed, not at start-up.
var english = sync.OnceValue(func() *Localizer { return MustBundle().Localizer("en") })

// English is t in English (logs, tests, and the text of an error value).
func English(t Text) string { return english().Text(t) }

// Placeholders are the {{.Name}} names in s, for the catalogue's checks.
func Placeholders(s string) []string {
	var names []string
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			return names
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return names
		}
		names = append(names, strings.TrimSpace(s[i+2:i+j]))
		s = s[i+j+2:]
	}
}

var englishTemplates = sync.OnceValue(func() map[string]string {
	data, err := FS.ReadFile(Dir + "/en.json")
	if err != nil {
		panic(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		panic(err)
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			out[k] = v
		case map[string]any:
			out[k], _ = v["other"].(string)
		}
	}
	return out
})

// EnglishTemplate is the English template of t's key (the "other" form of
// a plural), the key itself when English has none: what a renderer falls
// back to.
func EnglishTemplate(t Text) string {
	if s, ok := englishTemplates()[t.Key]; ok {
		return s
	}
	return t.Key
}
