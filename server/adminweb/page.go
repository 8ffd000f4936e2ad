package adminweb

import (
	"errors"
	"net/http"
	"slices"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/i18n"
)

// maxForm is the largest form body a page accepts.
const maxForm = 64 << 10

// req is one page request: the browser's request, its session and, on pages
// for members, who is signed in (fresh from GET /me).
type req struct {
	h     *Handler
	w     http.ResponseWriter
	r     *http.Request
	s     *session
	user  *api.User
	dirty bool            // the session changed and must be written back
	loc   *i18n.Localizer // the request's language
}

type pageFunc func(q *req) error

// page wraps a page: session, CSRF check on every POST, and for member pages
// a signed-in administrator.
func (h *Handler) page(fn pageFunc, needUser bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, fresh := h.loadSession(r)
		q := &req{h: h, w: w, r: r, s: s, dirty: fresh, loc: h.words.Localizer(h.language(r))}
		if err := q.run(fn, needUser); err != nil {
			q.fail(err)
		}
	})
}

func (q *req) run(fn pageFunc, needUser bool) error {
	if q.r.Method == http.MethodPost {
		q.r.Body = http.MaxBytesReader(q.w, q.r.Body, maxForm)
		if err := q.r.ParseForm(); err != nil {
			return &api.Problem{Status: http.StatusBadRequest, Code: api.CodeBadRequest, Detail: q.T("admin.problem.bad_form")}
		}
		if !q.h.keys.csrfOK(q.s, q.r.PostForm.Get("csrf")) {
			return q.render(http.StatusForbidden, "csrf", q.T("admin.title.form_refused"), nil)
		}
	}
	if needUser {
		if !q.s.signedIn() {
			return q.redirect(Root + "/login")
		}
		var u api.User
		if err := q.apiAuthed(apiCall{method: http.MethodGet, path: api.PathMe, out: &u}); err != nil {
			return err
		}
		q.user = &u
		if !q.isAdmin() {
			return q.forbidden(q.T("admin.problem.not_admin"))
		}
	}
	return fn(q)
}

// fail answers an error a page returned: the API's problems as their own
// status with their detail, a session the API ended by a new sign-in.
func (q *req) fail(err error) {
	if errors.Is(err, errSignedOut) {
		q.s.Access, q.s.Refresh, q.s.Login, q.s.Password = "", "", nil, nil
		q.s.Flash = q.T("alert.session_ended")
		q.dirty = true
		q.redirect(Root + "/login")
		return
	}
	if p, ok := asProblem(err); ok {
		q.render(p.Status, "problem", q.problemTitle(p), p)
		return
	}
	q.h.log.Error("admin page failed", "method", q.r.Method, "path", q.r.URL.Path, "err", err)
	q.render(http.StatusInternalServerError, "problem", q.T("admin.problem.went_wrong"),
		&api.Problem{Status: http.StatusInternalServerError, Code: api.CodeInternal, Detail: q.T("admin.problem.page_failed")})
}

func (q *req) problemTitle(p *api.Problem) string {
	switch p.Status {
	case http.StatusForbidden:
		return q.T("admin.problem.not_allowed")
	case http.StatusNotFound:
		return q.T("admin.problem.not_found")
	case http.StatusTooManyRequests:
		return q.T("admin.problem.too_many")
	}
	return q.T("admin.problem.error")
}

func (q *req) forbidden(detail string) error {
	return &api.Problem{Status: http.StatusForbidden, Code: api.CodeForbidden, Detail: detail}
}

func (q *req) isAdmin() bool {
	return q.hasRole(api.RoleMasterAdministrator) || q.hasRole(api.RoleAdministrator)
}

func (q *req) isMaster() bool { return q.hasRole(api.RoleMasterAdministrator) }

func (q *req) hasRole(r api.Role) bool { return q.user != nil && slices.Contains(q.user.Roles, r) }

// commit writes the session cookie back when it changed.
func (q *req) commit() error {
	if !q.dirty {
		return nil
	}
	q.dirty = false
	return q.h.saveSession(q.w, q.r, q.s)
}

// redirect answers 303 See Other (after a POST, the browser GETs the target).
func (q *req) redirect(to string) error {
	if err := q.commit(); err != nil {
		return err
	}
	http.Redirect(q.w, q.r, to, http.StatusSeeOther)
	return nil
}

// takeFlash returns the one-time message of the session and clears it.
func (q *req) takeFlash() string {
	f := q.s.Flash
	if f != "" {
		q.s.Flash = ""
		q.dirty = true
	}
	return f
}

// apiAuthed calls the API with the session's access token; when the API
// refuses the token as expired, it rotates the tokens once through
// POST /auth/refresh and retries. errSignedOut means sign in again.
func (q *req) apiAuthed(c apiCall) error {
	c.bearer = q.s.Access
	err := q.h.call(q.r.Context(), q.r, c)
	if !signedOutProblem(err) {
		return err
	}
	if q.s.Refresh == "" {
		return errSignedOut
	}
	var t api.Tokens
	if rerr := q.h.call(q.r.Context(), q.r, apiCall{method: http.MethodPost, path: api.PathRefresh,
		in: api.RefreshRequest{RefreshToken: q.s.Refresh}, out: &t}); rerr != nil {
		if p, ok := asProblem(rerr); ok && p.Status < 500 && p.Status != http.StatusTooManyRequests {
			return errSignedOut
		}
		return rerr
	}
	q.s.Access, q.s.Refresh, q.dirty = t.AccessToken, t.RefreshToken, true
	c.bearer = q.s.Access
	err = q.h.call(q.r.Context(), q.r, c)
	if signedOutProblem(err) {
		return errSignedOut
	}
	return err
}

// signedOutProblem: the API no longer accepts the access token. A wrong code
// (401 invalid_code) is an answer about the code, not the token: refreshing
// and sending it again would spend another attempt.
func signedOutProblem(err error) bool {
	p, ok := asProblem(err)
	return ok && p.Status == http.StatusUnauthorized && p.Code != api.CodeInvalidCode
}

func (h *Handler) notFound(q *req) error {
	return &api.Problem{Status: http.StatusNotFound, Code: api.CodeNotFound, Detail: q.T("admin.problem.no_page")}
}

func (h *Handler) home(q *req) error {
	if !q.s.signedIn() {
		return q.redirect(Root + "/login")
	}
	return q.redirect(Root + "/members")
}
