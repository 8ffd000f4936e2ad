package app_test

import (
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/i18n"
)

// TestMessagesSayWhatToDo pins the wording of answers that used to mislead.
func TestMessagesSayWhatToDo(t *testing.T) {
	t.Run("a bad phone number says what a valid one looks like", func(t *testing.T) {
		e := newEnv(t)
		ctl, rec := e.controller(t, currentV)
		ctl.Login("erin", demoPassword, false)
		rec.waitFor(t, "setup overview", setupPhase(app.SetupOverview))
		ctl.StartPairing()
		s := rec.waitFor(t, "pairing", setupPhase(app.SetupPairing))
		ctl.ConfirmAuthenticator(totpNow(t, s.Setup.Pairing.Secret))
		rec.waitFor(t, "backup entry", setupPhase(app.SetupBackupEntry))
		ctl.StartBackup(api.MethodSMS, "call me maybe")
		s = rec.waitFor(t, "refusal", func(s app.State) bool { return s.Alert != nil && !s.Busy })
		if m := i18n.English(s.Alert.Message); !strings.Contains(m, "+1 555 010 2030") || strings.Contains(m, "Something went wrong") || strings.Contains(m, "phone may hold") {
			t.Errorf("bad phone number: %q", m)
		}
	})
	t.Run("five wrong codes end the sign-in and say so", func(t *testing.T) {
		e := newEnv(t)
		ctl, rec := e.controller(t, currentV)
		ctl.Login("bob", demoPassword, false)
		rec.waitFor(t, "prompt", func(s app.State) bool { return s.Step == app.StepChallenge && !s.Busy && s.Challenge.Active })
		var s app.State
		for i := 0; i < 5 && s.Step != app.StepSignedOut; i++ {
			ctl.SubmitCode(wrongCode(totpNow(t, demo(t, "bob").TOTPSecret), i))
			s = rec.waitFor(t, "an answer", func(s app.State) bool { return !s.Busy && s.Alert != nil })
		}
		if s.Step != app.StepSignedOut || s.Alert.Kind != app.AlertFailed || !strings.Contains(i18n.English(s.Alert.Message), "Sign in again") {
			t.Fatalf("after 5 wrong codes: step %s, alert %+v; want the sign-in form saying to sign in again", s.Step, s.Alert)
		}
		if strings.Contains(i18n.English(s.Alert.Message), "expired") {
			t.Errorf("after 5 wrong codes: %q speaks of an expiry", i18n.English(s.Alert.Message))
		}
	})
	t.Run("password not changed is no news on the signed-in page", func(t *testing.T) {
		e := newEnv(t)
		ctl, rec := e.controller(t, currentV)
		ctl.Login("bob", demoPassword, false)
		rec.waitFor(t, "prompt", func(s app.State) bool { return s.Step == app.StepChallenge && !s.Busy && s.Challenge.Active })
		ctl.SubmitCode(totpNow(t, demo(t, "bob").TOTPSecret))
		rec.idle(t, app.StepSignedIn)
		ctl.OpenChangePassword()
		rec.idle(t, app.StepChangePassword)
		ctl.ChangePassword(demoPassword, "Another-Pass-2026!")
		rec.waitFor(t, "step-up prompt", func(s app.State) bool { return s.Step == app.StepChallenge && !s.Busy })
		ctl.Cancel()
		if s := rec.idle(t, app.StepChangePassword); i18n.English(s.Notice) != "Password not changed." {
			t.Errorf("after a cancelled step-up: notice %q", i18n.English(s.Notice))
		}
		ctl.Cancel()
		if s := rec.idle(t, app.StepSignedIn); !s.Notice.IsZero() {
			t.Errorf("back on the signed-in page the notice %q shows as a success", i18n.English(s.Notice))
		}
	})
	t.Run("an authenticator code used twice", func(t *testing.T) {
		e := newEnv(t)
		ctl, rec := e.controller(t, currentV)
		code := totpNow(t, demo(t, "bob").TOTPSecret)
		for i := range 2 {
			ctl.Login("bob", demoPassword, false)
			rec.waitFor(t, "prompt", func(s app.State) bool { return s.Step == app.StepChallenge && !s.Busy && s.Challenge.Active })
			ctl.SubmitCode(code)
			s := rec.waitFor(t, "an answer", func(s app.State) bool { return !s.Busy && (s.Alert != nil || s.Step == app.StepSignedIn) })
			if i == 0 {
				if s.Step != app.StepSignedIn {
					t.Fatalf("first use: %+v", s.Alert)
				}
				ctl.SignOut()
				rec.idle(t, app.StepSignedOut)
				continue
			}
			if s.Alert == nil || !strings.Contains(i18n.English(s.Alert.Message), "already used") || !strings.Contains(i18n.English(s.Alert.Message), "next code") {
				t.Errorf("second use of a code: %+v", s.Alert)
			}
		}
	})
}

// wrongCode is a 6-digit code other than code (i varies it).
func wrongCode(code string, i int) string {
	b := []byte(code)
	for j := range b {
		b[j] = '0' + (b[j]-'0'+byte(1+i%9))%10
	}
	return string(b)
}
