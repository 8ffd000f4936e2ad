package adminweb

import (
	"net/http"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// Change my password: the signed-in administrator changes their own password
// as the console does (POST /me/password with the current and the new
// password). Where two-step verification applies the API answers
// step_up_required; the second-step pages then run a password_change
// challenge with the access token and the change is sent again with the
// step-up token. The member pages never set the signed-in administrator's
// own password (the API refuses it: use_self_service).

// passwordChangeTTL bounds how long the typed passwords wait, sealed in the
// session cookie, for the second step (a step-up token lives 5 minutes).
const passwordChangeTTL = 10 * time.Minute

// maxSealedPassword keeps the session cookie under the browsers' 4 KiB
// while both passwords wait in it.
const maxSealedPassword = 256

// passwordChange is a change of one's own password waiting for the second
// step. The passwords are dropped as soon as the change is sent again,
// cancelled, expired, or someone else signs in.
type passwordChange struct {
	challengeState
	MemberID string    `json:"member_id"`
	Current  string    `json:"current"`
	New      string    `json:"new"`
	Started  time.Time `json:"started"`
}

type passwordData struct {
	Username string
}

func (q *req) renderPassword(status int, p *api.Problem) error {
	return q.renderView(status, "password", view{Title: q.T("admin.nav.password"), Nav: "password", Problem: p,
		D: passwordData{Username: q.user.Username}})
}

func (h *Handler) passwordPage(q *req) error { return q.renderPassword(http.StatusOK, nil) }

func (h *Handler) passwordSubmit(q *req) error {
	f := q.r.PostForm
	current, next := f.Get("current_password"), f.Get("new_password")
	bad := func(detail string) error {
		return q.renderPassword(http.StatusBadRequest, &api.Problem{Status: http.StatusBadRequest, Code: api.CodeValidation, Detail: detail})
	}
	switch {
	case current == "" || next == "":
		return bad(q.T("admin.password.enter_both"))
	case next != f.Get("confirm_password"):
		return bad(q.T("admin.password.differ"))
	case len(current) > maxSealedPassword || len(next) > maxSealedPassword:
		return bad(q.T("admin.password.too_long"))
	}
	if q.s.Password != nil {
		q.s.Password, q.dirty = nil, true
	}
	err := q.apiAuthed(apiCall{method: http.MethodPost, path: api.PathPassword, want: http.StatusNoContent,
		in: api.PasswordChangeRequest{CurrentPassword: current, NewPassword: next}})
	if p, ok := asProblem(err); ok && p.Code == api.CodeStepUpRequired {
		q.s.Password = &passwordChange{challengeState: challengeState{Primary: p.PrimaryMethod, Methods: p.Methods},
			MemberID: q.user.ID, Current: current, New: next, Started: h.now()}
		q.dirty = true
		return q.redirect(Root + "/password/verify")
	}
	return q.passwordDone(err)
}

// passwordDone shows how the change ended.
func (q *req) passwordDone(err error) error {
	if p, ok := asProblem(err); ok && p.Status != http.StatusUnauthorized {
		if p.Code == api.CodeInvalidCredentials {
			// not the sign-in's "wrong username or password"
			p = &api.Problem{Status: p.Status, Code: p.Code, Detail: q.T("msg.current_password_wrong")}
		}
		return q.renderPassword(p.Status, p)
	}
	if err != nil {
		return err
	}
	q.s.Flash, q.dirty = q.T("admin.flash.password_changed"), true
	return q.redirect(Root + "/password")
}

// passwordStep is the second step before the change, with the access token.
func (h *Handler) passwordStep() *secondStep {
	return &secondStep{
		base: Root + "/password", title: "admin.title.verify_you", purpose: api.PurposePasswordChange,
		state: func(q *req) *challengeState {
			c := q.s.Password
			if c == nil {
				return nil
			}
			if c.MemberID != q.user.ID || h.now().Sub(c.Started) > passwordChangeTTL {
				q.s.Password, q.dirty = nil, true
				q.s.Flash = q.T("admin.flash.password_slow")
				return nil
			}
			return &c.challengeState
		},
		intro: func(q *req) (string, string) {
			return "admin.verify.intro.password", q.user.Username
		},
		call:   func(q *req, c apiCall) error { return q.apiAuthed(c) },
		passed: h.passwordStepPassed,
		leave: func(q *req, flash string) error {
			if q.s.Password != nil {
				q.s.Password, q.dirty = nil, true
				if flash == "" {
					flash = q.T("admin.flash.password_unchanged")
				}
			}
			if flash != "" {
				q.s.Flash, q.dirty = flash, true
			}
			return q.redirect(Root + "/password")
		},
		cancelLabel: "admin.verify.cancel_password",
		expired:     "admin.flash.password_expired",
	}
}

// passwordStepPassed sends the change again with the step-up token; the
// passwords leave the session whatever the answer.
func (h *Handler) passwordStepPassed(q *req, resp api.AuthResponse) error {
	c := q.s.Password
	q.s.Password, q.dirty = nil, true
	if c == nil {
		return q.redirect(Root + "/password")
	}
	if resp.State != api.StateStepUp || resp.StepUpToken == "" {
		return &api.Problem{Status: http.StatusBadGateway, Code: api.CodeInternal, Detail: "The server's answer to the verification holds no step-up."}
	}
	err := q.apiAuthed(apiCall{method: http.MethodPost, path: api.PathPassword, want: http.StatusNoContent,
		in: api.PasswordChangeRequest{CurrentPassword: c.Current, NewPassword: c.New, StepUpToken: resp.StepUpToken}})
	return q.passwordDone(err)
}
