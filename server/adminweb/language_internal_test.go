package adminweb

import (
	"html/template"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/i18n"
)

// TestMarkupTextsEscapeEveryValue: a text with markup of its own keeps that
// markup, and every value put into it is escaped, whatever its type (a
// named string type such as api.Method is not a string to a type switch).
func TestMarkupTextsEscapeEveryValue(t *testing.T) {
	th := localFuncs(words{loc: i18n.MustBundle().Localizer("en")})["th"].(func(string, ...any) template.HTML)
	const evil = `<script>alert(1)</script>`
	for name, value := range map[string]any{"string": evil, "named string": api.Method(evil), "stringer": template.HTML(evil), "nested text": i18n.Factor(api.MethodSMS, evil)} {
		got := string(th("admin.member.own_username", "Username", value))
		if strings.Contains(got, "<script>") || !strings.Contains(got, "&lt;script&gt;") {
			t.Errorf("%s: %s", name, got)
		}
	}
	if got := string(th("admin.confirm.text", "From", "a", "To", "b")); !strings.Contains(got, "<strong>") {
		t.Errorf("the catalogue's own markup was escaped: %s", got)
	}
}
