package securitytest

import (
	"net/http"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

// Account takeover with a stolen access token. An access token alone (no
// password, no second factor) replaced alice's authenticator with the
// attacker's app, swapped in the attacker's phone as her backup, and, with
// Activate, opened a second session that outlived her sign-out and renewed
// itself past the 12-hour family limit. Factor changes with an access token
// now need a step-up token (purpose manage_two_step) earned with one of the
// member's own factors; Activate upgrades the caller's session instead of
// opening another (server/factor_stepup.go, server/setup.go).

// StepUpTOTP runs a step-up challenge for purpose with the access token,
// answered with the authenticator code of secret, and returns the token.
func (r *Rig) StepUpTOTP(t testing.TB, access string, purpose api.Purpose, secret string) string {
	t.Helper()
	r.NextStep()
	ch := r.Challenge(t, access, api.ChallengeRequest{Method: api.MethodAuthenticatorApp, Purpose: purpose})
	a := r.Verify(t, access, ch.ChallengeID, Code(t, secret, r.Now()))
	if a.State != api.StateStepUp || a.StepUpToken == "" || a.Tokens != nil {
		t.Fatalf("step-up for %s: %+v", purpose, a)
	}
	return a.StepUpToken
}

// factorOf finds the member's factor of method in status.
func factorOf(t testing.TB, r *Rig, bearer string, m api.Method, st api.FactorStatus) (api.Factor, bool) {
	t.Helper()
	var s api.TwoStepStatus
	r.OK(t, "GET", api.PathTwoStep, bearer, nil, http.StatusOK, &s)
	for _, f := range s.Factors {
		if f.Method == m && f.Status == st {
			return f, true
		}
	}
	return api.Factor{}, false
}

func TestStolenAccessTokenCannotChangeFactors(t *testing.T) {
	r := Start(t)
	stolen := r.SignIn(t, "alice").AccessToken
	sms, _ := factorOf(t, r, stolen, api.MethodSMS, api.FactorActive)
	before := r.Snapshot(t)

	for _, c := range []struct {
		name, path string
		body       any
	}{
		{"pair another authenticator", api.PathTwoStepAuth, nil},
		{"pair another authenticator (empty body)", api.PathTwoStepAuth, api.StepUpRequest{}},
		{"add the attacker's phone", api.PathTwoStepSMS, api.SMSSetupRequest{Phone: "555-0666"}},
		{"add the attacker's email", api.PathTwoStepEmail, api.EmailSetupRequest{Email: "mallory@example.com"}},
		{"send a code to a factor", api.PathFactorSend(sms.ID), nil},
		{"confirm a factor", api.PathFactorConfirm(sms.ID), api.FactorConfirmRequest{Code: "123456"}},
	} {
		p := r.Fail(t, "POST", c.path, stolen, c.body, http.StatusForbidden, api.CodeStepUpRequired)
		if len(p.Methods) != 3 || p.PrimaryMethod != api.MethodAppNotification {
			t.Errorf("%s: step_up_required names %+v (primary %q), want alice's three methods", c.name, p.Methods, p.PrimaryMethod)
		}
	}
	// A made-up step-up token, or one earned for a password change, unlocks nothing.
	r.Fail(t, "POST", api.PathTwoStepAuth, stolen, api.StepUpRequest{StepUpToken: "forged"}, http.StatusForbidden, api.CodeInvalidStepUp)
	pw := r.StepUp(t, stolen, "alice")
	r.Fail(t, "POST", api.PathTwoStepSMS, stolen, api.SMSSetupRequest{Phone: "555-0666", StepUpToken: pw}, http.StatusForbidden, api.CodeInvalidStepUp)
	if d := before.Diff(r.Snapshot(t)); d != "" {
		t.Fatalf("refused factor changes changed state: %s", d)
	}

	// Alice's own authenticator and phone still sign her in.
	r.SignIn(t, "alice")
	mfa := r.LoginState(t, "alice", api.StateMFARequired).MFAToken
	ch := r.Challenge(t, mfa, api.ChallengeRequest{Method: api.MethodAppNotification})
	var pushes []api.Notification
	r.OK(t, "GET", api.PathDeviceNotification+"?wait=0", r.Inst.Demo(t, "alice").DeviceToken, nil, http.StatusOK, &pushes)
	if len(pushes) != 1 || pushes[0].ID != ch.ChallengeID {
		t.Fatalf("alice's phone sees %+v, want her sign-in's push", pushes)
	}
}

func TestReplacingTheAuthenticatorNeedsOneFreshStepUp(t *testing.T) {
	r := Start(t)
	alice := r.SignIn(t, "alice").AccessToken
	other := r.SignIn(t, "alice").AccessToken // another session of alice's
	tok := r.StepUpTOTP(t, alice, api.PurposeManageTwoStep, Account(t, "alice").TOTPSecret)

	// Bound to the session that earned it.
	r.Fail(t, "POST", api.PathTwoStepAuth, other, api.StepUpRequest{StepUpToken: tok}, http.StatusForbidden, api.CodeInvalidStepUp)
	// Not for a password change.
	r.Fail(t, "POST", api.PathPassword, alice, api.PasswordChangeRequest{CurrentPassword: "Demo-Pass-2026", NewPassword: "Alice-New-Pass-2026", StepUpToken: tok},
		http.StatusForbidden, api.CodeInvalidStepUp)

	var pair api.AuthenticatorSetup
	r.OK(t, "POST", api.PathTwoStepAuth, alice, api.StepUpRequest{StepUpToken: tok}, http.StatusCreated, &pair)
	// Single use: the next change needs a new one.
	r.Fail(t, "POST", api.PathTwoStepSMS, alice, api.SMSSetupRequest{Phone: "555-0199", StepUpToken: tok}, http.StatusForbidden, api.CodeInvalidStepUp)
	// The pairing it started is confirmed in the same session without a
	// second step-up, but not from another session.
	r.NextStep()
	code := Code(t, pair.Secret, r.Now())
	r.Fail(t, "POST", api.PathFactorConfirm(pair.FactorID), other, api.FactorConfirmRequest{Code: code}, http.StatusForbidden, api.CodeStepUpRequired)
	r.OK(t, "POST", api.PathFactorConfirm(pair.FactorID), alice, api.FactorConfirmRequest{Code: code}, http.StatusOK, nil)

	// The new app signs alice in; the old one no longer does.
	mfa := r.LoginState(t, "alice", api.StateMFARequired).MFAToken
	r.NextStep()
	ch := r.Challenge(t, mfa, api.ChallengeRequest{Method: api.MethodAuthenticatorApp})
	r.Fail(t, "POST", api.PathChallengeVerify(ch.ChallengeID), mfa, api.VerifyRequest{Code: Code(t, Account(t, "alice").TOTPSecret, r.Now())},
		http.StatusUnauthorized, api.CodeInvalidCode)
	r.Verify(t, mfa, ch.ChallengeID, Code(t, pair.Secret, r.Now()))
}

func TestStolenAccessTokenCannotSwapThePhone(t *testing.T) {
	r := Start(t)
	stolen := r.SignIn(t, "bob").AccessToken
	r.Fail(t, "POST", api.PathTwoStepSMS, stolen, api.SMSSetupRequest{Phone: "555-0666"}, http.StatusForbidden, api.CodeStepUpRequired)
	if n := len(r.Inst.Outbox(t, "555-0666")); n != 0 {
		t.Fatalf("the attacker's phone got %d messages", n)
	}

	// Bob himself, with a step-up: one second factor for the whole change
	// (start, a resend, a wrong code, the right code).
	tok := r.StepUpTOTP(t, stolen, api.PurposeManageTwoStep, Account(t, "bob").TOTPSecret)
	var sent api.CodeSent
	r.OK(t, "POST", api.PathTwoStepSMS, stolen, api.SMSSetupRequest{Phone: "555-0199", StepUpToken: tok}, http.StatusCreated, &sent)
	r.Clock.Advance(31e9)
	r.OK(t, "POST", api.PathFactorSend(sent.FactorID), stolen, nil, http.StatusOK, nil)
	code := r.LastCode(t, "555-0199")
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	r.Fail(t, "POST", api.PathFactorConfirm(sent.FactorID), stolen, api.FactorConfirmRequest{Code: wrong}, http.StatusUnauthorized, api.CodeInvalidCode)
	r.OK(t, "POST", api.PathFactorConfirm(sent.FactorID), stolen, api.FactorConfirmRequest{Code: code}, http.StatusOK, nil)
	if _, ok := factorOf(t, r, stolen, api.MethodSMS, api.FactorActive); !ok {
		t.Fatalf("bob's new phone is not active")
	}
}

func TestActivateNeverOpensASecondSession(t *testing.T) {
	r := Start(t)
	// An activated member's access token: nothing to activate, no session.
	alice := r.SignIn(t, "alice")
	r.Fail(t, "POST", api.PathTwoStepActivate, alice.AccessToken, nil, http.StatusConflict, api.CodeAlreadyActivated)

	// Grace (two-step not required) sets it up voluntarily with her access
	// token: the first factor needs no step-up (she has none), the second
	// one does, with the first.
	grace := r.SignIn(t, "grace")
	var pair api.AuthenticatorSetup
	r.OK(t, "POST", api.PathTwoStepAuth, grace.AccessToken, nil, http.StatusCreated, &pair)
	r.NextStep()
	r.OK(t, "POST", api.PathFactorConfirm(pair.FactorID), grace.AccessToken, api.FactorConfirmRequest{Code: Code(t, pair.Secret, r.Now())}, http.StatusOK, nil)
	p := r.Fail(t, "POST", api.PathTwoStepSMS, grace.AccessToken, api.SMSSetupRequest{Phone: "555-0107"}, http.StatusForbidden, api.CodeStepUpRequired)
	if len(p.Methods) != 1 || p.Methods[0].Method != api.MethodAuthenticatorApp {
		t.Fatalf("step_up_required names %+v, want the new authenticator", p.Methods)
	}
	tok := r.StepUpTOTP(t, grace.AccessToken, api.PurposeManageTwoStep, pair.Secret)
	var sent api.CodeSent
	r.OK(t, "POST", api.PathTwoStepSMS, grace.AccessToken, api.SMSSetupRequest{Phone: "555-0107", StepUpToken: tok}, http.StatusCreated, &sent)
	r.OK(t, "POST", api.PathFactorConfirm(sent.FactorID), grace.AccessToken, api.FactorConfirmRequest{Code: r.LastCode(t, "555-0107")}, http.StatusOK, nil)

	var a api.AuthResponse
	r.OK(t, "POST", api.PathTwoStepActivate, grace.AccessToken, nil, http.StatusOK, &a)
	if a.State != api.StateAuthenticated || a.User == nil {
		t.Fatalf("activate: %+v", a)
	}
	// Once is enough.
	r.Fail(t, "POST", api.PathTwoStepActivate, grace.AccessToken, nil, http.StatusConflict, api.CodeAlreadyActivated)
	// The session passed two-step verification: a policy that now requires
	// it of grace leaves it standing.
	admin := r.Admin(t)
	r.OK(t, "PUT", api.PathAdminSettings, admin, api.TwoStepSettings{Administrators: true, Technicians: api.TechniciansAll,
		PrimaryMethod: api.MethodAppNotification}, http.StatusOK, nil)
	r.OK(t, "GET", api.PathMe, grace.AccessToken, nil, http.StatusOK, nil)

	// Signing the original session out ends whatever Activate handed out.
	r.OK(t, "POST", api.PathLogout, grace.AccessToken, nil, http.StatusNoContent, nil)
	for _, refresh := range []string{grace.RefreshToken, tokensOf(a).RefreshToken} {
		if refresh == "" {
			continue
		}
		r.Fail(t, "POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: refresh}, http.StatusUnauthorized, api.CodeInvalidToken)
	}
	if a.Tokens != nil {
		r.Fail(t, "GET", api.PathMe, a.Tokens.AccessToken, nil, http.StatusUnauthorized, api.CodeInvalidToken)
	}
}

func tokensOf(a api.AuthResponse) api.Tokens {
	if a.Tokens == nil {
		return api.Tokens{}
	}
	return *a.Tokens
}

func TestActivateWithAnAccessTokenNeedsTheSessionsOwnSecondFactor(t *testing.T) {
	r := Start(t)
	// Erin confirms both factors in a setup (setup token) but stops before
	// Activate; a thief of a password-only session of hers cannot finish it
	// and earn a session that passed two-step verification.
	setup := r.LoginState(t, "erin", api.StateMFASetupRequired).MFAToken
	var pair api.AuthenticatorSetup
	r.OK(t, "POST", api.PathTwoStepAuth, setup, nil, http.StatusCreated, &pair)
	r.NextStep()
	r.OK(t, "POST", api.PathFactorConfirm(pair.FactorID), setup, api.VerifyRequest{Code: Code(t, pair.Secret, r.Now())}, http.StatusOK, nil)
	var sent api.CodeSent
	r.OK(t, "POST", api.PathTwoStepSMS, setup, api.SMSSetupRequest{Phone: "555-0105"}, http.StatusCreated, &sent)
	r.OK(t, "POST", api.PathFactorConfirm(sent.FactorID), setup, api.VerifyRequest{Code: r.LastCode(t, "555-0105")}, http.StatusOK, nil)
	// Support Desk stops enforcing: erin signs in with the password alone.
	admin := r.Admin(t)
	for _, g := range r.Snapshot(t).Groups {
		if g.Name == "Support Desk" {
			no := false
			r.OK(t, "PATCH", api.PathAdminGroup(g.ID), admin, api.GroupRequest{EnforceTwoStep: &no}, http.StatusOK, nil)
		}
	}
	stolen := r.LoginState(t, "erin", api.StateAuthenticated).Tokens.AccessToken
	r.Fail(t, "POST", api.PathTwoStepActivate, stolen, nil, http.StatusForbidden, api.CodeStepUpRequired)
	// With her own second factor in this session, she may.
	tok := r.StepUpTOTP(t, stolen, api.PurposeManageTwoStep, pair.Secret)
	r.OK(t, "POST", api.PathTwoStepActivate, stolen, api.StepUpRequest{StepUpToken: tok}, http.StatusOK, nil)
}
