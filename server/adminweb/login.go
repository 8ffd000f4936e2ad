package adminweb

import (
	"net/http"
	"slices"
	"strings"

	"github.com/remotesupport/techconsole/api"
)

// Sign-in: password, then the second step the API asks for. The mfa_token
// and the open challenge wait in the sealed cookie between the pages.

type loginData struct {
	Username string
}

func (h *Handler) loginForm(q *req) error {
	if q.s.signedIn() {
		return q.redirect(Root + "/")
	}
	return q.renderView(http.StatusOK, "login", view{Title: q.T("signin.sign_in"), Nav: "login", D: loginData{}})
}

func (h *Handler) loginSubmit(q *req) error {
	username := strings.TrimSpace(q.r.PostForm.Get("username"))
	password := q.r.PostForm.Get("password")
	again := func(p *api.Problem) error {
		return q.renderView(p.Status, "login", view{Title: q.T("signin.sign_in"), Problem: p, D: loginData{Username: username}})
	}
	if username == "" || password == "" {
		return again(&api.Problem{Status: http.StatusBadRequest, Code: api.CodeValidation, Detail: q.T("msg.enter_username_password")})
	}
	var resp api.AuthResponse
	err := h.call(q.r.Context(), q.r, apiCall{method: http.MethodPost, path: api.PathLogin,
		in: api.LoginRequest{Username: username, Password: password, DeviceCookie: h.deviceCookie(q.r, username)}, out: &resp})
	if p, ok := asProblem(err); ok {
		return again(p)
	}
	if err != nil {
		return err
	}
	h.keepDeviceCookie(q.w, q.r, username, resp.DeviceCookie)
	q.s.Login = nil
	q.dirty = true
	switch resp.State {
	case api.StateAuthenticated:
		return h.finishSignIn(q, resp)
	case api.StateMFARequired:
		q.s.Login = &pending{Username: username, MFAToken: resp.MFAToken,
			challengeState: challengeState{Primary: resp.PrimaryMethod, Methods: resp.Methods}}
		return q.redirect(Root + "/login/verify")
	case api.StateMFASetupRequired:
		q.s.Login = &pending{Username: username, MFAToken: resp.MFAToken, Setup: true, Reset: resp.Reset,
			challengeState: challengeState{Primary: resp.PrimaryMethod}}
		return q.redirect(Root + "/login/setup")
	}
	return &api.Problem{Status: http.StatusBadGateway, Code: api.CodeInternal, Detail: "The server answered the sign-in with an unknown state."}
}

// finishSignIn keeps the tokens of an authenticated answer, if the member is
// an administrator; anyone else's new session is ended at once.
func (h *Handler) finishSignIn(q *req, resp api.AuthResponse) error {
	q.s.Login = nil
	q.dirty = true
	if resp.Tokens == nil || resp.User == nil {
		return &api.Problem{Status: http.StatusBadGateway, Code: api.CodeInternal, Detail: "The server's sign-in answer holds no session."}
	}
	u := resp.User
	if !slices.Contains(u.Roles, api.RoleMasterAdministrator) && !slices.Contains(u.Roles, api.RoleAdministrator) {
		_ = h.call(q.r.Context(), q.r, apiCall{method: http.MethodPost, path: api.PathLogout, bearer: resp.Tokens.AccessToken, want: http.StatusNoContent})
		return q.renderView(http.StatusForbidden, "login", view{Title: q.T("signin.sign_in"),
			Problem: &api.Problem{Status: http.StatusForbidden, Code: api.CodeForbidden,
				Detail: q.T("admin.problem.user_not_admin", "Username", u.Username)},
			D: loginData{Username: u.Username}})
	}
	// A new session on sign-in: neither a token learnt before nor anything an
	// earlier sign-in left in this browser follows in.
	*q.s = session{ID: newSessionID(), Created: h.now(), Access: resp.Tokens.AccessToken, Refresh: resp.Tokens.RefreshToken,
		Flash: q.T("admin.flash.signed_in_as", "Name", u.DisplayName)}
	return q.redirect(Root + "/")
}

// signInStep is the second step of signing in, with the sign-in's mfa_token.
func (h *Handler) signInStep() *secondStep {
	return &secondStep{
		base: Root + "/login", title: "two_step.title", purpose: api.PurposeLogin,
		state: func(q *req) *challengeState {
			if l := q.s.Login; l != nil && !l.Setup {
				return &l.challengeState
			}
			return nil
		},
		intro: func(q *req) (string, string) { return "admin.verify.intro.login", q.s.Login.Username },
		call: func(q *req, c apiCall) error {
			c.bearer = q.s.Login.MFAToken
			return h.call(q.r.Context(), q.r, c)
		},
		passed: h.finishSignIn,
		leave: func(q *req, flash string) error {
			if l := q.s.Login; (l != nil && !l.Setup) || flash != "" {
				q.s.Login, q.dirty = nil, true
			}
			if flash != "" {
				q.s.Flash = flash
			}
			return q.redirect(Root + "/login")
		},
		cancelLabel: "setup.cancel_sign_in",
		expired:     "admin.flash.sign_in_expired",
	}
}

func (h *Handler) logout(q *req) error {
	if q.s.Access != "" {
		_ = q.apiAuthed(apiCall{method: http.MethodPost, path: api.PathLogout, want: http.StatusNoContent})
	}
	*q.s = session{ID: newSessionID(), Created: h.now(), Flash: q.T("msg.signed_out")}
	q.dirty = true
	return q.redirect(Root + "/login")
}
