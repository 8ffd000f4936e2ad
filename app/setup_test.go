package app_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
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
	s := rec.waitFor(t, "setup overview", setupPhase(app.SetupOverview))
	if !s.Setup.Reset || s.Setup.Authenticator == nil || s.Setup.Authenticator.Status != api.FactorReset ||
		s.Setup.Backup == nil || s.Setup.Backup.Method != api.MethodSMS || s.Setup.Backup.Status != api.FactorActive || s.Setup.CanActivate {
		t.Fatalf("after-reset view: %+v auth=%+v backup=%+v", s.Setup, s.Setup.Authenticator, s.Setup.Backup)
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
	ctl.Activate()
	signedIn(t, rec, "frank")
	_ = frank
}
