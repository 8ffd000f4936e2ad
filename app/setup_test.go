package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/client"
)

func setupPhase(p app.SetupPhase) func(app.State) bool {
	return func(s app.State) bool {
		return s.Step == app.StepSetup && !s.Busy && s.Setup != nil && s.Setup.Phase == p
	}
}

func TestFirstTimeSetup(t *testing.T) {
	for _, tc := range []struct {
		name    string
		version api.ConsoleVersion
		backup  api.Method
		dest    string
		options []api.Method
	}{
		{"legacy sms", legacyV, api.MethodSMS, "555-0199", []api.Method{api.MethodSMS}},
		{"current email", currentV, api.MethodEmail, "erin.new@example.com", []api.Method{api.MethodSMS, api.MethodEmail}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ctl, rec := e.controller(t, tc.version)
			ctl.Login("erin", demoPassword, false)
			s := rec.waitFor(t, "setup overview", setupPhase(app.SetupOverview))
			if s.Setup.Reset || s.Setup.Authenticator != nil || s.Setup.Backup != nil || s.Setup.CanActivate {
				t.Fatalf("first-time setup view: %+v", s.Setup)
			}
			if !slices.Equal(s.Setup.BackupOptions, tc.options) || s.Setup.BackupMethod != api.MethodSMS {
				t.Fatalf("backup options %v pre-selected %s", s.Setup.BackupOptions, s.Setup.BackupMethod)
			}
			ctl.Activate()
			s = rec.waitFor(t, "setup incomplete", func(s app.State) bool { return s.Alert != nil && !s.Busy })
			if s.Alert.Kind != app.AlertSetupIncomplete || !strings.Contains(s.Alert.Message, "mobile app") {
				t.Fatalf("activate too early: %+v", s.Alert)
			}

			ctl.StartPairing()
			s = rec.waitFor(t, "pairing", setupPhase(app.SetupPairing))
			p := s.Setup.Pairing
			if p == nil || p.Secret == "" || !strings.HasPrefix(p.OTPAuthURI, "otpauth://totp/") || len(p.QRPNG) < 8 || string(p.QRPNG[1:4]) != "PNG" {
				t.Fatalf("pairing: %+v", p)
			}
			ctl.ConfirmAuthenticator("000000")
			s = rec.waitFor(t, "wrong code", func(s app.State) bool { return s.Alert != nil && !s.Busy })
			if s.Alert.Kind != app.AlertInvalidCode || s.Setup.Phase != app.SetupPairing {
				t.Fatalf("wrong authenticator code: %+v in %s", s.Alert, s.Setup.Phase)
			}
			ctl.ConfirmAuthenticator(totpNow(t, p.Secret))
			s = rec.waitFor(t, "backup entry", setupPhase(app.SetupBackupEntry))
			if s.Setup.Authenticator == nil || s.Setup.Authenticator.Status != api.FactorActive {
				t.Fatalf("authenticator after confirm: %+v", s.Setup.Authenticator)
			}
			ctl.StartBackup(tc.backup, tc.dest)
			s = rec.waitFor(t, "backup code", setupPhase(app.SetupBackupCode))
			if s.Setup.BackupSentTo == "" || s.Setup.BackupMethod != tc.backup {
				t.Fatalf("backup code view: %+v", s.Setup)
			}
			ctl.ConfirmBackup(e.srv.LastCode(t, tc.dest))
			s = rec.waitFor(t, "overview", setupPhase(app.SetupOverview))
			if !s.Setup.CanActivate || s.Setup.Backup == nil || s.Setup.Backup.Method != tc.backup {
				t.Fatalf("overview before activate: %+v", s.Setup)
			}
			ctl.Activate()
			signedIn(t, rec, "erin")
		})
	}
}

func TestLegacyCannotSetUpEmail(t *testing.T) {
	e := newEnv(t)
	ctl, rec := e.controller(t, legacyV)
	ctl.Login("erin", demoPassword, false)
	rec.waitFor(t, "overview", setupPhase(app.SetupOverview))
	ctl.EditBackup()
	rec.waitFor(t, "backup entry", setupPhase(app.SetupBackupEntry))
	ctl.StartBackup(api.MethodEmail, "erin@example.com")
	s := rec.waitFor(t, "refused", func(s app.State) bool { return s.Alert != nil && !s.Busy })
	if !strings.Contains(s.Alert.Message, "newer console") || s.Setup.Phase != app.SetupBackupEntry {
		t.Fatalf("legacy email backup: %+v", s.Alert)
	}
}

func TestSetupAfterReset(t *testing.T) {
	e := newEnv(t)
	frank := demo(t, "frank")
	ctl, rec := e.controller(t, currentV)
	ctl.Login("frank", demoPassword, false)
	// The SMS backup survived the lost-phone reset: it is verified first.
	s := rec.waitFor(t, "verify the backup", setupPhase(app.SetupVerifyBackup))
	if !s.Setup.Reset || s.Setup.Authenticator == nil || s.Setup.Authenticator.Status != api.FactorReset ||
		s.Setup.Backup == nil || s.Setup.Backup.Method != api.MethodSMS || s.Setup.Backup.Status != api.FactorActive || s.Setup.CanActivate {
		t.Fatalf("after-reset view: %+v auth=%+v backup=%+v", s.Setup, s.Setup.Authenticator, s.Setup.Backup)
	}
	if v := s.Setup.VerifyBackup; v == nil || v.FactorID != s.Setup.Backup.ID || v.Method != api.MethodSMS || v.SentTo != "***0106" || !v.Supported {
		t.Fatalf("backup to verify: %+v", s.Setup.VerifyBackup)
	}
	// Edit needs the code first.
	ctl.EditBackup()
	s = rec.waitFor(t, "edit refused", func(s app.State) bool { return s.Alert != nil && !s.Busy })
	if s.Setup.Phase != app.SetupVerifyBackup || !strings.Contains(s.Alert.Message, "***0106") {
		t.Fatalf("edit before the backup was verified: phase %s, %+v", s.Setup.Phase, s.Alert)
	}
	// Pairing first is refused by the server: the console stays on the check.
	ctl.StartPairing()
	s = rec.waitFor(t, "pairing refused", func(s app.State) bool {
		return !s.Busy && s.Alert != nil && s.Alert.Code == api.CodeBackupVerificationRequired
	})
	if s.Setup.Phase != app.SetupVerifyBackup || s.Setup.Pairing != nil || s.Setup.VerifyBackup == nil {
		t.Fatalf("pairing before the backup was verified: %+v", s.Setup)
	}
	ctl.SendBackupCode()
	s = rec.waitFor(t, "backup code", setupPhase(app.SetupVerifyBackupCode))
	if s.Setup.BackupSentTo != "***0106" || s.Setup.BackupResendAt.IsZero() {
		t.Fatalf("code sent: %+v", s.Setup)
	}
	ctl.ConfirmBackup(e.srv.LastCode(t, frank.Phone))
	s = rec.waitFor(t, "overview", setupPhase(app.SetupOverview))
	if s.Setup.VerifyBackup != nil || !strings.Contains(s.Notice, "verified") {
		t.Fatalf("after verifying the backup: %+v notice %q", s.Setup.VerifyBackup, s.Notice)
	}
	// Edit > Start pairing again.
	ctl.StartPairing()
	s = rec.waitFor(t, "pairing", setupPhase(app.SetupPairing))
	ctl.ConfirmAuthenticator(totpNow(t, s.Setup.Pairing.Secret))
	// The backup is still active: straight back to the overview.
	s = rec.waitFor(t, "overview", setupPhase(app.SetupOverview))
	if !s.Setup.CanActivate {
		t.Fatalf("cannot activate: %+v", s.Setup)
	}
	// Edit the backup: a new number, confirmed by code.
	ctl.EditBackup()
	rec.waitFor(t, "backup entry", setupPhase(app.SetupBackupEntry))
	ctl.StartSMS("555-0177")
	rec.waitFor(t, "backup code", setupPhase(app.SetupBackupCode))
	ctl.ConfirmBackup(e.srv.LastCode(t, "555-0177"))
	s = rec.waitFor(t, "overview", setupPhase(app.SetupOverview))
	if !s.Setup.CanActivate {
		t.Fatalf("cannot activate after editing the backup: %+v", s.Setup)
	}
	// Activate first says it is ready; Cancel goes back, Activate again activates.
	ctl.Activate()
	rec.waitFor(t, "ready", setupPhase(app.SetupReady))
	ctl.Cancel()
	rec.waitFor(t, "overview again", setupPhase(app.SetupOverview))
	ctl.Activate()
	s = rec.waitFor(t, "ready again", setupPhase(app.SetupReady))
	if s.Step != app.StepSetup || s.Busy {
		t.Fatalf("ready: %+v", s)
	}
	ctl.Activate()
	signedIn(t, rec, "frank")
}

// TestLegacyConsoleCannotVerifyAnEmailBackup: carol's backup is email, which
// a legacy console cannot use: it says so instead of sending a code.
func TestLegacyConsoleCannotVerifyAnEmailBackup(t *testing.T) {
	e := newEnv(t)
	forceReset(t, e, "carol")
	ctl, rec := e.controller(t, legacyV)
	ctl.Login("carol", demoPassword, false)
	s := rec.waitFor(t, "verify the backup", setupPhase(app.SetupVerifyBackup))
	if v := s.Setup.VerifyBackup; v == nil || v.Method != api.MethodEmail || v.Supported {
		t.Fatalf("backup to verify: %+v", v)
	}
	if s.Alert == nil || s.Alert.Kind != app.AlertNoMethod || !strings.Contains(s.Alert.Message, "newer console") {
		t.Fatalf("no explanation for the legacy console: %+v", s.Alert)
	}
	ctl.SendBackupCode()
	s = rec.waitFor(t, "refused", func(s app.State) bool { return s.Alert != nil && !s.Busy })
	if s.Setup.Phase != app.SetupVerifyBackup || s.Alert.Kind != app.AlertNoMethod {
		t.Fatalf("send on a legacy console: phase %s, %+v", s.Setup.Phase, s.Alert)
	}
}

// forceReset has the master administrator force a lost-phone reset of a
// member, through the admin API.
func forceReset(t *testing.T, e *env, username string) {
	t.Helper()
	ctx := context.Background()
	cl, err := client.New(e.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	a, err := cl.Login(ctx, "admin", e.srv.AdminPassword)
	if err != nil || a.Tokens == nil {
		t.Fatalf("admin sign-in: %v %+v", err, a)
	}
	members, err := cl.Members(ctx, a.Tokens.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if m.Username == username {
			if err := cl.ResetTwoStep(ctx, a.Tokens.AccessToken, m.ID); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no member %s", username)
}
