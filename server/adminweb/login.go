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
	return q.renderView(http.StatusOK, "login", view{Title: "Sign in", Nav: "login", D: loginData{}})
}

func (h *Handler) loginSubmit(q *req) error {
	username := strings.TrimSpace(q.r.PostForm.Get("username"))
	password := q.r.PostForm.Get("password")
	again := func(p *api.Problem) error {
		return q.renderView(p.Status, "login", view{Title: "Sign in", Problem: p, D: loginData{Username: username}})
	}
	if username == "" || password == "" {
		return again(&api.Problem{Status: http.StatusBadRequest, Code: api.CodeValidation, Detail: "Enter your username and your password."})
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
		q.s.Login = &pending{Username: username, MFAToken: resp.MFAToken, Primary: resp.PrimaryMethod, Methods: resp.Methods}
		return q.redirect(Root + "/login/verify")
	case api.StateMFASetupRequired:
		q.s.Login = &pending{Username: username, MFAToken: resp.MFAToken, Setup: true, Reset: resp.Reset, Primary: resp.PrimaryMethod}
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
		_ = h.call(q.r.Context(), q.r, apiCall{method: http.MethodPost, path: api.PathLogout, bearer: resp.Tokens.AccessToken})
		return q.renderView(http.StatusForbidden, "login", view{Title: "Sign in",
			Problem: &api.Problem{Status: http.StatusForbidden, Code: api.CodeForbidden,
				Detail: "The Admin Center is for administrators. " + u.Username + " holds no administrator role."},
			D: loginData{Username: u.Username}})
	}
	// A new session id on sign-in: a token learnt before cannot follow in.
	q.s.ID = newSessionID()
	q.s.Created = h.now()
	q.s.Access, q.s.Refresh = resp.Tokens.AccessToken, resp.Tokens.RefreshToken
	q.s.Flash = "Signed in as " + u.DisplayName + "."
	return q.redirect(Root + "/")
}

type verifyData struct {
	Login    *pending
	Selected string // factor id chosen by default
	Waiting  bool   // a push is still pending after a wait
}

func (h *Handler) verifyPage(q *req) error {
	l := q.s.Login
	if l == nil || l.Setup {
		return q.redirect(Root + "/login")
	}
	return q.render(http.StatusOK, "verify", "Two-step verification", verifyData{Login: l, Selected: defaultFactor(l)})
}

// defaultFactor is the primary method's factor when the member has it, else
// the first offered.
func defaultFactor(l *pending) string {
	for _, m := range l.Methods {
		if m.Method == l.Primary {
			return m.ID
		}
	}
	if len(l.Methods) > 0 {
		return l.Methods[0].ID
	}
	return ""
}

// renderVerify shows the second-step page with an error, keeping the state.
func (q *req) renderVerify(p *api.Problem, waiting bool) error {
	status := http.StatusOK
	if p != nil {
		status = p.Status
	}
	return q.renderView(status, "verify", view{Title: "Two-step verification", Problem: p,
		D: verifyData{Login: q.s.Login, Selected: defaultFactor(q.s.Login), Waiting: waiting}})
}

// loginProblem handles an API error during the second step: a dead
// mfa_token means starting over; a dead challenge means choosing again.
func (q *req) loginProblem(err error) error {
	p, ok := asProblem(err)
	if !ok {
		return err
	}
	switch {
	case p.Status == http.StatusUnauthorized && p.Code != api.CodeInvalidCode:
		q.s.Login, q.dirty = nil, true
		q.s.Flash = "The sign-in expired or was used up. Please sign in again."
		return q.redirect(Root + "/login")
	case p.Status == http.StatusGone || p.Status == http.StatusNotFound:
		q.s.Login.Challenge, q.dirty = nil, true
	}
	return q.renderVerify(p, false)
}

func (h *Handler) challengeStart(q *req) error {
	l := q.s.Login
	if l == nil || l.Setup {
		return q.redirect(Root + "/login")
	}
	id := q.r.PostForm.Get("factor")
	if !slices.ContainsFunc(l.Methods, func(m api.MethodOption) bool { return m.ID == id }) {
		return q.renderVerify(&api.Problem{Status: http.StatusBadRequest, Code: api.CodeValidation, Detail: "Choose one of the listed methods."}, false)
	}
	var ch api.Challenge
	err := h.call(q.r.Context(), q.r, apiCall{method: http.MethodPost, path: api.PathChallenges, bearer: l.MFAToken,
		in: api.ChallengeRequest{FactorID: id, Purpose: api.PurposeLogin}, out: &ch})
	if err != nil {
		return q.loginProblem(err)
	}
	l.Challenge, q.dirty = &ch, true
	return q.redirect(Root + "/login/verify")
}

func (h *Handler) verifySubmit(q *req) error {
	l := q.s.Login
	if l == nil || l.Challenge == nil {
		return q.redirect(Root + "/login")
	}
	code := strings.TrimSpace(q.r.PostForm.Get("code"))
	if code == "" {
		return q.renderVerify(&api.Problem{Status: http.StatusBadRequest, Code: api.CodeValidation, Detail: "Enter the 6-digit code."}, false)
	}
	var resp api.AuthResponse
	err := h.call(q.r.Context(), q.r, apiCall{method: http.MethodPost, path: api.PathChallengeVerify(l.Challenge.ChallengeID),
		bearer: l.MFAToken, in: api.VerifyRequest{Code: code}, out: &resp})
	if err != nil {
		return q.loginProblem(err)
	}
	return h.finishSignIn(q, resp)
}

// waitSubmit long-polls the push once ("I have approved").
func (h *Handler) waitSubmit(q *req) error {
	l := q.s.Login
	if l == nil || l.Challenge == nil {
		return q.redirect(Root + "/login")
	}
	var st api.ChallengeStatus
	err := h.call(q.r.Context(), q.r, apiCall{method: http.MethodGet, path: api.PathChallenge(l.Challenge.ChallengeID) + "?wait=25",
		bearer: l.MFAToken, out: &st})
	if err != nil {
		return q.loginProblem(err)
	}
	switch st.Status {
	case api.ChallengeApproved:
		return h.finishSignIn(q, st.AuthResponse)
	case api.ChallengeDenied:
		l.Challenge, q.dirty = nil, true
		return q.renderVerify(&api.Problem{Status: http.StatusUnauthorized, Code: api.CodeChallengeFailed,
			Detail: "The sign-in was denied on the phone. Choose a method to try again."}, false)
	case api.ChallengeExpired:
		l.Challenge, q.dirty = nil, true
		return q.renderVerify(&api.Problem{Status: http.StatusGone, Code: api.CodeChallengeExpired,
			Detail: "The notification expired before it was approved. Choose a method to try again."}, false)
	}
	return q.renderVerify(nil, true)
}

func (h *Handler) resendSubmit(q *req) error {
	l := q.s.Login
	if l == nil || l.Challenge == nil {
		return q.redirect(Root + "/login")
	}
	var ch api.Challenge
	err := h.call(q.r.Context(), q.r, apiCall{method: http.MethodPost, path: api.PathChallengeResend(l.Challenge.ChallengeID),
		bearer: l.MFAToken, out: &ch})
	if err != nil {
		return q.loginProblem(err)
	}
	if ch.ChallengeID != "" {
		l.Challenge = &ch
	}
	q.s.Flash, q.dirty = "A new code was sent. The previous code no longer works.", true
	return q.redirect(Root + "/login/verify")
}

// cancelSubmit ends the open challenge ("Use another method") or, with no
// challenge, the whole sign-in.
func (h *Handler) cancelSubmit(q *req) error {
	l := q.s.Login
	if l == nil {
		return q.redirect(Root + "/login")
	}
	if l.Challenge != nil {
		_ = h.call(q.r.Context(), q.r, apiCall{method: http.MethodDelete, path: api.PathChallenge(l.Challenge.ChallengeID), bearer: l.MFAToken})
		l.Challenge, q.dirty = nil, true
		return q.redirect(Root + "/login/verify")
	}
	q.s.Login, q.dirty = nil, true
	return q.redirect(Root + "/login")
}

func (h *Handler) logout(q *req) error {
	if q.s.Access != "" {
		_ = q.apiAuthed(apiCall{method: http.MethodPost, path: api.PathLogout})
	}
	*q.s = session{ID: newSessionID(), Created: h.now(), Flash: "You are signed out."}
	q.dirty = true
	return q.redirect(Root + "/login")
}
