package adminweb

import (
	"net/http"
	"slices"
	"strings"

	"github.com/remotesupport/techconsole/api"
)

// The second step on the web: choose one of the offered methods, then type
// the code (authenticator app, text message, email) or approve the
// notification on the phone with the number shown, send a new code, or use
// another method. Signing in (mfa_token, purpose login) and verifying before
// a change of one's own password (access token, purpose password_change) run
// the same pages; the flow in progress waits in the sealed cookie.

// challengeState is a second step in progress: the methods the API offered
// and the challenge started with one of them.
type challengeState struct {
	Primary   api.Method         `json:"primary,omitempty"`
	Methods   []api.MethodOption `json:"methods,omitempty"`
	Challenge *api.Challenge     `json:"challenge,omitempty"`
}

// defaultFactor is the primary method's factor when the member has it, else
// the first offered.
func (st *challengeState) defaultFactor() string {
	for _, m := range st.Methods {
		if m.Method == st.Primary {
			return m.ID
		}
	}
	if len(st.Methods) > 0 {
		return st.Methods[0].ID
	}
	return ""
}

// secondStep is one use of the second-step pages. Its pages are under base:
// GET base/verify shows them; POST base/challenge, base/verify, base/wait,
// base/resend and base/cancel take their forms.
type secondStep struct {
	base    string
	title   string // catalogue keys: title, cancelLabel, expired, intro's first
	purpose api.Purpose
	// state is the flow in progress, nil when there is none.
	state func(q *req) *challengeState
	// intro says whose verification it is: the key of "Signing in as
	// {{.Name}}" and the username.
	intro func(q *req) (key, name string)
	// call calls the API with the flow's bearer.
	call func(q *req, c apiCall) error
	// passed continues with the answer of the passed challenge.
	passed func(q *req, resp api.AuthResponse) error
	// leave ends the flow and goes back to where it started, with a message.
	leave       func(q *req, flash string) error
	cancelLabel string
	expired     string // the message when the flow's token no longer works
}

func (f *secondStep) routes(add func(pattern string, fn pageFunc)) {
	add("GET "+f.base+"/verify", f.show)
	add("POST "+f.base+"/challenge", f.start)
	add("POST "+f.base+"/verify", f.verify)
	add("POST "+f.base+"/wait", f.wait)
	add("POST "+f.base+"/resend", f.resend)
	add("POST "+f.base+"/cancel", f.cancel)
}

type verifyData struct {
	Base        string
	Intro, Name string // Intro: the key of a text naming Name
	State       *challengeState
	Selected    string // factor id chosen by default
	Waiting     bool   // a push is still pending after a wait
	CancelLabel string
}

func (f *secondStep) render(q *req, st *challengeState, p *api.Problem, waiting bool) error {
	status := http.StatusOK
	if p != nil {
		status = p.Status
	}
	d := verifyData{Base: f.base, State: st, Selected: st.defaultFactor(), Waiting: waiting, CancelLabel: q.T(f.cancelLabel)}
	d.Intro, d.Name = f.intro(q)
	return q.renderView(status, "verify", view{Title: q.T(f.title), Nav: "verify", Problem: p, D: d})
}

func (f *secondStep) show(q *req) error {
	st := f.state(q)
	if st == nil {
		return f.leave(q, "")
	}
	return f.render(q, st, nil, false)
}

// problem handles an API error: a dead token ends the flow; a dead
// challenge means choosing again; anything else is shown on the page.
func (f *secondStep) problem(q *req, st *challengeState, err error) error {
	p, ok := asProblem(err)
	if !ok {
		return err
	}
	switch {
	case p.Status == http.StatusUnauthorized && p.Code != api.CodeInvalidCode:
		return f.leave(q, q.T(f.expired))
	case p.Status == http.StatusGone || p.Status == http.StatusNotFound:
		st.Challenge, q.dirty = nil, true
	}
	return f.render(q, st, p, false)
}

func (f *secondStep) start(q *req) error {
	st := f.state(q)
	if st == nil {
		return f.leave(q, "")
	}
	id := q.r.PostForm.Get("factor")
	if !slices.ContainsFunc(st.Methods, func(m api.MethodOption) bool { return m.ID == id }) {
		return f.render(q, st, &api.Problem{Status: http.StatusBadRequest, Code: api.CodeValidation, Detail: "Choose one of the listed methods."}, false)
	}
	var ch api.Challenge
	err := f.call(q, apiCall{method: http.MethodPost, path: api.PathChallenges, want: http.StatusCreated,
		in: api.ChallengeRequest{FactorID: id, Purpose: f.purpose}, out: &ch})
	if err != nil {
		return f.problem(q, st, err)
	}
	st.Challenge, q.dirty = &ch, true
	return q.redirect(f.base + "/verify")
}

// open is the flow and its open challenge; it answers the browser itself
// (ok false) when there is none.
func (f *secondStep) open(q *req) (st *challengeState, ok bool, err error) {
	st = f.state(q)
	if st == nil {
		return nil, false, f.leave(q, "")
	}
	if st.Challenge == nil || checkID(st.Challenge.ChallengeID) != nil {
		st.Challenge, q.dirty = nil, true
		return nil, false, q.redirect(f.base + "/verify")
	}
	return st, true, nil
}

func (f *secondStep) verify(q *req) error {
	st, ok, err := f.open(q)
	if !ok {
		return err
	}
	code := strings.TrimSpace(q.r.PostForm.Get("code"))
	if code == "" {
		return f.render(q, st, &api.Problem{Status: http.StatusBadRequest, Code: api.CodeValidation, Detail: "Enter the 6-digit code."}, false)
	}
	var resp api.AuthResponse
	err = f.call(q, apiCall{method: http.MethodPost, path: api.PathChallengeVerify(st.Challenge.ChallengeID),
		in: api.VerifyRequest{Code: code}, out: &resp})
	if err != nil {
		return f.problem(q, st, err)
	}
	return f.passed(q, resp)
}

// wait long-polls the push once ("I have approved").
func (f *secondStep) wait(q *req) error {
	st, ok, err := f.open(q)
	if !ok {
		return err
	}
	var cs api.ChallengeStatus
	err = f.call(q, apiCall{method: http.MethodGet, path: api.PathChallenge(st.Challenge.ChallengeID) + "?wait=25", out: &cs})
	if err != nil {
		return f.problem(q, st, err)
	}
	switch cs.Status {
	case api.ChallengeApproved:
		return f.passed(q, cs.AuthResponse)
	case api.ChallengeDenied:
		st.Challenge, q.dirty = nil, true
		return f.render(q, st, &api.Problem{Status: http.StatusUnauthorized, Code: api.CodeChallengeFailed,
			Detail: q.T("admin.push.denied")}, false)
	case api.ChallengeExpired:
		st.Challenge, q.dirty = nil, true
		return f.render(q, st, &api.Problem{Status: http.StatusGone, Code: api.CodeChallengeExpired,
			Detail: q.T("admin.push.expired")}, false)
	}
	return f.render(q, st, nil, true)
}

func (f *secondStep) resend(q *req) error {
	st, ok, err := f.open(q)
	if !ok {
		return err
	}
	var ch api.Challenge
	err = f.call(q, apiCall{method: http.MethodPost, path: api.PathChallengeResend(st.Challenge.ChallengeID), out: &ch})
	if err != nil {
		return f.problem(q, st, err)
	}
	if ch.ChallengeID != "" {
		st.Challenge = &ch
	}
	q.s.Flash, q.dirty = q.T("admin.flash.new_code"), true
	return q.redirect(f.base + "/verify")
}

// cancel ends the open challenge ("Use another method") or, with no
// challenge, the whole flow.
func (f *secondStep) cancel(q *req) error {
	st := f.state(q)
	if st == nil {
		return f.leave(q, "")
	}
	if st.Challenge != nil {
		if checkID(st.Challenge.ChallengeID) == nil {
			_ = f.call(q, apiCall{method: http.MethodDelete, path: api.PathChallenge(st.Challenge.ChallengeID), want: http.StatusNoContent})
		}
		st.Challenge, q.dirty = nil, true
		return q.redirect(f.base + "/verify")
	}
	return f.leave(q, "")
}
