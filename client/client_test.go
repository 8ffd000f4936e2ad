package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/server/servertest"
)

var legacy = api.ConsoleVersion{Major: 7, Minor: 50, Build: 3572}

func newClient(t *testing.T, url string, opts ...client.Option) *client.Client {
	t.Helper()
	c, err := client.New(url, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestProblemDecodingAgainstServer(t *testing.T) {
	srv := servertest.Start(t)
	ctx := context.Background()
	c := newClient(t, srv.URL, client.WithVersion(legacy))

	_, err := c.Login(ctx, "bob", "wrong-password-1")
	e, ok := client.AsError(err)
	if !ok || e.Status != http.StatusUnauthorized || e.Code != api.CodeInvalidCredentials {
		t.Fatalf("wrong password: %v", err)
	}
	if strings.Contains(err.Error(), "wrong-password-1") {
		t.Fatalf("error repeats the password: %v", err)
	}

	// A wrong code says how many attempts are left.
	login, err := c.Login(ctx, "bob", "Demo-Pass-2026")
	if err != nil || login.State != api.StateMFARequired {
		t.Fatalf("login: %+v, %v", login, err)
	}
	ch, err := c.StartChallenge(ctx, login.MFAToken, api.ChallengeRequest{Method: api.MethodSMS, Purpose: api.PurposeLogin})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Verify(ctx, login.MFAToken, ch.ChallengeID, "000000")
	if !client.IsCode(err, api.CodeInvalidCode) {
		t.Fatalf("wrong code: %v", err)
	}
	if e, _ := client.AsError(err); e.AttemptsLeft != 4 {
		t.Fatalf("attempts left = %d, want 4", e.AttemptsLeft)
	}
	// A resend inside the cooldown carries the time to wait.
	_, err = c.Resend(ctx, login.MFAToken, ch.ChallengeID)
	e, ok = client.AsError(err)
	if !ok || e.Code != api.CodeResendTooSoon || e.Status != http.StatusTooManyRequests || e.RetryAfter <= 0 || e.RetryAfter > 30*time.Second {
		t.Fatalf("resend too soon: %+v (%v)", e, err)
	}
	// The right code signs in.
	out, err := c.Verify(ctx, login.MFAToken, ch.ChallengeID, srv.LastCode(t, "555-0102"))
	if err != nil || out.State != api.StateAuthenticated || out.Tokens == nil || out.User.Username != "bob" {
		t.Fatalf("verify: %+v, %v", out, err)
	}
	me, err := c.Me(ctx, out.Tokens.AccessToken)
	if err != nil || me.Username != "bob" {
		t.Fatalf("me: %+v, %v", me, err)
	}
	tok, err := c.Refresh(ctx, out.Tokens.RefreshToken)
	if err != nil || tok.RefreshToken == out.Tokens.RefreshToken {
		t.Fatalf("refresh: %v", err)
	}
	if _, err := c.Refresh(ctx, out.Tokens.RefreshToken); !client.IsCode(err, api.CodeInvalidToken) {
		t.Fatalf("reused refresh token: %v", err)
	}
}

func TestTOTPChallengeAndLogout(t *testing.T) {
	srv := servertest.Start(t)
	ctx := context.Background()
	c := newClient(t, srv.URL)
	bob, _ := servertest.Demo("bob")
	login, err := c.Login(ctx, "bob", bob.Password)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := c.StartChallenge(ctx, login.MFAToken, api.ChallengeRequest{Method: api.MethodAuthenticatorApp, Purpose: api.PurposeLogin})
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(bob.TOTPSecret, time.Now())
	out, err := c.Verify(ctx, login.MFAToken, ch.ChallengeID, code)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Logout(ctx, out.Tokens.AccessToken, out.Tokens.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Me(ctx, out.Tokens.AccessToken); !client.IsCode(err, api.CodeInvalidToken) {
		t.Fatalf("after logout: %v", err)
	}
}

func TestUnreachable(t *testing.T) {
	ln := httptest.NewServer(http.NotFoundHandler())
	url := ln.URL
	ln.Close() // nothing listens there any more
	c := newClient(t, url, client.WithRetries(0))
	_, err := c.Login(context.Background(), "bob", "x")
	if !errors.Is(err, client.ErrUnreachable) || !strings.Contains(err.Error(), "server unreachable") {
		t.Fatalf("err = %v, want server unreachable", err)
	}
}

// The cases below need answers the reference server never gives (HTML from a
// proxy, a Retry-After header alone, a hung connection), so they use httptest.

func TestHeadersRetryAfterAndRetries(t *testing.T) {
	var gets, posts atomic.Int32
	var ua, ver atomic.Value
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua.Store(r.Header.Get("User-Agent"))
		ver.Store(r.Header.Get(api.ConsoleVersionHeader))
		switch r.Method {
		case http.MethodGet:
			if gets.Add(1) < 3 {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusBadGateway)
				w.Write([]byte("<html>bad gateway</html>"))
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"username":"bob"}`))
		case http.MethodPost:
			posts.Add(1)
			w.Header().Set("Content-Type", api.ProblemContentType)
			w.Header().Set("Retry-After", "42")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"type":"x","title":"Busy","status":503,"code":"busy","detail":"try later"}`))
		}
	})
	ts := httptest.NewServer(h)
	defer ts.Close()
	c := newClient(t, ts.URL, client.WithVersion(legacy))
	me, err := c.Me(context.Background(), "tok")
	if err != nil || me.Username != "bob" || gets.Load() != 3 {
		t.Fatalf("GET with two 502s: %v after %d tries", err, gets.Load())
	}
	if ua.Load() != "TechnicianConsole/7.50.3572" || ver.Load() != "7.50.3572" {
		t.Fatalf("headers: UA %q, version %q", ua.Load(), ver.Load())
	}
	_, err = c.Login(context.Background(), "bob", "pw")
	e, ok := client.AsError(err)
	if !ok || e.Code != api.CodeBusy || e.RetryAfter != 42*time.Second || e.Detail != "try later" {
		t.Fatalf("busy: %+v", e)
	}
	if posts.Load() != 1 {
		t.Fatalf("POST tried %d times, want once", posts.Load())
	}
	// A non-problem error body still becomes an *Error.
	gets.Store(-10)
	_, err = newClient(t, ts.URL, client.WithRetries(0)).Me(context.Background(), "tok")
	if e, ok := client.AsError(err); !ok || e.Status != http.StatusBadGateway || e.Code != "" {
		t.Fatalf("html 502: %v", err)
	}
}

func TestLongPollCancelAndTimeout(t *testing.T) {
	block := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer ts.Close()
	defer close(block)
	c := newClient(t, ts.URL, client.WithRetries(0), client.WithTimeout(200*time.Millisecond))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.WaitChallenge(ctx, "tok", "ch_1", 25*time.Second)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) || errors.Is(err, client.ErrUnreachable) {
		t.Fatalf("cancelled long-poll: %v", err)
	}
	// An ordinary call times out after its own timeout.
	_, err := c.Login(context.Background(), "bob", "pw")
	var ue *client.UnreachableError
	if !errors.As(err, &ue) || !ue.Timeout() {
		t.Fatalf("timeout: %v", err)
	}
}

func TestNormalizeURL(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:8080":          "http://127.0.0.1:8080",
		"https://auth.example/":   "https://auth.example",
		" http://h:1/api/v1?x=1 ": "http://h:1",
	} {
		if got, err := client.NormalizeURL(in); err != nil || got != want {
			t.Errorf("%q: %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "ftp://h", "http://", "http://u:p@h"} {
		if _, err := client.NormalizeURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestLoginWithDeviceCookie: the cookie of a right password is sent back on
// the next sign-in, which gets past a lockout of the untrusted clients.
func TestLoginWithDeviceCookie(t *testing.T) {
	srv := servertest.Start(t)
	ctx := context.Background()
	c := newClient(t, srv.URL)
	first, err := c.Login(ctx, "bob", "Demo-Pass-2026")
	if err != nil || first.DeviceCookie == "" {
		t.Fatalf("sign-in: device cookie %t, %v", first != nil && first.DeviceCookie != "", err)
	}
	for range 10 {
		if _, err := c.Login(ctx, "bob", "wrong-password"); !client.IsCode(err, api.CodeInvalidCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if _, err := c.Login(ctx, "bob", "Demo-Pass-2026"); !client.IsCode(err, api.CodeTooManyAttempts) {
		t.Fatalf("without the cookie after 10 failures: %v, want too_many_attempts", err)
	}
	again, err := c.LoginWithDeviceCookie(ctx, "bob", "Demo-Pass-2026", first.DeviceCookie)
	if err != nil || again.State != api.StateMFARequired || again.DeviceCookie == "" || again.DeviceCookie == first.DeviceCookie {
		t.Fatalf("with the cookie: %v (a fresh cookie: %t)", err, again != nil && again.DeviceCookie != "" && again.DeviceCookie != first.DeviceCookie)
	}
}
