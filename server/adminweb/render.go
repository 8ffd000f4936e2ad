package adminweb

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"time"

	"github.com/remotesupport/techconsole/api"
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
}

var funcs = template.FuncMap{
	"methodLabel": func(m api.Method) string { return m.Label() },
	"roleLabel":   func(r api.Role) string { return r.Label() },
	"roles": func(rs []api.Role) string {
		out := make([]string, 0, len(rs))
		for _, r := range rs {
			out = append(out, r.Label())
		}
		return strings.Join(out, ", ")
	},
	"when": func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return "never"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"at": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
	"statusLabel": func(s api.FactorStatus) string {
		switch s {
		case api.FactorActive:
			return "active"
		case api.FactorPending:
			return "pending"
		case api.FactorReset:
			return "reset: must set up again"
		}
		return string(s)
	},
	"twoStepLabel": func(s api.TwoStepState) string {
		switch s {
		case api.TwoStepActivated:
			return "activated"
		case api.TwoStepReset:
			return "reset: must set up again"
		}
		return "not activated" // never, even if some factors were confirmed before stopping
	},
	"weak": func(m api.Method) bool { return m == api.MethodSMS || m == api.MethodEmail },
}

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
	v.CSRF = q.h.keys.csrfToken(q.s)
	if v.Flash == "" {
		v.Flash = q.takeFlash()
	}
	var buf bytes.Buffer
	if err := pt.t.Execute(&buf, v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	if err := q.commit(); err != nil {
		return err
	}
	q.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	q.w.WriteHeader(status)
	_, err := q.w.Write(buf.Bytes())
	return err
}
