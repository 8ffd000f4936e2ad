// Package adminweb is the Admin Center of the reference server as web pages:
// sign-in with password and two-step verification, Global Settings > Two-step
// verification, technician groups, the organisation's members, the audit log
// and (in dev mode) the outbox. The pages are server-rendered html/template
// with embedded assets, and they drive the server only through its REST API
// handler (docs/DESIGN.md section 5), in process, so they obey exactly the rules the
// API enforces. The package does not import the server.
package adminweb

import (
	"embed"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/remotesupport/techconsole/i18n"
)

// Root is where the pages are mounted.
const Root = "/admin"

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config says what the pages talk to.
type Config struct {
	API    http.Handler // the REST API (paths under api.Prefix)
	Key    []byte       // at least 32 secret bytes, stable across restarts: seals the session cookie
	Dev    bool         // the server keeps an outbox (GET /dev/outbox)
	Logger *slog.Logger
	Now    func() time.Time
	// Secure says whether the browser reached the page over HTTPS (the
	// cookie is then Secure); nil = the request came over TLS itself.
	Secure func(*http.Request) bool
}

// Handler serves the pages under Root.
type Handler struct {
	api   http.Handler
	keys  keys
	dev   bool
	log   *slog.Logger
	now   func() time.Time
	pages map[string]*pageTemplate
	mux   *http.ServeMux
	words *i18n.Bundle // the catalogues

	secure func(*http.Request) bool // Config.Secure
}

// New builds the pages. It panics on a short key or broken templates, which
// are programming errors.
func New(cfg Config) *Handler {
	if cfg.API == nil {
		panic("adminweb: Config.API is required")
	}
	k, err := deriveKeys(cfg.Key)
	if err != nil {
		panic(err)
	}
	h := &Handler{api: cfg.API, keys: k, dev: cfg.Dev, log: cfg.Logger, now: cfg.Now}
	if h.log == nil {
		h.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.secure = cfg.Secure; h.secure == nil {
		h.secure = func(r *http.Request) bool { return r.TLS != nil }
	}
	h.pages = mustParsePages()
	h.words = i18n.MustBundle()
	h.mux = h.routes()
	return h
}

func (h *Handler) routes() *http.ServeMux {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET "+Root+"/static/", http.StripPrefix(Root+"/static/", http.FileServerFS(static)))
	mux.Handle("GET "+Root, http.RedirectHandler(Root+"/", http.StatusSeeOther))

	public := func(pattern string, fn pageFunc) { mux.Handle(pattern, h.page(fn, false)) }
	member := func(pattern string, fn pageFunc) { mux.Handle(pattern, h.page(fn, true)) }

	mux.Handle("GET "+Root+"/{$}", h.page(h.home, false))
	public("GET "+Root+"/login", h.loginForm)
	public("POST "+Root+"/login", h.loginSubmit)
	h.signInStep().routes(public)
	public("GET "+Root+"/login/setup", h.setupPage)
	public("POST "+Root+"/login/setup/app", h.setupApp)
	public("POST "+Root+"/login/setup/app/confirm", h.setupAppConfirm)
	public("POST "+Root+"/login/setup/backup", h.setupBackup)
	public("POST "+Root+"/login/setup/confirm", h.setupConfirm)
	public("POST "+Root+"/login/setup/resend", h.setupResend)
	public("POST "+Root+"/login/setup/activate", h.setupActivate)
	public("POST "+Root+"/login/setup/verify/send", h.setupVerifySend)
	public("POST "+Root+"/login/setup/verify", h.setupVerify)
	public("POST "+Root+"/logout", h.logout)
	public("POST "+Root+"/language", h.chooseLanguage)

	member("GET "+Root+"/settings", h.settingsPage)
	member("POST "+Root+"/settings", h.settingsSubmit)
	member("GET "+Root+"/groups", h.groupsPage)
	member("POST "+Root+"/groups", h.groupCreate)
	member("POST "+Root+"/groups/{id}", h.groupUpdate)
	member("GET "+Root+"/members", h.membersPage)
	member("GET "+Root+"/members/new", h.memberNew)
	member("POST "+Root+"/members/new", h.memberCreate)
	member("GET "+Root+"/members/{id}", h.memberEdit)
	member("POST "+Root+"/members/{id}", h.memberUpdate)
	member("POST "+Root+"/members/reset", h.resetSubmit)
	member("GET "+Root+"/audit", h.auditPage)
	member("GET "+Root+"/password", h.passwordPage)
	member("POST "+Root+"/password", h.passwordSubmit)
	h.passwordStep().routes(member)
	if h.dev {
		public("GET "+Root+"/outbox", h.outboxPage)
	}
	mux.Handle(Root+"/", h.page(h.notFound, false))
	return mux
}

// ServeHTTP answers every page with the security headers the pages need.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.log.Error("panic in admin page", "method", r.Method, "path", r.URL.Path, "panic", v)
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}()
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cache-Control", "no-store")
	h.mux.ServeHTTP(w, r)
}

// errSignedOut means the API no longer honours the session's tokens.
var errSignedOut = errors.New("the session has ended")
