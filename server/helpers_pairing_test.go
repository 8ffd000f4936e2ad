package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

// adminMFA enrols the master administrator in two-step verification
// (authenticator + SMS, voluntary setup with its access token) and returns
// the access token of the session that Activate opens, which passed
// two-step verification: it survives any tightening of the policy.
func (c *tc) adminMFA() string {
	c.t.Helper()
	tok := c.admin()
	c.pairAuthenticator(tok)
	var sent api.CodeSent
	c.ok("POST", api.PathTwoStepSMS, tok, api.SMSSetupRequest{Phone: "555-0199"}, http.StatusCreated, &sent)
	c.confirmByCode(tok, sent, "555-0199")
	var r api.AuthResponse
	c.ok("POST", api.PathTwoStepActivate, tok, nil, http.StatusOK, &r)
	if r.State != api.StateAuthenticated || r.Tokens == nil {
		c.t.Fatalf("activate: %+v", r)
	}
	return r.Tokens.AccessToken
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
