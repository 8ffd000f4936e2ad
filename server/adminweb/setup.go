package adminweb

import (
	"html/template"
	"net/http"
	"regexp"
	"strings"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/i18n"
)

// Two-step setup on the web, for a member whose sign-in answered
// mfa_setup_required (first time, or after a reset): the mobile app (QR code
// and manual key, confirmed by a code), a backup (text message or email,
// confirmed by a code) and Activate. After a reset that left the backup
// active, the API asks first for a code sent to that backup (Verify). Every
// step is the API's /me/two-step calls with the setup mfa_token kept in the
// sealed cookie.

type setupData struct {
	Login     *pending
	Status    api.TwoStepStatus
	Verify    *api.BackupToVerify // the backup to verify before anything else
	VerifyTo  string              // its label
	AppDone   bool                // an active authenticator
	AppReset  bool                // the authenticator was reset: pair again
	Backups   []api.Factor        // sms/email factors, any status but pending
	Pending   []api.Factor        // sms/email factors waiting for their code
	HasBackup bool                // an active sms/email factor
	Method    api.Method          // backup method chosen in the form
	Phone     string              // what was typed, kept after an error
	Email     string
}

func (q *req) setupLogin() *pending {
	if l := q.s.Login; l != nil && l.Setup && l.MFAToken != "" {
		return l
	}
	return nil
}

// setupCall calls a /me/two-step API with the setup token.
func (q *req) setupCall(c apiCall) error {
	c.bearer = q.s.Login.MFAToken
	return q.h.call(q.r.Context(), q.r, c)
}

// setupProblem handles an API error of a setup step: a dead setup token
// means signing in again, anything else is shown on the setup page.
func (q *req) setupProblem(err error, d setupData) error {
	p, ok := asProblem(err)
	if !ok {
		return err
	}
	if p.Status == http.StatusUnauthorized && p.Code != api.CodeInvalidCode {
		q.s.Login, q.dirty = nil, true
		q.s.Flash = q.T("admin.flash.setup_expired")
		return q.redirect(Root + "/login")
	}
	return q.renderSetup(p.Status, d, p)
}

func (q *req) renderSetup(status int, d setupData, p *api.Problem) error {
	d.Login = q.s.Login
	if err := q.setupCall(apiCall{method: http.MethodGet, path: api.PathTwoStep, out: &d.Status}); err != nil {
		if sp, ok := asProblem(err); ok && sp.Status == http.StatusUnauthorized {
			return q.setupProblem(err, d)
		}
		return err
	}
	for _, f := range d.Status.Factors {
		switch f.Method {
		case api.MethodAuthenticatorApp:
			d.AppDone = d.AppDone || f.Status == api.FactorActive
			d.AppReset = d.AppReset || f.Status == api.FactorReset
		case api.MethodSMS, api.MethodEmail:
			if f.Status == api.FactorPending {
				d.Pending = append(d.Pending, f)
			} else {
				d.Backups = append(d.Backups, f)
			}
			d.HasBackup = d.HasBackup || f.Status == api.FactorActive
		}
	}
	if d.Verify = d.Status.BackupToVerify; d.Verify != nil {
		d.VerifyTo = q.words().Text(i18n.Factor(d.Verify.Method, d.Verify.SentTo))
	}
	if d.Method == "" {
		d.Method = api.PreselectedBackup(d.Status.PrimaryMethod, api.BackupMethods)
	}
	return q.renderView(status, "setup", view{Title: q.T("setup.set_up_two_step"), Nav: "login", Problem: p, D: d})
}

func (h *Handler) setupPage(q *req) error {
	if q.setupLogin() == nil {
		return q.redirect(Root + "/login")
	}
	return q.renderSetup(http.StatusOK, setupData{}, nil)
}

// appData is the pairing page: what the API gave when pairing started.
type appData struct {
	Setup api.AuthenticatorSetup
	QR    template.URL
	Key   string // the secret in groups of four, for typing by hand
}

var base64RE = regexp.MustCompile(`^[A-Za-z0-9+/]+={0,2}$`)

func (q *req) renderApp(status int, s api.AuthenticatorSetup, p *api.Problem) error {
	d := appData{Setup: s}
	if base64RE.MatchString(s.QRPNG) {
		d.QR = template.URL("data:image/png;base64," + s.QRPNG) // checked: base64 only
	}
	for i := 0; i < len(s.Secret); i += 4 {
		d.Key += s.Secret[i:min(i+4, len(s.Secret))] + " "
	}
	d.Key = strings.TrimSpace(d.Key)
	return q.renderView(status, "setup_app", view{Title: q.T("setup.pair.title"), Nav: "login", Problem: p, D: d})
}

// setupApp starts pairing (again) and shows the QR code at once: the secret
// is never stored by the pages.
func (h *Handler) setupApp(q *req) error {
	if q.setupLogin() == nil {
		return q.redirect(Root + "/login")
	}
	var s api.AuthenticatorSetup
	if err := q.setupCall(apiCall{method: http.MethodPost, path: api.PathTwoStepAuth, want: http.StatusCreated, out: &s}); err != nil {
		return q.setupProblem(err, setupData{})
	}
	return q.renderApp(http.StatusOK, s, nil)
}

// setupAppConfirm confirms the pairing with a code; after a wrong code the
// same QR code is shown again from the form's hidden fields.
func (h *Handler) setupAppConfirm(q *req) error {
	if q.setupLogin() == nil {
		return q.redirect(Root + "/login")
	}
	f := q.r.PostForm
	s := api.AuthenticatorSetup{FactorID: f.Get("factor_id"), Secret: f.Get("secret"), OTPAuthURI: f.Get("otpauth_uri"), QRPNG: f.Get("qr_png")}
	err := q.setupCall(apiCall{method: http.MethodPost, path: api.PathFactorConfirm(s.FactorID),
		in: api.VerifyRequest{Code: strings.TrimSpace(f.Get("code"))}})
	if p, ok := asProblem(err); ok && (p.Code == api.CodeInvalidCode || p.Code == api.CodeValidation) {
		return q.renderApp(p.Status, s, p)
	}
	if err != nil {
		return q.setupProblem(err, setupData{})
	}
	q.s.Flash, q.dirty = q.T("msg.app_set_up"), true
	return q.redirect(Root + "/login/setup")
}

// setupBackup starts a text-message or email backup: a code is sent.
func (h *Handler) setupBackup(q *req) error {
	if q.setupLogin() == nil {
		return q.redirect(Root + "/login")
	}
	f := q.r.PostForm
	d := setupData{Method: api.Method(f.Get("method")), Phone: strings.TrimSpace(f.Get("phone")), Email: strings.TrimSpace(f.Get("email"))}
	var c apiCall
	switch d.Method {
	case api.MethodSMS:
		c = apiCall{method: http.MethodPost, path: api.PathTwoStepSMS, want: http.StatusCreated, in: api.SMSSetupRequest{Phone: d.Phone}}
	case api.MethodEmail:
		c = apiCall{method: http.MethodPost, path: api.PathTwoStepEmail, want: http.StatusCreated, in: api.EmailSetupRequest{Email: d.Email}}
	default:
		return q.renderSetup(http.StatusBadRequest, d, &api.Problem{Status: http.StatusBadRequest, Code: api.CodeValidation, Detail: "Choose text message or email."})
	}
	var sent api.CodeSent
	c.out = &sent
	if err := q.setupCall(c); err != nil {
		return q.setupProblem(err, d)
	}
	q.s.Flash, q.dirty = q.T("admin.flash.code_sent", "Digits", api.CodeDigits, "SentTo", sent.SentTo), true
	return q.redirect(Root + "/login/setup")
}

// setupConfirm confirms a pending backup with its code.
func (h *Handler) setupConfirm(q *req) error {
	return h.confirmFactorCode(q, q.T("admin.flash.backup_set_up"))
}

// setupResend sends a pending backup's code again (after the cooldown).
func (h *Handler) setupResend(q *req) error {
	return h.sendFactorCode(q, "admin.flash.new_code")
}

// sendFactorCode sends the code of the form's factor_id and says so.
func (h *Handler) sendFactorCode(q *req, flashKey string) error {
	if q.setupLogin() == nil {
		return q.redirect(Root + "/login")
	}
	var sent api.CodeSent
	if err := q.setupCall(apiCall{method: http.MethodPost, path: api.PathFactorSend(q.r.PostForm.Get("factor_id")), out: &sent}); err != nil {
		return q.setupProblem(err, setupData{})
	}
	q.s.Flash, q.dirty = q.T(flashKey, "Digits", api.CodeDigits, "SentTo", sent.SentTo), true
	return q.redirect(Root + "/login/setup")
}

// confirmFactorCode confirms the form's factor_id with its code and says so.
func (h *Handler) confirmFactorCode(q *req, flash string) error {
	if q.setupLogin() == nil {
		return q.redirect(Root + "/login")
	}
	f := q.r.PostForm
	err := q.setupCall(apiCall{method: http.MethodPost, path: api.PathFactorConfirm(f.Get("factor_id")),
		in: api.VerifyRequest{Code: strings.TrimSpace(f.Get("code"))}})
	if err != nil {
		return q.setupProblem(err, setupData{})
	}
	q.s.Flash, q.dirty = flash, true
	return q.redirect(Root + "/login/setup")
}

// setupActivate ends setup; the answer signs the member in.
func (h *Handler) setupActivate(q *req) error {
	if q.setupLogin() == nil {
		return q.redirect(Root + "/login")
	}
	var resp api.AuthResponse
	if err := q.setupCall(apiCall{method: http.MethodPost, path: api.PathTwoStepActivate, out: &resp}); err != nil {
		return q.setupProblem(err, setupData{})
	}
	return h.finishSignIn(q, resp)
}

// setupVerifySend sends a code to the backup a setup after a reset verifies
// first.
func (h *Handler) setupVerifySend(q *req) error {
	return h.sendFactorCode(q, "admin.flash.verify_code_sent")
}

// setupVerify confirms the code sent to that backup.
func (h *Handler) setupVerify(q *req) error {
	return h.confirmFactorCode(q, q.T("admin.flash.backup_verified"))
}
