package app_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/app/phone"
	"github.com/remotesupport/techconsole/i18n"
)

// alicePhone is the demo organisation's pre-paired phone for alice.
func alicePhone(t *testing.T, e *env) *phone.Phone {
	t.Helper()
	p, err := phone.Open(filepath.Join(t.TempDir(), "phone.json"), &app.MemoryKeychain{})
	if err != nil {
		t.Fatal(err)
	}
	d := e.srv.Demo(t, "alice")
	if _, err := p.AddDevice(context.Background(), d.OTPAuthURI, e.srv.URL, d.DeviceToken); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPushApprovedOnVirtualPhone: the console shows a number, the phone gets
// the push (long-poll), the member types the number there, and the console
// moves on as soon as the server answers its own long-poll (no poll interval).
func TestPushApprovedOnVirtualPhone(t *testing.T) {
	for _, v := range []api.ConsoleVersion{legacyV, currentV} {
		t.Run(v.String(), func(t *testing.T) {
			e := newEnv(t)
			ph := alicePhone(t, e)
			ctl, rec := e.controller(t, v)
			ctl.Login("alice", demoPassword, false)
			s := rec.waitFor(t, "push challenge", challengeWith(api.MethodAppNotification))
			if !s.Challenge.Waiting || len(s.Challenge.MatchNumber) != 2 {
				t.Fatalf("push view: %+v", s.Challenge)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			n, err := ph.Next(ctx, "alice")
			if err != nil {
				t.Fatal(err)
			}
			if n.Username != "alice" || n.ConsoleVersion != v.String() {
				t.Fatalf("notification %+v", n)
			}
			if err := ph.Approve(ctx, "alice", n.ID, s.Challenge.MatchNumber); err != nil {
				t.Fatal(err)
			}
			signedIn(t, rec, "alice")
		})
	}
}

func TestPushDeniedThenAnotherMethod(t *testing.T) {
	e := newEnv(t)
	ph := alicePhone(t, e)
	ctl, rec := e.controller(t, legacyV)
	ctl.Login("alice", demoPassword, false)
	s := rec.waitFor(t, "push challenge", challengeWith(api.MethodAppNotification))
	if !slices.Equal(s.Challenge.Others, []api.Method{api.MethodAuthenticatorApp}) {
		t.Fatalf("legacy others from push: %v", s.Challenge.Others)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	n, err := ph.Next(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := ph.Deny(ctx, "alice", n.ID); err != nil {
		t.Fatal(err)
	}
	s = rec.waitFor(t, "denied", func(s app.State) bool { return s.Alert != nil && s.Alert.Kind == app.AlertDenied })
	if s.Challenge.Active || s.Challenge.Waiting {
		t.Fatalf("denied challenge still open: %+v", s.Challenge)
	}
	ctl.ChooseMethod(api.MethodAuthenticatorApp)
	rec.waitFor(t, "totp", challengeWith(api.MethodAuthenticatorApp))
	code, err := ph.Code(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	ctl.SubmitCode(code.Code)
	signedIn(t, rec, "alice")
}

// TestPairingRegistersForPush: erin pairs the virtual phone with the setup QR
// URI; after activation she has app notification and signs in with a push.
func TestPairingRegistersForPush(t *testing.T) {
	e := newEnv(t)
	ph, _ := phone.Open(filepath.Join(t.TempDir(), "phone.json"), &app.MemoryKeychain{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ctl, rec := e.controller(t, currentV)
	ctl.Login("erin", demoPassword, false)
	rec.waitFor(t, "overview", setupPhase(app.SetupOverview))
	ctl.StartPairing()
	s := rec.waitFor(t, "pairing", setupPhase(app.SetupPairing))
	acct, err := ph.Pair(ctx, s.Setup.Pairing.OTPAuthURI)
	if err != nil || !acct.Push() {
		t.Fatalf("pair: %+v %v", acct, err)
	}
	code, _ := ph.Code(ctx, "erin")
	ctl.ConfirmAuthenticator(code.Code)
	rec.waitFor(t, "backup entry", setupPhase(app.SetupBackupEntry))
	ctl.StartSMS("555-0166")
	rec.waitFor(t, "backup code", setupPhase(app.SetupBackupCode))
	ctl.ConfirmBackup(e.srv.LastCode(t, "555-0166"))
	rec.waitFor(t, "overview", setupPhase(app.SetupOverview))
	ctl.Activate()
	signedIn(t, rec, "erin")
	ctl.SignOut()
	rec.idle(t, app.StepSignedOut)

	ctl.Login("erin", demoPassword, false)
	s = rec.waitFor(t, "push", challengeWith(api.MethodAppNotification))
	n, err := ph.Next(ctx, "erin")
	if err != nil {
		t.Fatal(err)
	}
	if err := ph.Approve(ctx, "erin", n.ID, s.Challenge.MatchNumber); err != nil {
		t.Fatal(err)
	}
	signedIn(t, rec, "erin")
}

// TestChangePasswordWithStepUp: bob must use 2FA, so the server asks for a
// step-up; the console runs the challenge and retries with its token.
func TestChangePasswordWithStepUp(t *testing.T) {
	e := newEnv(t)
	service := e.useOSKeychain(t, "bob")
	ctx := context.Background()
	ctl, rec := e.controller(t, currentV)
	signInBob(t, ctl, rec, true)
	before, _ := e.kc.Get(ctx, service, "bob")

	ctl.OpenChangePassword()
	rec.idle(t, app.StepChangePassword)
	ctl.ChangePassword(demoPassword, "password")
	s := rec.waitFor(t, "weak password", func(s app.State) bool { return s.Alert != nil && !s.Busy })
	if s.Step != app.StepChangePassword || s.Alert.Kind != app.AlertWeakPassword && s.Alert.Kind != app.AlertError {
		t.Fatalf("weak password: %s %+v", s.Step, s.Alert)
	}
	ctl.ChangePassword(demoPassword, "Brand-New-Pass-2027")
	s = rec.waitFor(t, "step-up challenge", challengeWith(api.MethodAuthenticatorApp))
	if s.Challenge.Purpose != api.PurposePasswordChange {
		t.Fatalf("purpose %s", s.Challenge.Purpose)
	}
	// bob's TOTP step was used at sign-in: the step-up goes by SMS.
	ctl.ChooseMethod(api.MethodSMS)
	rec.waitFor(t, "sms step-up", challengeWith(api.MethodSMS))
	ctl.SubmitCode(e.srv.LastCode(t, demo(t, "bob").Phone))
	s = rec.waitFor(t, "changed", func(s app.State) bool {
		return !s.Busy && (s.Step == app.StepSignedIn || s.Step == app.StepSignedOut) && strings.Contains(i18n.English(s.Notice), "password was changed")
	})
	after, err := e.kc.Get(ctx, service, "bob")
	switch s.Step {
	case app.StepSignedIn:
		if err != nil || after == before {
			t.Fatalf("keychain entry not replaced: %v", err)
		}
	case app.StepSignedOut:
		if err != app.ErrNoEntry {
			t.Fatalf("ended session left in the keychain: %v", err)
		}
	}
	// The new password signs in.
	ctl.SignOut()
	rec.idle(t, app.StepSignedOut)
	ctl.Login("bob", "Brand-New-Pass-2027", false)
	rec.waitFor(t, "challenge with new password", func(s app.State) bool { return s.Step == app.StepChallenge && !s.Busy })
}

// TestChangePasswordWithoutTwoStep: grace's group does not enforce 2FA.
func TestChangePasswordWithoutTwoStep(t *testing.T) {
	e := newEnv(t)
	ctl, rec := e.controller(t, legacyV)
	ctl.Login("grace", demoPassword, false)
	signedIn(t, rec, "grace")
	ctl.OpenChangePassword()
	rec.idle(t, app.StepChangePassword)
	ctl.ChangePassword("Wrong-Current-1", "Brand-New-Pass-2027")
	s := rec.waitFor(t, "wrong current", func(s app.State) bool { return s.Alert != nil && !s.Busy })
	if s.Alert.Kind != app.AlertInvalidCredentials {
		t.Fatalf("wrong current password: %+v", s.Alert)
	}
	ctl.ChangePassword(demoPassword, "Brand-New-Pass-2027")
	rec.waitFor(t, "changed", func(s app.State) bool {
		return !s.Busy && strings.Contains(i18n.English(s.Notice), "password was changed")
	})
}
