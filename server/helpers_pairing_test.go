package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// adminMFA enrols the master administrator in two-step verification
// (authenticator + SMS, voluntary setup with its access token: the first
// factor needs no step-up, the second one a step-up with the first) and
// returns the access token of that session, which Activate upgraded: it
// passed two-step verification and survives any tightening of the policy.
func (c *tc) adminMFA() string {
	c.t.Helper()
	tok := c.admin()
	setup := c.pairAuthenticator(tok)
	c.clock.Advance(30 * time.Second) // the step-up needs a fresh time step
	stepUp := c.stepUpTOTP(tok, api.PurposeManageTwoStep, setup.Secret)
	var sent api.CodeSent
	c.ok("POST", api.PathTwoStepSMS, tok, api.SMSSetupRequest{Phone: "555-0199", StepUpToken: stepUp}, http.StatusCreated, &sent)
	c.confirmByCode(tok, sent, "555-0199")
	var r api.AuthResponse
	c.ok("POST", api.PathTwoStepActivate, tok, nil, http.StatusOK, &r)
	if r.State != api.StateAuthenticated || r.Tokens != nil || r.User == nil {
		c.t.Fatalf("activate with an access token: %+v", r)
	}
	return tok
}

// stepUpTOTP passes a step-up challenge for purpose with the access token
// and the authenticator of secret, and returns the step-up token.
func (c *tc) stepUpTOTP(access string, purpose api.Purpose, secret string) string {
	c.t.Helper()
	var ch api.Challenge
	c.ok("POST", api.PathChallenges, access, api.ChallengeRequest{Method: api.MethodAuthenticatorApp, Purpose: purpose}, http.StatusCreated, &ch)
	var r api.AuthResponse
	c.ok("POST", api.PathChallengeVerify(ch.ChallengeID), access, api.VerifyRequest{Code: c.totpCode(secret)}, http.StatusOK, &r)
	if r.State != api.StateStepUp || r.StepUpToken == "" || r.Tokens != nil {
		c.t.Fatalf("step-up for %s: %+v", purpose, r)
	}
	return r.StepUpToken
}

func (c *tc) startPairing(bearer string) api.AuthenticatorSetup {
	c.t.Helper()
	var setup api.AuthenticatorSetup
	c.ok("POST", api.PathTwoStepAuth, bearer, nil, http.StatusCreated, &setup)
	return setup
}

// pushToken reads the push_token parameter of a pairing URI.
func pushToken(t testing.TB, otpauthURI string) string {
	t.Helper()
	u, err := url.Parse(otpauthURI)
	if err != nil {
		t.Fatalf("pairing URI: %v", err)
	}
	tok := u.Query().Get("push_token")
	if tok == "" || u.Query().Get("push_url") == "" {
		t.Fatalf("pairing URI without push_url/push_token")
	}
	return tok
}

// hashOf is how the server stores a token (SHA-256, hex), for tests that
// reach into the store.
func hashOf(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}
