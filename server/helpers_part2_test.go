package server_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// adminMFA enrols the master administrator in two-step verification
// (authenticator + SMS, voluntary setup with its access token) and returns
// the access token of the session that Activate opens, which passed
// two-step verification: it survives any tightening of the policy.
func (c *tc) adminMFA() string {
	c.t.Helper()
	tok := c.admin()
	_, secret := c.pairAuthenticator(tok)
	var sent api.CodeSent
	c.ok("POST", api.PathTwoStepSMS, tok, api.SMSSetupRequest{Phone: "555-0199"}, http.StatusCreated, &sent)
	c.ok("POST", api.PathFactorConfirm(sent.FactorID), tok, api.VerifyRequest{Code: c.inst.LastCode(c.t, "555-0199")}, http.StatusOK, nil)
	var r api.AuthResponse
	c.ok("POST", api.PathTwoStepActivate, tok, nil, http.StatusOK, &r)
	if r.State != api.StateAuthenticated || r.Tokens == nil {
		c.t.Fatalf("activate: %+v", r)
	}
	_ = secret
	return r.Tokens.AccessToken
}

// pairAuthenticator starts pairing and confirms the new secret with a code;
// it returns the setup answer (with the push_token in its URI) and the secret.
func (c *tc) pairAuthenticator(bearer string) (api.AuthenticatorSetup, string) {
	c.t.Helper()
	setup := c.startPairing(bearer)
	c.ok("POST", api.PathFactorConfirm(setup.FactorID), bearer, api.VerifyRequest{Code: c.totpCode(setup.Secret)}, http.StatusOK, nil)
	c.clock.Advance(30 * time.Second)
	return setup, setup.Secret
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
