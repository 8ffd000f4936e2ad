package adminweb

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/i18n"
)

// The pages speak the language chosen in the selector at the top (a cookie,
// a year long), else the browser's (Accept-Language), else English. The
// words come from the same catalogues as the console's; the API's problem
// details stay English and are shown only where the catalogue has no words
// for the problem's code.

const langCookie = "admin_lang"

// language is the request's language: the cookie's, else Accept-Language's.
func (h *Handler) language(r *http.Request) string {
	var chosen string
	if c, err := r.Cookie(langCookie); err == nil {
		chosen = c.Value
	}
	return i18n.Match(chosen, r.Header.Get("Accept-Language"))
}

// T is the catalogue's text for key in the request's language.
func (q *req) T(key string, pairs ...any) string { return q.words().T(key, pairs...) }

// words renders in the request's language and logs a text its catalogue
// lacks (the page then shows the English one).
func (q *req) words() words {
	return words{loc: q.loc, missing: func(err error) { q.h.log.Warn("missing translation", "err", err) }}
}

// words is a language's renderer that reports a missing text.
type words struct {
	loc     *i18n.Localizer
	missing func(error)
}

// Text renders t.
func (w words) Text(t i18n.Text) string {
	s, err := w.loc.Render(t)
	if err != nil && w.missing != nil {
		w.missing(err)
	}
	return s
}

// T renders the message key with template data as name, value pairs.
func (w words) T(key string, pairs ...any) string { return w.Text(i18n.T(key, pairs...)) }

// N renders the plural message key for n.
func (w words) N(key string, n int, pairs ...any) string { return w.Text(i18n.N(key, n, pairs...)) }

// escapedValue is v ready to go into a text with markup of its own: numbers
// stay numbers (plural forms and number formats need them), a nested text is
// rendered first, and anything else is escaped as the string it prints as,
// whatever its type (a named string type, a template.HTML, a Stringer).
func escapedValue(loc words, v any) any {
	switch v := v.(type) {
	case int, int64, uint, uint64, float64:
		return v
	case i18n.Text:
		return template.HTMLEscapeString(loc.Text(v))
	default:
		return template.HTMLEscapeString(fmt.Sprint(v))
	}
}

// chooseLanguage remembers the selector's language in a cookie ("": the
// browser's again) and goes back to the page the selector was on.
func (h *Handler) chooseLanguage(q *req) error {
	tag := q.r.PostForm.Get("lang")
	c := &http.Cookie{Name: langCookie, Path: Root, HttpOnly: true, Secure: h.secure(q.r), SameSite: http.SameSiteLaxMode}
	switch {
	case tag == "":
		c.MaxAge = -1
	case i18n.Match(tag) == tag:
		c.Value, c.MaxAge = tag, int((365 * 24 * time.Hour).Seconds())
	default:
		return &api.Problem{Status: http.StatusBadRequest, Code: api.CodeValidation, Detail: q.T("admin.language.unknown")}
	}
	http.SetCookie(q.w, c)
	return q.redirect(backTo(q.r.PostForm.Get("back")))
}

// backTo is a page of the Admin Center to return to: back when it is one
// (a path under Root, nothing else), else the start page.
func backTo(back string) string {
	if strings.HasPrefix(back, Root+"/") && !strings.HasPrefix(back, "//") && !strings.ContainsAny(back, "\\\r\n") && !strings.Contains(back, "//") {
		return back
	}
	return Root + "/"
}

// localFuncs are the templates' functions that speak the request's language.
func localFuncs(loc words) template.FuncMap {
	layout := loc.T("format.datetime")
	return template.FuncMap{
		"t":  loc.T,
		"tn": loc.N,
		// th is t for a text with markup of its own (<strong>): the
		// catalogue's markup is kept, the values are escaped.
		"th": func(key string, pairs ...any) template.HTML {
			for i := 1; i < len(pairs); i += 2 {
				pairs[i] = escapedValue(loc, pairs[i])
			}
			return template.HTML(loc.T(key, pairs...)) //nolint:gosec // the catalogue's own markup; values escaped above
		},
		"methodLabel": func(m api.Method) string { return loc.Text(i18n.Method(m)) },
		// factorLabel names a factor by method and masked destination
		"factorLabel": func(m api.Method, sentTo string) string { return loc.Text(i18n.Factor(m, sentTo)) },
		"roleLabel":   func(r api.Role) string { return loc.Text(i18n.Role(r)) },
		"roles": func(rs []api.Role) string {
			out := make([]string, 0, len(rs))
			for _, r := range rs {
				out = append(out, loc.Text(i18n.Role(r)))
			}
			return strings.Join(out, ", ")
		},
		"when": func(t *time.Time) string {
			if t == nil || t.IsZero() {
				return loc.T("admin.never")
			}
			return t.UTC().Format(layout)
		},
		"at":          func(t time.Time) string { return t.UTC().Format(layout) },
		"statusLabel": func(s api.FactorStatus) string { return loc.Text(factorStatus(s)) },
		// missing lists what a setup still lacks (a setup_incomplete problem)
		"missing": func(codes []string) string {
			out := make([]string, 0, len(codes))
			for _, c := range codes {
				switch c {
				case api.MissingAuthenticatorApp:
					out = append(out, loc.T("admin.missing.app"))
				case api.MissingBackup:
					out = append(out, loc.T("admin.missing.backup"))
				default:
					out = append(out, c)
				}
			}
			return strings.Join(out, ", ")
		},
		"twoStepLabel": func(s api.TwoStepState) string { return loc.Text(twoStepState(s)) },
	}
}

func factorStatus(s api.FactorStatus) i18n.Text {
	switch s {
	case api.FactorActive:
		return i18n.T("admin.factor.active")
	case api.FactorPending:
		return i18n.T("admin.factor.pending")
	case api.FactorReset:
		return i18n.T("admin.factor.reset")
	}
	return i18n.T("admin.factor.other", "Status", string(s))
}

func twoStepState(s api.TwoStepState) i18n.Text {
	switch s {
	case api.TwoStepActivated:
		return i18n.T("admin.two_step.activated")
	case api.TwoStepReset:
		return i18n.T("admin.factor.reset")
	}
	return i18n.T("admin.two_step.not_activated") // never, even if some factors were confirmed before stopping
}

// problemWords are the catalogue's words for the API's problem codes the
// pages show; any other problem shows its detail (the pages' own problems
// carry a detail in the page's language, the API's are English).
var problemWords = map[string]string{
	api.CodeInvalidCredentials: "alert.invalid_credentials",
	api.CodeInvalidCode:        "alert.invalid_code.no_count",
	api.CodeCodeAlreadyUsed:    "alert.code_already_used.no_count",
	api.CodeChallengeExpired:   "alert.challenge_expired",
	api.CodeChallengeClosed:    "alert.challenge_expired",
	api.CodeChallengeFailed:    "alert.challenge_failed",
	api.CodeWeakPassword:       "alert.weak_password",
	api.CodeMethodNotEnrolled:  "alert.method_not_enrolled",
	api.CodeTooManyAttempts:    "admin.problem.too_many_attempts",
	api.CodeBusy:               "admin.problem.busy",
	api.CodeResendTooSoon:      "admin.problem.resend_too_soon",
	api.CodeTooManyPushes:      "admin.problem.too_many_pushes",
	api.CodeSetupIncomplete:    "admin.problem.setup_incomplete",
}

// The English details of the problems the pages make where no request's
// language is at hand (the API call), and their words.
const (
	unexpectedAnswer = "The server's answer was not the expected one, so nothing is reported as done."
	notAnID          = "That is not an identifier of this organisation."
)

var localDetails = map[string]string{
	unexpectedAnswer: "admin.problem.unexpected_answer",
	notAnID:          "admin.problem.bad_id",
}

// problemText is what the problem box says of p in the request's language.
func (q *req) problemText(p *api.Problem) string {
	if key, ok := localDetails[p.Detail]; ok {
		return q.T(key)
	}
	if p.Title == "" {
		return p.Detail // the pages' own problem (the API's have a title): already in the page's language
	}
	if key, ok := problemWords[p.Code]; ok {
		return q.T(key)
	}
	if p.Detail != "" {
		return p.Detail
	}
	return p.Title
}
