package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
)

func TestManageTwoStepChallengeNeedsAnAccessToken(t *testing.T) {
	c := start(t)
	mfa := c.loginState("bob", api.StateMFARequired).MFAToken
	c.fail("POST", api.PathChallenges, mfa, api.ChallengeRequest{Method: api.MethodSMS, Purpose: api.PurposeManageTwoStep}, http.StatusBadRequest, api.CodeValidation)
	access := c.signInTOTP("bob").Tokens.AccessToken
	c.fail("POST", api.PathChallenges, access, api.ChallengeRequest{Method: api.MethodSMS}, http.StatusBadRequest, api.CodeValidation)
	c.fail("POST", api.PathChallenges, access, api.ChallengeRequest{Method: api.MethodSMS, Purpose: "take_over"}, http.StatusBadRequest, api.CodeValidation)
	c.ok("POST", api.PathChallenges, access, api.ChallengeRequest{Method: api.MethodSMS, Purpose: api.PurposeManageTwoStep}, http.StatusCreated, nil)
}

func TestFactorStepUpByPush(t *testing.T) {
	c := start(t)
	alice := c.signInTOTP("alice").Tokens.AccessToken
	var ch api.Challenge
	c.ok("POST", api.PathChallenges, alice, api.ChallengeRequest{Method: api.MethodAppNotification, Purpose: api.PurposeManageTwoStep}, http.StatusCreated, &ch)
	waiting := c.pollAsync(alice, ch.ChallengeID, 10)
	c.decide(c.inst.Demo(t, "alice").DeviceToken, ch.ChallengeID, api.DecisionApprove, ch.MatchNumber, http.StatusNoContent)
	p := <-waiting
	if p.body.State != api.StateStepUp || p.body.StepUpToken == "" || p.body.Tokens != nil {
		t.Fatalf("step-up long-poll: %s", p.raw)
	}
	c.ok("POST", api.PathTwoStepEmail, alice, api.EmailSetupRequest{Email: "alice.new@example.com", StepUpToken: p.body.StepUpToken}, http.StatusCreated, nil)
}

// TestFactorStepUpCoversOneChangeForFiveMinutes: the step-up that started a
// change covers its confirmation until the step-up's own expiry; after
// that, a fresh one is needed (and one that expired unused unlocks nothing).
func TestFactorStepUpCoversOneChangeForFiveMinutes(t *testing.T) {
	c := start(t)
	bob := c.signInTOTP("bob").Tokens.AccessToken
	secret := demo(t, "bob").TOTPSecret

	unused := c.stepUpTOTP(bob, api.PurposeManageTwoStep, secret)
	c.clock.Advance(5*time.Minute + time.Second)
	c.fail("POST", api.PathTwoStepAuth, bob, api.StepUpRequest{StepUpToken: unused}, http.StatusForbidden, api.CodeInvalidStepUp)

	tok := c.stepUpTOTP(bob, api.PurposeManageTwoStep, secret)
	setup := c.startPairingWith(bob, tok)
	c.clock.Advance(5*time.Minute + time.Second)
	code := c.totpCode(setup.Secret)
	c.fail("POST", api.PathFactorConfirm(setup.FactorID), bob, api.FactorConfirmRequest{Code: code}, http.StatusForbidden, api.CodeStepUpRequired)
	fresh := c.stepUpTOTP(bob, api.PurposeManageTwoStep, secret)
	c.ok("POST", api.PathFactorConfirm(setup.FactorID), bob, api.FactorConfirmRequest{Code: code, StepUpToken: fresh}, http.StatusOK, nil)
}

func (c *tc) startPairingWith(access, stepUp string) api.AuthenticatorSetup {
	c.t.Helper()
	var setup api.AuthenticatorSetup
	c.ok("POST", api.PathTwoStepAuth, access, api.StepUpRequest{StepUpToken: stepUp}, http.StatusCreated, &setup)
	return setup
}

// TestSetupTokenNeedsNoStepUp: the mfa_setup_required token (here after a
// primary-method change reset all of bob's factors) still drives setup on
// its own.
func TestSetupTokenNeedsNoStepUp(t *testing.T) {
	c := start(t)
	admin := c.admin()
	c.ok("PUT", api.PathAdminSettings, admin, api.TwoStepSettings{Administrators: true, Technicians: api.TechniciansSelectedGroups,
		PrimaryMethod: api.MethodSMS}, http.StatusOK, nil)
	tok := c.loginState("bob", api.StateMFASetupRequired).MFAToken
	c.pairAuthenticator(tok)
	var sent api.CodeSent
	c.ok("POST", api.PathTwoStepSMS, tok, api.SMSSetupRequest{Phone: "555-0122"}, http.StatusCreated, &sent)
	c.confirmByCode(tok, sent, "555-0122")
	var r api.AuthResponse
	c.ok("POST", api.PathTwoStepActivate, tok, nil, http.StatusOK, &r)
	if r.State != api.StateAuthenticated || r.Tokens == nil {
		t.Fatalf("activate with the setup token: %+v", r)
	}
}
