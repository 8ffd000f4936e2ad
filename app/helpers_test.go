package app_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/server/servertest"
)

var (
	legacyV  = api.ConsoleVersion{Major: 7, Minor: 50, Build: 3572}
	currentV = api.ConsoleVersion{Major: 7, Minor: 51, Build: 0}
)

const demoPassword = "Demo-Pass-2026"

// recorder keeps every state a controller published.
type recorder struct {
	mu     sync.Mutex
	states []app.State
	signal chan struct{}
	next   int
}

func newRecorder() *recorder { return &recorder{signal: make(chan struct{}, 1)} }

func (r *recorder) add(s app.State) {
	r.mu.Lock()
	r.states = append(r.states, s)
	r.mu.Unlock()
	select {
	case r.signal <- struct{}{}:
	default:
	}
}

// waitFor returns the first state from now on that matches ok.
func (r *recorder) waitFor(t *testing.T, what string, ok func(app.State) bool) app.State {
	t.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		for ; r.next < len(r.states); r.next++ {
			if s := r.states[r.next]; ok(s) {
				r.next++
				r.mu.Unlock()
				return s
			}
		}
		var last app.State
		if len(r.states) > 0 {
			last = r.states[len(r.states)-1]
		}
		r.mu.Unlock()
		select {
		case <-r.signal:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; last state: step=%s busy=%v alert=%+v challenge=%+v setup=%+v",
				what, last.Step, last.Busy, last.Alert, last.Challenge, last.Setup)
		}
	}
}

// idle waits for a state at step that is not busy.
func (r *recorder) idle(t *testing.T, step app.Step) app.State {
	t.Helper()
	return r.waitFor(t, "idle "+string(step), func(s app.State) bool { return s.Step == step && !s.Busy })
}

type env struct {
	srv   *servertest.Instance
	prefs *app.Preferences
	kc    app.Keychain
}

func newEnv(t *testing.T, opts ...servertest.Option) *env {
	return &env{srv: servertest.Start(t, opts...), prefs: app.NewPreferences(app.NewMemoryPrefs()), kc: &app.MemoryKeychain{}}
}

// useOSKeychain makes e's controllers keep refresh tokens and device cookies
// in the real OS keychain, deletes username's entries when the test ends,
// and returns the keychain service of e's server.
func (e *env) useOSKeychain(t *testing.T, username string) string {
	t.Helper()
	e.kc = osKeychain(t)
	service := app.ServiceName(e.key())
	t.Cleanup(func() {
		e.kc.Delete(context.Background(), service, username)
		e.kc.Delete(context.Background(), app.DeviceCookieService(e.key()), username)
	})
	return service
}

// key is the name of e's server in keychain entries: its stable id.
func (e *env) key() string { return app.ServerKeyOf(e.srv.Server.ID()) }

func (e *env) controller(t *testing.T, v api.ConsoleVersion, extra ...func(*app.Config)) (*app.Controller, *recorder) {
	t.Helper()
	cfg := app.Config{ServerURL: e.srv.URL, Version: v, Prefs: e.prefs, Keychain: e.kc}
	for _, fn := range extra {
		fn(&cfg)
	}
	ctl, err := app.NewController(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ctl.Close)
	rec := newRecorder()
	ctl.Subscribe(rec.add)
	return ctl, rec
}

func totpNow(t *testing.T, secret string) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func demo(t *testing.T, name string) servertestDemo {
	t.Helper()
	a, err := servertest.Demo(name)
	if err != nil {
		t.Fatal(err)
	}
	return servertestDemo{Username: a.Username, TOTPSecret: a.TOTPSecret, Phone: a.Phone, Email: a.Email, OTPAuthURI: a.OTPAuthURI}
}

type servertestDemo struct {
	Username, TOTPSecret, Phone, Email, OTPAuthURI string
}

// osKeychain returns the real OS keychain, or skips when no Secret Service
// answers (fails instead under CI or when TECHCONSOLE_REQUIRE_KEYCHAIN is set).
func osKeychain(t *testing.T) app.Keychain {
	t.Helper()
	kc := app.OSKeychain{Timeout: 3 * time.Second}
	ctx := context.Background()
	probe := "probe-" + t.Name()
	err := kc.Set(ctx, "TechnicianConsole test probe", probe, "x")
	if err == nil {
		err = kc.Delete(ctx, "TechnicianConsole test probe", probe)
	}
	if err != nil {
		if os.Getenv("TECHCONSOLE_REQUIRE_KEYCHAIN") != "" || os.Getenv("CI") != "" {
			t.Fatalf("OS keychain unavailable: %v", err)
		}
		t.Skipf("no Secret Service (run the tests through `make test`, which provides one): %v", err)
	}
	return kc
}
