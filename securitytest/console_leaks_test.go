package securitytest

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/app/phone"
	"github.com/remotesupport/techconsole/server"
)

// Leaks on the console's side: after a sign-in with "Keep me signed in", a
// first-time setup and a phone pairing, the files the console and the
// virtual phone write, and the console's log, hold no password, code, TOTP
// secret or token; those live in the keychain alone.
func TestConsoleFilesAndLogHoldNoSecret(t *testing.T) {
	r := Start(t)
	r.Clock.Set(time.Now()) // the console's codes follow the wall clock
	dir := t.TempDir()
	prefs, err := app.OpenJSONPrefs(filepath.Join(dir, "preferences.json"))
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	kc := &app.MemoryKeychain{}
	ctl, err := app.NewController(app.Config{ServerURL: r.Base, Keychain: kc, Prefs: app.NewPreferences(prefs),
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ctl.Close)
	s := watch(t, ctl)
	secrets := []string{server.DemoPassword}

	// Bob signs in with a code and stays signed in.
	ctl.Login("bob", server.DemoPassword, true)
	s.until(t, "code prompt", 15*time.Second, func(st app.State) bool { return st.Step == app.StepChallenge && !st.Busy })
	code := Code(t, Account(t, "bob").TOTPSecret, r.Now())
	secrets = append(secrets, code, Account(t, "bob").TOTPSecret)
	ctl.SubmitCode(code)
	s.until(t, "bob signed in", 15*time.Second, func(st app.State) bool { return st.Step == app.StepSignedIn })
	ctl.SignOut()
	s.until(t, "signed out", 15*time.Second, func(st app.State) bool { return st.Step == app.StepSignedOut && !st.Busy })

	// Erin sets up the mobile app and a text message backup, keeping the session.
	ctl.Login("erin", server.DemoPassword, true)
	s.until(t, "setup", 15*time.Second, func(st app.State) bool { return st.Step == app.StepSetup && !st.Busy })
	ctl.StartPairing()
	st := s.until(t, "pairing", 15*time.Second, func(st app.State) bool { return st.Setup != nil && st.Setup.Pairing != nil && !st.Busy })
	pairing := *st.Setup.Pairing
	secrets = append(secrets, pairing.Secret)
	// The virtual phone pairs from the QR code's URI (and registers for pushes).
	ph, err := phone.Open(filepath.Join(dir, "phone.json"), kc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ph.Pair(context.Background(), pairing.OTPAuthURI); err != nil {
		t.Fatalf("phone pairing: %v", err)
	}
	code = Code(t, pairing.Secret, r.Now())
	secrets = append(secrets, code)
	ctl.ConfirmAuthenticator(code)
	s.until(t, "backup entry", 15*time.Second, func(st app.State) bool {
		return st.Setup != nil && st.Setup.Phase == app.SetupBackupEntry && !st.Busy
	})
	ctl.StartSMS("555-0177")
	s.until(t, "backup code", 15*time.Second, func(st app.State) bool {
		return st.Setup != nil && st.Setup.Phase == app.SetupBackupCode && !st.Busy
	})
	sms := r.LastCode(t, "555-0177")
	secrets = append(secrets, sms)
	ctl.ConfirmBackup(sms)
	s.until(t, "can activate", 15*time.Second, func(st app.State) bool { return st.Setup != nil && st.Setup.CanActivate && !st.Busy })
	ctl.Activate()
	s.until(t, "erin signed in", 15*time.Second, func(st app.State) bool { return st.Step == app.StepSignedIn && !st.Busy })

	// What the keychain holds is secret too: the refresh token and the phone's entries.
	for _, svc := range []string{app.ServiceName(r.Base)} {
		if tok, err := kc.Get(context.Background(), svc, "erin"); err == nil {
			secrets = append(secrets, tok)
		} else {
			t.Fatalf("keep me signed in stored nothing for erin: %v", err)
		}
	}
	var files []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	if len(files) < 2 {
		t.Fatalf("the console wrote only %v", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, sec := range secrets {
			if strings.Contains(string(b), sec) {
				t.Errorf("%s holds a secret (%d chars)", filepath.Base(f), len(sec))
			}
		}
	}
	logText := logs.String()
	if !strings.Contains(logText, "signed in") {
		t.Fatalf("the console log shows no sign-in: %.300s", logText)
	}
	for _, sec := range secrets {
		if strings.Contains(logText, sec) {
			t.Errorf("the console log holds a secret (%d chars)", len(sec))
		}
	}
}
