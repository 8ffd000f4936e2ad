package server_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestNoSecretInTheLog: a sign-in with an SMS code, a first-time setup and an
// admin action log events, but never a password, code, token or TOTP secret.
func TestNoSecretInTheLog(t *testing.T) {
	var logs lockedBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := start(t, servertest.WithLogger(logger))
	var secrets []string

	r := c.loginState("bob", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodSMS)
	code := c.inst.LastCode(t, "555-0102")
	out := c.verify(r.MFAToken, ch.ChallengeID, code)
	secrets = append(secrets, server.DemoPassword, r.MFAToken, code, out.Tokens.AccessToken, out.Tokens.RefreshToken, demo(t, "bob").TOTPSecret)

	setupTok := c.loginState("erin", api.StateMFASetupRequired).MFAToken
	setup := c.pairAuthenticator(setupTok)
	secrets = append(secrets, setupTok, setup.Secret)

	admin := c.admin()
	secrets = append(secrets, c.inst.AdminPassword, admin)
	c.ok("POST", api.PathAdminMembers, admin, api.MemberRequest{Username: ptr("lena"), Password: ptr("Lena-Secret-Pass-2026"),
		GroupID: ptr(c.groupByName(admin, "Back Office").ID)}, http.StatusCreated, nil)
	secrets = append(secrets, "Lena-Secret-Pass-2026")
	c.fail("POST", api.PathLogin, "", api.LoginRequest{Username: "bob", Password: "Wrong-Guess-2026"}, http.StatusUnauthorized, api.CodeInvalidCredentials)
	secrets = append(secrets, "Wrong-Guess-2026")

	got := logs.String()
	if !strings.Contains(got, "sign_in.ok") {
		t.Fatalf("the log shows no sign-in at all:\n%s", got)
	}
	for _, s := range secrets {
		if strings.Contains(got, s) {
			t.Errorf("the log holds a secret (%d characters)", len(s))
		}
	}
}
