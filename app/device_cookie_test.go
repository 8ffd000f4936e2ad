package app_test

import (
	"context"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/client"
)

// TestDeviceCookieKeptAndSent: the console keeps the device cookie of each
// sign-in in the OS keychain (with or without "Keep me signed in", across
// sign-out), presents it at the next sign-in — which then gets past a lockout
// caused by someone else's wrong passwords — and keeps the fresh one.
func TestDeviceCookieKeptAndSent(t *testing.T) {
	e := newEnv(t)
	e.useOSKeychain(t, "grace")
	ctx := context.Background()
	service := app.DeviceCookieService(e.key())

	ctl, rec := e.controller(t, currentV)
	ctl.Login("grace", demoPassword, false)
	signedIn(t, rec, "grace")
	first, err := e.kc.Get(ctx, service, "grace")
	if err != nil || first == "" {
		t.Fatalf("device cookie in the keychain after sign-in: %v", err)
	}
	if _, err := e.kc.Get(ctx, app.ServiceName(e.key()), "grace"); err != app.ErrNoEntry {
		t.Fatalf("a refresh token kept without \"Keep me signed in\": %v", err)
	}
	ctl.SignOut()
	rec.idle(t, app.StepSignedOut)
	if c, err := e.kc.Get(ctx, service, "grace"); err != nil || c != first {
		t.Fatalf("device cookie after sign-out: %v (unchanged: %t)", err, c == first)
	}

	// Someone else guesses grace's password until clients without a cookie are locked out.
	attacker, err := client.New(e.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if _, err := attacker.Login(ctx, "grace", "Wrong-Guess-2026"); !client.IsCode(err, api.CodeInvalidCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if _, err := attacker.Login(ctx, "grace", demoPassword); !client.IsCode(err, api.CodeTooManyAttempts) {
		t.Fatalf("after 10 wrong passwords: %v, want too_many_attempts", err)
	}

	// This console presents its cookie: signed in, and the fresh cookie replaces the old one.
	ctl.Login("grace", demoPassword, false)
	if s := signedIn(t, rec, "grace"); s.Alert != nil {
		t.Fatalf("alert: %+v", s.Alert)
	}
	second, err := e.kc.Get(ctx, service, "grace")
	if err != nil || second == "" || second == first {
		t.Fatalf("device cookie after the second sign-in: %v (replaced: %t)", err, second != first)
	}
}
