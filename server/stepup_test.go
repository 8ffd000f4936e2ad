package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/store"
)

const newPassword = "Correct-Horse-Battery-9"

func pwChange(current, next, stepUp string) api.PasswordChangeRequest {
	return api.PasswordChangeRequest{CurrentPassword: current, NewPassword: next, StepUpToken: stepUp}
}

// stepUp passes a password_change challenge by text message with the access
// token and returns the step-up token.
func (c *tc) stepUp(access, phone string) string {
	c.t.Helper()
	var ch api.Challenge
	c.ok("POST", api.PathChallenges, access, api.ChallengeRequest{Method: api.MethodSMS, Purpose: api.PurposePasswordChange}, http.StatusCreated, &ch)
	var r api.AuthResponse
	c.ok("POST", api.PathChallengeVerify(ch.ChallengeID), access, api.VerifyRequest{Code: c.inst.LastCode(c.t, phone)}, http.StatusOK, &r)
	if r.State != api.StateStepUp || r.StepUpToken == "" || r.ExpiresIn != 300 || r.Tokens != nil {
		c.t.Fatalf("step-up answer = %+v", r)
	}
	c.clock.Advance(31 * time.Second) // past the resend cooldown for the next one
	return r.StepUpToken
}

func TestPasswordChangeWithStepUp(t *testing.T) {
	c := start(t)
	bob := c.signInTOTP("bob")
	access := bob.Tokens.AccessToken
	other := c.signInTOTP("bob") // another session of bob's

	// Without a step-up token: the rules and the current password first.
	c.fail("POST", api.PathPassword, access, pwChange(server.DemoPassword, "short", ""), http.StatusBadRequest, api.CodeWeakPassword)
	c.fail("POST", api.PathPassword, access, pwChange(server.DemoPassword, "password123", ""), http.StatusBadRequest, api.CodeWeakPassword)
	c.fail("POST", api.PathPassword, access, pwChange("Wrong-Pass-2026", newPassword, ""), http.StatusForbidden, api.CodeInvalidCredentials)
	p := c.fail("POST", api.PathPassword, access, pwChange(server.DemoPassword, newPassword, ""), http.StatusForbidden, api.CodeStepUpRequired)
	if p.PrimaryMethod != api.MethodAppNotification || len(p.Methods) != 2 {
		t.Errorf("step_up_required = %+v, want bob's two methods and the primary", p)
	}
	// A login challenge cannot be started with the access token, nor a step-up with an mfa_token.
	c.fail("POST", api.PathChallenges, access, api.ChallengeRequest{Method: api.MethodSMS, Purpose: api.PurposeLogin}, http.StatusBadRequest, api.CodeValidation)
	mfa := c.loginState("bob", api.StateMFARequired).MFAToken
	c.fail("POST", api.PathChallenges, mfa, api.ChallengeRequest{Method: api.MethodSMS, Purpose: api.PurposePasswordChange}, http.StatusBadRequest, api.CodeValidation)

	tok := c.stepUp(access, "555-0102")
	// A weak password or a wrong current password does not use the token up.
	c.fail("POST", api.PathPassword, access, pwChange(server.DemoPassword, "1234567", tok), http.StatusBadRequest, api.CodeWeakPassword)
	c.fail("POST", api.PathPassword, access, pwChange("Wrong-Pass-2026", newPassword, tok), http.StatusForbidden, api.CodeInvalidCredentials)
	// Bound to the session: bob's other session cannot use it.
	c.fail("POST", api.PathPassword, other.Tokens.AccessToken, pwChange(server.DemoPassword, newPassword, tok), http.StatusForbidden, api.CodeInvalidStepUp)
	c.ok("POST", api.PathPassword, access, pwChange(server.DemoPassword, newPassword, tok), http.StatusNoContent, nil)

	// Single use.
	c.fail("POST", api.PathPassword, access, pwChange(newPassword, "Another-Fine-Pass-1", tok), http.StatusForbidden, api.CodeInvalidStepUp)
	// This session stays, the others end.
	c.ok("GET", api.PathMe, access, nil, http.StatusOK, nil)
	c.fail("GET", api.PathMe, other.Tokens.AccessToken, nil, http.StatusUnauthorized, api.CodeInvalidToken)
	c.fail("POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: other.Tokens.RefreshToken}, http.StatusUnauthorized, api.CodeInvalidToken)
	c.fail("POST", api.PathChallenges, mfa, api.ChallengeRequest{Method: api.MethodSMS}, http.StatusUnauthorized, api.CodeInvalidToken)
	// The new password signs in, the old one no longer.
	c.fail("POST", api.PathLogin, "", api.LoginRequest{Username: "bob", Password: server.DemoPassword}, http.StatusUnauthorized, api.CodeInvalidCredentials)
	if r := c.login("bob", newPassword); r.State != api.StateMFARequired {
		t.Errorf("sign-in with the new password: %+v", r)
	}
	// A long password is fine.
	long := strings.Repeat("long passphrase ", 8) // 128 characters
	if len(long) != 128 {
		t.Fatalf("len %d", len(long))
	}
	tok = c.stepUp(access, "555-0102")
	c.ok("POST", api.PathPassword, access, pwChange(newPassword, long, tok), http.StatusNoContent, nil)
}

func TestStepUpTokenBindings(t *testing.T) {
	c := start(t)
	bob := c.signInTOTP("bob").Tokens.AccessToken
	henry := c.signInTOTP("henry").Tokens.AccessToken
	henryTok := c.stepUp(henry, "555-0108")
	// Another member's token.
	c.fail("POST", api.PathPassword, bob, pwChange(server.DemoPassword, newPassword, henryTok), http.StatusForbidden, api.CodeInvalidStepUp)
	// A made-up one.
	c.fail("POST", api.PathPassword, bob, pwChange(server.DemoPassword, newPassword, "not-a-token"), http.StatusForbidden, api.CodeInvalidStepUp)

	// A token for another purpose, bound to bob's session, written into the store.
	var memberID string
	bobSession := c.signInTOTP("bob")
	st := c.inst.Server.Store()
	err := st.Read(context.Background(), func(tx store.Tx) error {
		m, err := tx.MemberByUsername("bob")
		memberID = m.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Find bob's session through a step-up token of the right purpose, then
	// forge one for another purpose in the same session.
	good := c.stepUp(bobSession.Tokens.AccessToken, "555-0102")
	var forged = "forged-purpose-token-0123456789abcdef"
	err = st.Write(context.Background(), func(tx store.Tx) error {
		su, err := tx.StepUpToken(hashOf(good))
		if err != nil {
			return err
		}
		return tx.InsertStepUpToken(store.StepUpToken{Hash: hashOf(forged), MemberID: memberID, SessionID: su.SessionID,
			Purpose: api.PurposeLogin, ChallengeID: su.ChallengeID, ExpiresAt: c.clock.Now().Add(time.Minute)})
	})
	if err != nil {
		t.Fatal(err)
	}
	c.fail("POST", api.PathPassword, bobSession.Tokens.AccessToken, pwChange(server.DemoPassword, newPassword, forged), http.StatusForbidden, api.CodeInvalidStepUp)

	// Expired after 5 minutes.
	c.clock.Advance(5*time.Minute + time.Second)
	c.fail("POST", api.PathPassword, bobSession.Tokens.AccessToken, pwChange(server.DemoPassword, newPassword, good), http.StatusForbidden, api.CodeInvalidStepUp)
	// Henry's, unused by bob's tries, has expired as well.
	c.fail("POST", api.PathPassword, henry, pwChange(server.DemoPassword, newPassword, henryTok), http.StatusForbidden, api.CodeInvalidStepUp)
}

func TestStepUpByPush(t *testing.T) {
	c := start(t)
	alice := c.signInTOTP("alice").Tokens.AccessToken
	var ch api.Challenge
	c.ok("POST", api.PathChallenges, alice, api.ChallengeRequest{Method: api.MethodAppNotification, Purpose: api.PurposePasswordChange}, http.StatusCreated, &ch)
	waiting := c.pollAsync(alice, ch.ChallengeID, 10)
	c.decide(c.inst.Demo(t, "alice").DeviceToken, ch.ChallengeID, api.DecisionApprove, ch.MatchNumber, http.StatusNoContent)
	p := <-waiting
	if p.body.Status != api.ChallengeApproved || p.body.State != api.StateStepUp || p.body.StepUpToken == "" || p.body.Tokens != nil {
		t.Fatalf("step-up long-poll: %s", p.raw)
	}
	if again := c.poll(alice, ch.ChallengeID, 0); again.body.StepUpToken != "" {
		t.Errorf("step-up token handed out twice: %s", again.raw)
	}
	c.ok("POST", api.PathPassword, alice, pwChange(server.DemoPassword, newPassword, p.body.StepUpToken), http.StatusNoContent, nil)
}

func TestPasswordChangeWithoutTwoStep(t *testing.T) {
	c := start(t)
	grace := c.loginState("grace", api.StateAuthenticated).Tokens.AccessToken
	c.fail("POST", api.PathPassword, grace, pwChange("nope-nope-nope", newPassword, ""), http.StatusForbidden, api.CodeInvalidCredentials)
	c.ok("POST", api.PathPassword, grace, pwChange(server.DemoPassword, newPassword, ""), http.StatusNoContent, nil)
	if r := c.login("grace", newPassword); r.State != api.StateAuthenticated {
		t.Errorf("grace with the new password: %+v", r)
	}
}

func TestPasswordChangeNeedsTwoStepSetup(t *testing.T) {
	c := start(t)
	bob := c.signInTOTP("bob").Tokens.AccessToken
	// Bob's factors vanish behind the API's back (as a legacy import would
	// leave them): two-step applies, nothing is active.
	err := c.inst.Server.Store().Write(context.Background(), func(tx store.Tx) error {
		m, err := tx.MemberByUsername("bob")
		if err != nil {
			return err
		}
		fs, err := tx.Factors(m.ID)
		if err != nil {
			return err
		}
		for _, f := range fs {
			if err := tx.DeleteFactor(f.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c.fail("POST", api.PathPassword, bob, pwChange(server.DemoPassword, newPassword, ""), http.StatusForbidden, api.CodeTwoStepSetupRequired)
}
