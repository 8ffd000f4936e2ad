package server_test

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// pairAuthenticator starts pairing and confirms it like an authenticator app would.
func (c *tc) pairAuthenticator(bearer string) api.AuthenticatorSetup {
	c.t.Helper()
	var setup api.AuthenticatorSetup
	c.ok("POST", api.PathTwoStepAuth, bearer, nil, http.StatusCreated, &setup)
	var f api.FactorResponse
	c.ok("POST", api.PathFactorConfirm(setup.FactorID), bearer, api.VerifyRequest{Code: c.totpCode(setup.Secret)}, http.StatusOK, &f)
	if f.Factor.Status != api.FactorActive || f.Factor.Method != api.MethodAuthenticatorApp {
		c.t.Fatalf("confirmed factor = %+v", f.Factor)
	}
	return setup
}

// confirmByCode starts (or re-sends) an SMS/email factor and confirms it with
// the code from the outbox.
func (c *tc) confirmByCode(bearer string, sent api.CodeSent, to string) {
	c.t.Helper()
	var f api.FactorResponse
	c.ok("POST", api.PathFactorConfirm(sent.FactorID), bearer, api.VerifyRequest{Code: c.inst.LastCode(c.t, to)}, http.StatusOK, &f)
	if f.Factor.Status != api.FactorActive {
		c.t.Fatalf("confirmed factor = %+v", f.Factor)
	}
}

func TestFirstTimeSetup(t *testing.T) {
	c := start(t)
	c.version = "7.50.3572" // a legacy console completes setup with the app and SMS
	tok := c.loginState("erin", api.StateMFASetupRequired).MFAToken

	st := c.twoStep(tok)
	if !st.Required || st.Reset || len(st.Factors) != 0 || st.PrimaryMethod != api.MethodAppNotification {
		t.Fatalf("two-step status = %+v", st)
	}
	p := c.fail("POST", api.PathTwoStepActivate, tok, nil, http.StatusConflict, api.CodeSetupIncomplete)
	if !slices.Equal(p.Missing, []string{api.MissingAuthenticatorApp, api.MissingBackup}) {
		t.Errorf("missing = %v", p.Missing)
	}

	// Starting pairing twice leaves one pending authenticator, the newest.
	var first, second api.AuthenticatorSetup
	c.ok("POST", api.PathTwoStepAuth, tok, nil, http.StatusCreated, &first)
	c.ok("POST", api.PathTwoStepAuth, tok, nil, http.StatusCreated, &second)
	if first.Secret == second.Secret {
		t.Fatalf("pairing again kept the secret")
	}
	st = c.twoStep(tok)
	if len(st.Factors) != 1 || st.Factors[0].ID != second.FactorID || st.Factors[0].Status != api.FactorPending {
		t.Fatalf("factors after pairing twice = %+v", st.Factors)
	}
	checkPairingURI(t, c.inst.URL, second)
	c.fail("POST", api.PathFactorConfirm(first.FactorID), tok, api.VerifyRequest{Code: c.totpCode(first.Secret)}, http.StatusNotFound, api.CodeNotFound)
	c.fail("POST", api.PathFactorConfirm(second.FactorID), tok, api.VerifyRequest{Code: c.totpCode(first.Secret)}, http.StatusUnauthorized, api.CodeInvalidCode)
	var f api.FactorResponse
	c.ok("POST", api.PathFactorConfirm(second.FactorID), tok, api.VerifyRequest{Code: c.totpCode(second.Secret)}, http.StatusOK, &f)

	p = c.fail("POST", api.PathTwoStepActivate, tok, nil, http.StatusConflict, api.CodeSetupIncomplete)
	if !slices.Equal(p.Missing, []string{api.MissingBackup}) {
		t.Errorf("missing = %v", p.Missing)
	}

	// The backup: a text message confirmed by code, after a wrong one and a resend.
	var sent api.CodeSent
	c.ok("POST", api.PathTwoStepSMS, tok, api.SMSSetupRequest{Phone: "+1 (555) 010-5555"}, http.StatusCreated, &sent)
	if sent.SentTo != "*******5555" {
		t.Errorf("sent_to = %q", sent.SentTo)
	}
	code := c.inst.LastCode(t, "+1 (555) 010-5555")
	wrong := "000000"
	if code == wrong {
		wrong = "999999"
	}
	pr := c.fail("POST", api.PathFactorConfirm(sent.FactorID), tok, api.VerifyRequest{Code: wrong}, http.StatusUnauthorized, api.CodeInvalidCode)
	if pr.AttemptsLeft == nil || *pr.AttemptsLeft != 4 {
		t.Errorf("attempts_left = %v", pr.AttemptsLeft)
	}
	c.fail("POST", api.PathFactorSend(sent.FactorID), tok, nil, http.StatusTooManyRequests, api.CodeResendTooSoon)
	c.clock.Advance(31 * time.Second)
	c.ok("POST", api.PathFactorSend(sent.FactorID), tok, nil, http.StatusOK, nil)
	if code != c.inst.LastCode(t, "+15550105555") {
		c.fail("POST", api.PathFactorConfirm(sent.FactorID), tok, api.VerifyRequest{Code: code}, http.StatusUnauthorized, api.CodeInvalidCode)
	}
	c.confirmByCode(tok, sent, "+15550105555")

	var done api.AuthResponse
	c.ok("POST", api.PathTwoStepActivate, tok, nil, http.StatusOK, &done)
	if done.State != api.StateAuthenticated || done.Tokens == nil || done.User.Username != "erin" {
		t.Fatalf("activate = %+v", done)
	}
	if !slices.Equal(done.User.TwoStep.Methods, []api.Method{api.MethodAuthenticatorApp, api.MethodSMS}) {
		t.Errorf("methods = %v", done.User.TwoStep.Methods)
	}
	// The setup token is used up.
	c.fail("GET", api.PathTwoStep, tok, nil, http.StatusUnauthorized, api.CodeInvalidToken)

	// Next sign-in asks for two-step with what was set up.
	c.clock.Advance(30 * time.Second)
	r := c.loginState("erin", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodAuthenticatorApp)
	c.verify(r.MFAToken, ch.ChallengeID, c.totpCode(second.Secret))
}

// checkPairingURI: a standard otpauth URI plus push_url and push_token, and a
// QR PNG of it.
func checkPairingURI(t *testing.T, base string, s api.AuthenticatorSetup) {
	t.Helper()
	u, err := url.Parse(s.OTPAuthURI)
	if err != nil {
		t.Fatalf("otpauth uri: %v", err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || !strings.HasSuffix(u.Path, ":erin") {
		t.Errorf("uri = %s", s.OTPAuthURI)
	}
	for k, want := range map[string]string{"secret": s.Secret, "algorithm": "SHA1", "digits": "6", "period": "30", "issuer": "Remote Support",
		"push_url": base + api.PathDeviceRegister} {
		if q.Get(k) != want {
			t.Errorf("uri %s = %q, want %q", k, q.Get(k), want)
		}
	}
	if len(q.Get("push_token")) < 40 {
		t.Errorf("push_token %q is not a 256-bit token", q.Get("push_token"))
	}
	raw, err := base64.StdEncoding.DecodeString(s.QRPNG)
	if err != nil {
		t.Fatalf("qr_png is not base64: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("qr_png is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
		t.Errorf("qr size %v", b)
	}
}

func TestFactorConfirmLimits(t *testing.T) {
	c := start(t)
	tok := c.loginState("erin", api.StateMFASetupRequired).MFAToken
	var sent api.CodeSent
	c.ok("POST", api.PathTwoStepEmail, tok, api.EmailSetupRequest{Email: "erin.new@example.com"}, http.StatusCreated, &sent)
	if sent.SentTo != "e***@example.com" {
		t.Errorf("sent_to = %q", sent.SentTo)
	}
	right := c.inst.LastCode(t, "erin.new@example.com")
	wrong := "123123"
	if right == wrong {
		wrong = "321321"
	}
	for range 4 {
		c.fail("POST", api.PathFactorConfirm(sent.FactorID), tok, api.VerifyRequest{Code: wrong}, http.StatusUnauthorized, api.CodeInvalidCode)
	}
	c.fail("POST", api.PathFactorConfirm(sent.FactorID), tok, api.VerifyRequest{Code: wrong}, http.StatusGone, api.CodeChallengeFailed)
	c.fail("POST", api.PathFactorConfirm(sent.FactorID), tok, api.VerifyRequest{Code: right}, http.StatusConflict, api.CodeConflict)

	// A new code, left to expire.
	c.clock.Advance(31 * time.Second)
	c.ok("POST", api.PathFactorSend(sent.FactorID), tok, nil, http.StatusOK, nil)
	code := c.inst.LastCode(t, "erin.new@example.com")
	c.clock.Advance(time.Second)
	tok2 := c.loginState("erin", api.StateMFASetupRequired).MFAToken // lives a second longer than the code
	c.clock.Advance(10*time.Minute - 500*time.Millisecond)
	c.fail("POST", api.PathFactorConfirm(sent.FactorID), tok2, api.VerifyRequest{Code: code}, http.StatusGone, api.CodeChallengeExpired)
}
