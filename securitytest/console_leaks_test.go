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
	"github.com/remotesupport/techconsole/internal/desktop"
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
	// the console's log file, as the console opens it in its state folder
	logFile, err := desktop.OpenLog(filepath.Join(dir, "state"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logFile.Close() })
	kc := &app.MemoryKeychain{}
	ctl, err := app.NewController(app.Config{ServerURL: r.Base, Keychain: kc, Prefs: app.NewPreferences(prefs),
		Logger: slog.New(slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ctl.Close)
	// settle waits until the controller's action is over and returns its
	// state. (A kept State shares its Setup and Challenge with the
	// controller, which changes them in place: reading one while an action
	// runs is a data race in package app, reported; settling avoids it.)
	settle := func(step app.Step) app.State {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := ctl.Wait(ctx); err != nil {
			t.Fatalf("waiting for %s: %v", step, err)
		}
		st := ctl.State()
		if st.Step != step || st.Busy {
			t.Fatalf("state %s (busy %v, alert %+v), want %s", st.Step, st.Busy, st.Alert, step)
		}
		return st
	}
	secrets := []string{server.DemoPassword}

	// Bob signs in with a code and stays signed in.
	ctl.Login("bob", server.DemoPassword, true)
	settle(app.StepChallenge)
	code := Code(t, Account(t, "bob").TOTPSecret, r.Now())
	secrets = append(secrets, code, Account(t, "bob").TOTPSecret)
	ctl.SubmitCode(code)
	settle(app.StepSignedIn)
	ctl.SignOut()
	settle(app.StepSignedOut)

	// Erin sets up the mobile app and a text message backup, keeping the session.
	ctl.Login("erin", server.DemoPassword, true)
	settle(app.StepSetup)
	ctl.StartPairing()
	st := settle(app.StepSetup)
	if st.Setup == nil || st.Setup.Pairing == nil {
		t.Fatalf("no pairing shown: %+v", st.Setup)
	}
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
	if st := settle(app.StepSetup); st.Setup.Phase != app.SetupBackupEntry {
		t.Fatalf("after confirming the app: phase %s, alert %+v", st.Setup.Phase, st.Alert)
	}
	ctl.StartSMS("555-0177")
	if st := settle(app.StepSetup); st.Setup.Phase != app.SetupBackupCode {
		t.Fatalf("after the phone number: phase %s, alert %+v", st.Setup.Phase, st.Alert)
	}
	sms := r.LastCode(t, "555-0177")
	secrets = append(secrets, sms)
	ctl.ConfirmBackup(sms)
	if st := settle(app.StepSetup); !st.Setup.CanActivate {
		t.Fatalf("after the SMS code: cannot activate, alert %+v", st.Alert)
	}
	ctl.Activate()
	settle(app.StepSignedIn)

	// What the keychain holds is secret too: the refresh token and the phone's entries.
	for _, svc := range []string{app.ServiceName(app.ServerKeyOf(r.Inst.Server.ID()))} {
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
	logBytes, err := os.ReadFile(logFile.Name())
	if err != nil {
		t.Fatal(err)
	}
	logText := string(logBytes)
	if !strings.Contains(logText, "signed in") {
		t.Fatalf("the console log shows no sign-in: %.300s", logText)
	}
	for _, sec := range secrets {
		if strings.Contains(logText, sec) {
			t.Errorf("the console log holds a secret (%d chars)", len(sec))
		}
	}
}
