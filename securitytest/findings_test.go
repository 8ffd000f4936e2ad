//go:build securityfindings

package securitytest

// Findings in server part 1 that were reported rather than fixed (the fix
// changes what the contract means, not one line). Run with
// `go test -tags securityfindings ./securitytest/`.

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/server"
)

// A member who confirms the authenticator during first-time setup but never
// adds a backup nor presses Activate is, at the next sign-in, treated as
// enrolled (mfa_required with the authenticator alone): Activate's rule
// (authenticator plus an SMS or email backup) is skipped for good.
func TestAbandonedSetupStillNeedsActivate(t *testing.T) {
	r := Start(t)
	tok := r.LoginState(t, "erin", api.StateMFASetupRequired).MFAToken
	var pair api.AuthenticatorSetup
	r.OK(t, "POST", api.PathTwoStepAuth, tok, nil, http.StatusCreated, &pair)
	r.NextStep()
	r.OK(t, "POST", api.PathFactorConfirm(pair.FactorID), tok, api.VerifyRequest{Code: Code(t, pair.Secret, r.Now())}, http.StatusOK, nil)
	// The member closes the console here and signs in again later.
	a := r.Login(t, "erin", "Demo-Pass-2026")
	if a.State != api.StateMFASetupRequired {
		t.Fatalf("after an abandoned setup: state %q with methods %v, want mfa_setup_required", a.State, a.Methods)
	}
}

// Package app (console core) documents State as "a plain value: subscribers
// get their own copy and may keep it", but the copy is shallow: Setup,
// Challenge, Alert and User point into the controller's own state, which the
// next action changes in place. A screen (or test) that keeps a State sees it
// change under its feet, and reading it while an action runs is a data race
// (`go test -race` flags it). Found through TestConsoleFilesAndLogHoldNoSecret.
func TestKeptStateDoesNotChangeLater(t *testing.T) {
	r := Start(t)
	ctl, err := app.NewController(app.Config{ServerURL: r.Base})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ctl.Close)
	wait := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := ctl.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	ctl.Login("erin", server.DemoPassword, false)
	wait()
	kept := ctl.State()
	if kept.Setup == nil {
		t.Fatalf("erin not in setup: %+v", kept)
	}
	phase := kept.Setup.Phase
	ctl.StartPairing()
	wait()
	if kept.Setup.Phase != phase || kept.Setup.Pairing != nil {
		t.Fatalf("a State kept at phase %q now says %q with a pairing: published states share Setup with the controller", phase, kept.Setup.Phase)
	}
}
