package app_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/app/phone"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/i18n"
	"github.com/remotesupport/techconsole/server/servertest"
)

// signInBob signs bob in with his authenticator app.
func signInBob(t *testing.T, ctl *app.Controller, rec *recorder, keep bool) {
	t.Helper()
	ctl.Login("bob", demoPassword, keep)
	rec.waitFor(t, "totp challenge", challengeWith(api.MethodAuthenticatorApp))
	ctl.SubmitCode(totpNow(t, demo(t, "bob").TOTPSecret))
	signedIn(t, rec, "bob")
}

func TestResumeFromKeychainAndSignOut(t *testing.T) {
	e := newEnv(t)
	service := e.useOSKeychain(t, "bob")
	ctx := context.Background()

	ctl, rec := e.controller(t, currentV)
	signInBob(t, ctl, rec, true)
	first, err := e.kc.Get(ctx, service, "bob")
	if err != nil || first == "" {
		t.Fatalf("keychain after sign-in: %v", err)
	}
	ctl.Close()

	// "Restart": a new controller with the same preferences resumes.
	ctl2, rec2 := e.controller(t, currentV)
	ctl2.Resume()
	s := signedIn(t, rec2, "bob")
	if s.Alert != nil {
		t.Fatalf("resume alert: %+v", s.Alert)
	}
	rotated, err := e.kc.Get(ctx, service, "bob")
	if err != nil || rotated == first {
		t.Fatalf("the rotated refresh token was not kept: %v", err)
	}
	ctl2.SignOut()
	rec2.idle(t, app.StepSignedOut)
	if _, err := e.kc.Get(ctx, service, "bob"); err != app.ErrNoEntry {
		t.Fatalf("keychain entry after sign-out: %v", err)
	}
	// The server revoked the session too.
	cl, _ := client.New(e.srv.URL)
	if _, err := cl.Refresh(ctx, rotated); !client.IsCode(err, api.CodeInvalidToken) {
		t.Fatalf("refresh after sign-out: %v", err)
	}
	// A third start has nothing to resume and stays on the form, quietly.
	ctl3, rec3 := e.controller(t, currentV)
	ctl3.Resume()
	if err := ctl3.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	s = rec3.idle(t, app.StepSignedOut)
	if s.Alert != nil || s.Username != "bob" {
		t.Fatalf("nothing to resume: %+v %q", s.Alert, s.Username)
	}
}

func TestKeepSignedInWithBrokenKeychain(t *testing.T) {
	e := newEnv(t)
	e.kc = &app.MemoryKeychain{Fail: io.ErrClosedPipe}
	ctl, rec := e.controller(t, currentV)
	ctl.Login("grace", demoPassword, true)
	s := signedIn(t, rec, "grace")
	if s.Alert == nil || s.Alert.Kind != app.AlertKeychain || !strings.HasPrefix(i18n.English(s.Alert.Message), "Keep me signed in is unavailable: ") {
		t.Fatalf("broken keychain: %+v", s.Alert)
	}
}

// capture records every Authorization header the console sent (mfa, access
// and device tokens), to look for them where they must not be.
type capture struct {
	mu     sync.Mutex
	tokens []string
	base   http.RoundTripper
}

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		c.mu.Lock()
		c.tokens = append(c.tokens, strings.TrimPrefix(h, "Bearer "))
		c.mu.Unlock()
	}
	return c.base.RoundTrip(r)
}

// TestNoSecretLeaves runs a full first-time setup and sign-in with "Keep me
// signed in" and then looks for every password, code, token and secret in the
// preferences file, the config folder and the log: only the keychain may hold one.
func TestNoSecretLeaves(t *testing.T) {
	e := newEnv(t)
	e.useOSKeychain(t, "erin")
	ctx := context.Background()

	configDir := t.TempDir()
	jp, err := app.OpenJSONPrefs(filepath.Join(configDir, "preferences.json"))
	if err != nil {
		t.Fatal(err)
	}
	e.prefs = app.NewPreferences(jp)
	var logBuf bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(lockedWriter{&logBuf, &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	capt := &capture{base: http.DefaultTransport}

	secrets := []string{demoPassword}
	ctl, rec := e.controller(t, currentV, func(c *app.Config) {
		c.Logger = logger
		c.ClientOptions = []client.Option{client.WithHTTPClient(&http.Client{Transport: capt})}
	})
	ctl.Login("erin", demoPassword, true)
	rec.waitFor(t, "overview", setupPhase(app.SetupOverview))
	ctl.StartPairing()
	s := rec.waitFor(t, "pairing", setupPhase(app.SetupPairing))
	secret := s.Setup.Pairing.Secret
	secrets = append(secrets, secret, s.Setup.Pairing.OTPAuthURI)
	code := totpNow(t, secret)
	secrets = append(secrets, code)
	ctl.ConfirmAuthenticator(code)
	rec.waitFor(t, "backup entry", setupPhase(app.SetupBackupEntry))
	ctl.StartSMS("555-0188")
	rec.waitFor(t, "backup code", setupPhase(app.SetupBackupCode))
	smsCode := e.srv.LastCode(t, "555-0188")
	secrets = append(secrets, smsCode)
	ctl.ConfirmBackup(smsCode)
	rec.waitFor(t, "overview", setupPhase(app.SetupOverview))
	ctl.Activate()
	signedIn(t, rec, "erin")
	if err := ctl.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	refresh, err := e.kc.Get(ctx, app.ServiceName(e.key()), "erin")
	if err != nil || refresh == "" {
		t.Fatalf("keychain: %v", err)
	}
	cookie, err := e.kc.Get(ctx, app.DeviceCookieService(e.key()), "erin")
	if err != nil || cookie == "" {
		t.Fatalf("keychain: device cookie: %v", err)
	}
	secrets = append(secrets, refresh, cookie)
	capt.mu.Lock()
	secrets = append(secrets, capt.tokens...)
	capt.mu.Unlock()
	if len(capt.tokens) < 2 {
		t.Fatalf("captured %d bearer tokens, want the mfa and the access token", len(capt.tokens))
	}
	if jp.Err != nil {
		t.Fatal(jp.Err)
	}

	// The virtual phone keeps its account list in the same folder, secrets in the keychain.
	ph, err := phone.Open(filepath.Join(configDir, "phone.json"), e.kc)
	if err != nil {
		t.Fatal(err)
	}
	bob := demo(t, "bob")
	if _, err := ph.Pair(ctx, bob.OTPAuthURI); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ph.Remove(ctx, "bob") })
	bobCode, err := ph.Code(ctx, "bob")
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, bob.TOTPSecret, bobCode.Code)

	places := map[string]string{}
	filepath.WalkDir(configDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			places[path] = string(b)
		}
		return nil
	})
	if len(places) != 2 {
		t.Fatalf("want the preferences and the phone's account list in the config folder, got %d files", len(places))
	}
	logMu.Lock()
	places["log"] = logBuf.String()
	logMu.Unlock()
	if !strings.Contains(places["log"], "signed in") {
		t.Fatalf("the log is not captured: %q", places["log"])
	}
	for where, text := range places {
		for _, s := range secrets {
			if s != "" && strings.Contains(text, s) {
				t.Errorf("%s holds a secret (%d chars)", filepath.Base(where), len(s))
			}
		}
	}
	// The preferences hold what they should.
	if e.prefs.LastUsername() != "erin" || !e.prefs.KeepSignedIn() {
		t.Fatalf("preferences: %q %v", e.prefs.LastUsername(), e.prefs.KeepSignedIn())
	}
}

type lockedWriter struct {
	b  *bytes.Buffer
	mu *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// TestSignOutAfterAccessTokenExpired: the refresh token's family still ends
// on the server when the access token has expired.
func TestSignOutAfterAccessTokenExpired(t *testing.T) {
	clock := servertest.NewClock(time.Now())
	e := newEnv(t, servertest.WithClock(clock))
	ctx := context.Background()
	ctl, rec := e.controller(t, currentV)
	ctl.Login("grace", demoPassword, true)
	signedIn(t, rec, "grace")
	refresh, err := e.kc.Get(ctx, app.ServiceName(e.key()), "grace")
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(16 * time.Minute)
	ctl.SignOut()
	rec.idle(t, app.StepSignedOut)
	if _, err := e.kc.Get(ctx, app.ServiceName(e.key()), "grace"); err != app.ErrNoEntry {
		t.Fatalf("keychain after sign-out: %v", err)
	}
	// The kept token was rotated once by the sign-out; neither it nor its
	// successor may work now.
	cl, _ := client.New(e.srv.URL)
	if _, err := cl.Refresh(ctx, refresh); !client.IsCode(err, api.CodeInvalidToken) {
		t.Fatalf("old refresh token after sign-out: %v", err)
	}
}
