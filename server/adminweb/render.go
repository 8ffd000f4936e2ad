package adminweb

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/i18n"
)

// pageTemplate is one page: the shared layout plus the page's own blocks.
type pageTemplate struct{ t *template.Template }

// view is what every template receives.
type view struct {
	Title   string
	Nav     string // the active navigation entry
	User    *api.User
	Master  bool
	CSRF    string
	Dev     bool
	Flash   string
	Problem *api.Problem // an error to show above the page's content
	D       any          // the page's own data

	Lang      string          // the page's language (html lang, the selector)
	Languages []i18n.Language // the selector's choices
	Here      string          // this page's address, for the selector to come back to
}

// funcs are the templates' functions at parse time; each page is drawn
// with the request's language's (localFuncs).
var funcs = func() template.FuncMap {
	f := localFuncs(words{loc: i18n.MustBundle().Localizer("en")})
	f["weak"] = func(m api.Method) bool { return m == api.MethodSMS || m == api.MethodEmail }
	f["problemText"] = func(*api.Problem) string { return "" }
	return f
}()

// mustParsePages parses every page in templates/ with the layout.
func mustParsePages() map[string]*pageTemplate {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*pageTemplate{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n))
		pages[base] = &pageTemplate{t: t}
	}
	return pages
}

// render writes page name with data d. A *api.Problem as d on the
// "problem" page is shown as the error.
func (q *req) render(status int, name, title string, d any) error {
	return q.renderView(status, name, view{Title: title, D: d})
}

func (q *req) renderView(status int, name string, v view) error {
	pt, ok := q.h.pages[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	if p, ok := v.D.(*api.Problem); ok && name == "problem" {
		v.Problem = p
	}
	v.User, v.Master, v.Dev = q.user, q.isMaster(), q.h.dev
	v.Lang, v.Languages = q.loc.Tag(), i18n.Languages
	if q.r.Method == http.MethodGet {
		v.Here = q.r.URL.RequestURI() // a page drawn for a form has no address to come back to: the start page
	}
	v.CSRF = q.h.keys.csrfToken(q.s)
	if v.Flash == "" {
		v.Flash = q.takeFlash()
	}
	t, err := pt.t.Clone()
	if err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	local := localFuncs(q.words())
	local["problemText"] = q.problemText
	var buf bytes.Buffer
	if err := t.Funcs(local).Execute(&buf, v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	if err := q.commit(); err != nil {
		return err
	}
	q.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	q.w.WriteHeader(status)
	_, err = q.w.Write(buf.Bytes())
	return err
}
