package i18n

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

// catalogue is one language's file: key → template, or plural form →
// template.
type catalogue map[string]map[string]string

func readCatalogue(t *testing.T, tag string) catalogue {
	t.Helper()
	data, err := FS.ReadFile(Dir + "/" + tag + ".json")
	if err != nil {
		t.Fatalf("catalogue %s: %v", tag, err)
	}
	return parseCatalogue(t, tag, data)
}

func parseCatalogue(t *testing.T, tag string, data []byte) catalogue {
	t.Helper()
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("catalogue %s: %v", tag, err)
	}
	out := catalogue{}
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			out[k] = map[string]string{"other": v}
		case map[string]any:
			forms := map[string]string{}
			for f, s := range v {
				str, ok := s.(string)
				if !ok {
					t.Errorf("%s: %s.%s is not a string", tag, k, f)
				}
				forms[f] = str
			}
			out[k] = forms
		default:
			t.Errorf("%s: %s is neither a string nor plural forms", tag, k)
		}
	}
	return out
}

func (c catalogue) keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// placeholders is every {{.Name}} of a message, all forms together.
func placeholders(forms map[string]string) []string {
	var names []string
	for _, s := range forms {
		for _, p := range Placeholders(s) {
			if !slices.Contains(names, p) {
				names = append(names, p)
			}
		}
	}
	sort.Strings(names)
	return names
}

func TestEveryKeyInEveryLanguage(t *testing.T) {
	en := readCatalogue(t, "en")
	if len(en) == 0 {
		t.Fatal("the English catalogue is empty")
	}
	for _, l := range Languages[1:] {
		c := readCatalogue(t, l.Tag)
		for _, k := range en.keys() {
			if _, ok := c[k]; !ok {
				t.Errorf("%s lacks %s", l.Tag, k)
			}
		}
		for _, k := range c.keys() {
			if _, ok := en[k]; !ok {
				t.Errorf("%s has %s, which English does not", l.Tag, k)
			}
		}
	}
}

func TestTranslationsKeepPlaceholders(t *testing.T) {
	en := readCatalogue(t, "en")
	for _, l := range Languages[1:] {
		c := readCatalogue(t, l.Tag)
		for k, forms := range c {
			want, got := placeholders(en[k]), placeholders(forms)
			if !slices.Equal(want, got) {
				t.Errorf("%s %s: placeholders %v, English has %v", l.Tag, k, got, want)
			}
			if _, plural := en[k]["one"]; plural != (len(forms) > 1) {
				t.Errorf("%s %s: plural forms %v do not match English's", l.Tag, k, formNames(forms))
			}
		}
	}
}

func formNames(forms map[string]string) []string {
	names := make([]string, 0, len(forms))
	for f := range forms {
		names = append(names, f)
	}
	sort.Strings(names)
	return names
}

// TestPluralsRenderEveryCount renders every plural message for the counts
// the product shows (attempts, seconds, minutes) in every language: a form
// the language needs and the catalogue lacks is an error.
func TestPluralsRenderEveryCount(t *testing.T) {
	b, err := NewBundle()
	if err != nil {
		t.Fatal(err)
	}
	en := readCatalogue(t, "en")
	for _, l := range append(Languages, Language{Tag: PseudoTag}) {
		loc := b.Localizer(l.Tag)
		for k, forms := range en {
			if len(forms) == 1 {
				continue
			}
			for n := 0; n <= 130; n++ {
				s, err := loc.Render(N(k, n))
				if err != nil {
					t.Fatalf("%s %s for %d: %v", l.Tag, k, n, err)
				}
				if n != 1 && !strings.Contains(s, itoa(n)) {
					t.Errorf("%s %s for %d: %q does not say %d", l.Tag, k, n, s, n)
				}
			}
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestCataloguesAreSorted keeps the files in one canonical form (keys
// sorted, two-space indent) so that a diff shows only what changed.
func TestCataloguesAreSorted(t *testing.T) {
	for _, l := range Languages {
		data, err := FS.ReadFile(Dir + "/" + l.Tag + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), data) {
			t.Errorf("%s.json is not in canonical form (sorted keys, two-space indent)", l.Tag)
		}
	}
}

func TestPseudoLanguageIsLongerAndKeepsPlaceholders(t *testing.T) {
	en := readCatalogue(t, "en")
	data, err := Pseudo()
	if err != nil {
		t.Fatal(err)
	}
	pseudo := parseCatalogue(t, PseudoTag, data)
	for k, forms := range en {
		for f, s := range forms {
			p := pseudo[k][f]
			if strings.HasPrefix(k, "format.") {
				if p != s {
					t.Errorf("%s: the layout %q became %q", k, s, p)
				}
				continue
			}
			if !slices.Equal(Placeholders(s), Placeholders(p)) {
				t.Errorf("%s: pseudo %q lost placeholders of %q", k, p, s)
			}
			if got, want := utf8.RuneCountInString(p), utf8.RuneCountInString(s)*14/10; got < want {
				t.Errorf("%s: pseudo %q has %d letters, want at least %d", k, p, got, want)
			}
		}
	}
}

var (
	// keyLiteral is a string literal that looks like a catalogue key.
	keyLiteral = regexp.MustCompile(`"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"`)
	// keyCall is a key literal handed to a function that renders it (the
	// console's tr, i18n.T and N, the templates' t and tn).
	keyCall = regexp.MustCompile(`\b(?:tr|trN|T|N|t|tn)\(?\s*"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"`)
)

// TestEveryKeyIsUsedAndEveryUsedKeyExists reads the Go sources (not the
// tests) and the Admin Center's templates of the module: every key of the
// catalogue must appear there as a literal, and every literal handed to a
// rendering function must be a key.
func TestEveryKeyIsUsedAndEveryUsedKeyExists(t *testing.T) {
	en := readCatalogue(t, "en")
	used := map[string]bool{}
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "build", "node_modules", "testdata", "vendor":
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if strings.HasSuffix(name, "_test.go") || !(strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".html")) {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range keyLiteral.FindAllSubmatch(src, -1) {
			used[string(m[1])] = true
		}
		for _, m := range keyCall.FindAllSubmatch(src, -1) {
			if key := string(m[1]); en[key] == nil {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s renders %s, which the catalogue lacks", rel, key)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range en.keys() {
		if !used[k] {
			t.Errorf("%s is in the catalogue but no source or template uses it", k)
		}
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		prefs []string
		want  string
	}{
		{[]string{"fr_FR.UTF-8"}, "fr"},
		{[]string{"de-CH"}, "de"},
		{[]string{"pt-BR"}, "pt"},
		{[]string{"nl_BE.UTF-8@euro"}, "nl"},
		{[]string{"C.UTF-8"}, "en"},
		{[]string{"ja_JP.UTF-8"}, "en"},
		{[]string{"ja;q=0.9, it;q=0.8, en;q=0.1"}, "it"},
		{[]string{"", "es-MX"}, "es"},
		{[]string{"de", "fr"}, "de"},
		{[]string{"sv:fr"}, "fr"},
		{[]string{"en-XA"}, PseudoTag},
		{[]string{"fr", "en-XA"}, "fr"},
		{nil, "en"},
	} {
		if got := Match(tc.prefs...); got != tc.want {
			t.Errorf("Match(%q) = %q, want %q", tc.prefs, got, tc.want)
		}
	}
}

func TestFromEnv(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANG": "de_DE.UTF-8"}, "de"},
		{map[string]string{"LANG": "de_DE.UTF-8", "LANGUAGE": "nl:de"}, "nl"},
		{map[string]string{"LC_ALL": "it_IT.UTF-8", "LANG": "de_DE.UTF-8"}, "it"},
		{map[string]string{"LC_ALL": "C", "LANGUAGE": "fr"}, "en"},
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "es"}, "en"},
		{map[string]string{}, "en"},
	} {
		if got := FromEnv(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.env, got, tc.want)
		}
	}
}

func TestNestedTextsRenderInTheSameLanguage(t *testing.T) {
	b := MustBundle()
	got := b.Localizer("de").Text(T("signedin.primary", "Method", T("method.sms")))
	if got != "SMS (Hauptmethode)" {
		t.Errorf("got %q", got)
	}
	if _, err := b.Localizer("fr").Render(T("no.such.key")); err == nil {
		t.Error("a missing key rendered without an error")
	}
}
