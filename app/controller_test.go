package app_test

import (
	"context"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/i18n"
	"github.com/remotesupport/techconsole/server/servertest"
)

func challengeWith(m api.Method) func(app.State) bool {
	return func(s app.State) bool {
		return s.Step == app.StepChallenge && !s.Busy && s.Challenge != nil && s.Challenge.Method == m && s.Challenge.Active
	}
}

func signedIn(t *testing.T, rec *recorder, username string) app.State {
	t.Helper()
	s := rec.idle(t, app.StepSignedIn)
	if s.User == nil || s.User.Username != username {
		t.Fatalf("signed in as %+v, want %s", s.User, username)
	}
	return s
}

// TestSignInEachCodeMethod signs in with the authenticator app, SMS and email
// on a legacy and a current console, following each version's order.
func TestSignInEachCodeMethod(t *testing.T) {
	cases := []struct {
		name    string
		version api.ConsoleVersion
		user    string
		first   api.Method
		others  []api.Method // "use another method" from first
		use     api.Method   // method to sign in with
		codeTo  func(d servertestDemo) string
	}{
		{"legacy bob totp", legacyV, "bob", api.MethodAuthenticatorApp, []api.Method{api.MethodSMS}, api.MethodAuthenticatorApp, nil},
		{"legacy bob sms", legacyV, "bob", api.MethodAuthenticatorApp, []api.Method{api.MethodSMS}, api.MethodSMS, func(d servertestDemo) string { return d.Phone }},
		{"legacy carol totp, email not offered", legacyV, "carol", api.MethodAuthenticatorApp, nil, api.MethodAuthenticatorApp, nil},
		{"current bob sms", currentV, "bob", api.MethodAuthenticatorApp, []api.Method{api.MethodSMS}, api.MethodSMS, func(d servertestDemo) string { return d.Phone }},
		{"current carol email", currentV, "carol", api.MethodAuthenticatorApp, []api.Method{api.MethodEmail}, api.MethodEmail, func(d servertestDemo) string { return d.Email }},
		{"current dave email only", currentV, "dave", api.MethodEmail, nil, api.MethodEmail, func(d servertestDemo) string { return d.Email }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			d := demo(t, tc.user)
			ctl, rec := e.controller(t, tc.version)
			ctl.Login(tc.user, demoPassword, false)
			s := rec.waitFor(t, "first challenge", challengeWith(tc.first))
			if got := s.Challenge.Others; !slices.Equal(got, tc.others) {
				t.Fatalf("others = %v, want %v", got, tc.others)
			}
			if tc.use != tc.first {
				ctl.ChooseMethod(tc.use)
				s = rec.waitFor(t, "chosen challenge", challengeWith(tc.use))
			}
			var code string
			if tc.codeTo != nil {
				if s.Challenge.SentTo == "" || strings.Contains(s.Challenge.SentTo, tc.codeTo(d)) {
					t.Fatalf("sent to %q: want a masked destination", s.Challenge.SentTo)
				}
				code = e.srv.LastCode(t, tc.codeTo(d))
			} else {
				code = totpNow(t, d.TOTPSecret)
			}
			ctl.SubmitCode(code)
			st := signedIn(t, rec, tc.user)
			if st.Version != tc.version {
				t.Fatalf("version %v", st.Version)
			}
			if _, err := e.kc.Get(context.Background(), app.ServiceName(e.key()), tc.user); err != app.ErrNoEntry {
				t.Fatalf("keep signed in off wrote to the keychain: %v", err)
			}
		})
	}
}

func TestLegacyEmailOnlyGetsClearMessage(t *testing.T) {
	e := newEnv(t)
	ctl, rec := e.controller(t, legacyV)
	ctl.Login("dave", demoPassword, false)
	s := rec.idle(t, app.StepNoMethod)
	if s.Alert == nil || s.Alert.Kind != app.AlertNoMethod {
		t.Fatalf("alert = %+v", s.Alert)
	}
	for _, want := range []string{"7.50.3572", "cannot use email", "administrator", "newer console"} {
		if !strings.Contains(i18n.English(s.Alert.Message), want) {
			t.Errorf("message %q lacks %q", i18n.English(s.Alert.Message), want)
		}
	}
	// The user can act: back to the sign-in form, switch the version, sign in.
	ctl.Cancel()
	rec.idle(t, app.StepSignedOut)
	ctl.SetVersion(currentV)
	ctl.Login("dave", demoPassword, false)
	rec.waitFor(t, "email challenge", challengeWith(api.MethodEmail))
	ctl.SubmitCode(e.srv.LastCode(t, demo(t, "dave").Email))
	signedIn(t, rec, "dave")
}

func TestErrorsLandInActionableStates(t *testing.T) {
	e := newEnv(t)
	ctl, rec := e.controller(t, currentV)

	ctl.Login("bob", "Wrong-Pass-0000", false)
	s := rec.waitFor(t, "wrong password", func(s app.State) bool { return s.Alert != nil && !s.Busy })
	if s.Step != app.StepSignedOut || s.Alert.Kind != app.AlertInvalidCredentials {
		t.Fatalf("wrong password: %s %+v", s.Step, s.Alert)
	}

	// Wrong code: attempts left; cancel ends the challenge.
	ctl.Login("bob", demoPassword, false)
	rec.waitFor(t, "totp challenge", challengeWith(api.MethodAuthenticatorApp))
	ctl.ChooseMethod(api.MethodSMS)
	rec.waitFor(t, "sms challenge", challengeWith(api.MethodSMS))
	ctl.SubmitCode("000000")
	s = rec.waitFor(t, "wrong code", func(s app.State) bool { return s.Alert != nil && !s.Busy })
	if s.Alert.Kind != app.AlertInvalidCode || s.Challenge.AttemptsLeft != 4 || !strings.Contains(i18n.English(s.Alert.Message), "4 attempts") {
		t.Fatalf("wrong code: %+v / %+v", s.Alert, s.Challenge)
	}
	ctl.SubmitCode("12ab")
	s = rec.waitFor(t, "malformed code", func(s app.State) bool { return s.Alert != nil && !s.Busy && s.Alert.Code == "" })
	if s.Alert.Kind != app.AlertInvalidCode {
		t.Fatalf("malformed code: %+v", s.Alert)
	}
	ctl.Resend()
	s = rec.waitFor(t, "resend too soon", func(s app.State) bool { return s.Alert != nil && s.Alert.Kind == app.AlertResendTooSoon })
	if s.Alert.RetryAfter <= 0 || s.Challenge.ResendAt.IsZero() {
		t.Fatalf("resend too soon without a wait: %+v", s.Alert)
	}
	ctl.Cancel()
	s = rec.idle(t, app.StepSignedOut)
	if s.Notice.IsZero() {
		t.Fatal("no notice after cancel")
	}

}

// TestLockout: wrong passwords until the server's per-member limit answers
// 429, which the console shows as a lockout with the time to wait.
func TestLockout(t *testing.T) {
	e := newEnv(t)
	ctl, rec := e.controller(t, currentV)
	var s app.State
	for i := 0; i < 12; i++ {
		ctl.Login("grace", "Wrong-Pass-0000", false)
		s = rec.waitFor(t, "failure", func(s app.State) bool { return s.Alert != nil && !s.Busy })
		if s.Alert.Kind == app.AlertLockedOut {
			break
		}
	}
	if s.Alert.Kind != app.AlertLockedOut || s.Alert.RetryAfter <= 0 || s.Alert.RetryAt.IsZero() || !strings.Contains(i18n.English(s.Alert.Message), "Try again in") {
		t.Fatalf("lockout: %+v", s.Alert)
	}
}

func TestUnreachableServer(t *testing.T) {
	prefs := app.NewPreferences(app.NewMemoryPrefs())
	ctl, err := app.NewController(app.Config{ServerURL: "http://127.0.0.1:1", Prefs: prefs})
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	rec := newRecorder()
	ctl.Subscribe(rec.add)
	ctl.Login("bob", demoPassword, false)
	s := rec.waitFor(t, "unreachable", func(s app.State) bool { return s.Alert != nil && !s.Busy })
	if s.Alert.Kind != app.AlertUnreachable || !strings.Contains(i18n.English(s.Alert.Message), "unreachable") {
		t.Fatalf("alert = %+v", s.Alert)
	}
}

func TestGraceSignsInWithPasswordAlone(t *testing.T) {
	e := newEnv(t)
	ctl, rec := e.controller(t, legacyV)
	ctl.Login("grace", demoPassword, false)
	signedIn(t, rec, "grace")
}

func TestDispatchAndVersionSwitch(t *testing.T) {
	e := newEnv(t)
	ctl, rec := e.controller(t, currentV)
	ctl.Dispatch(app.Login{Username: "", Password: ""})
	s := rec.waitFor(t, "empty form", func(s app.State) bool { return s.Alert != nil && !s.Busy })
	if s.Alert.Kind != app.AlertInvalidCredentials {
		t.Fatalf("empty form: %+v", s.Alert)
	}
	ctl.Dispatch(app.Login{Username: "grace", Password: demoPassword})
	s = signedIn(t, rec, "grace")
	ctl.SetVersion(legacyV)
	s = rec.waitFor(t, "next version", func(s app.State) bool { return s.NextVersion == legacyV })
	if s.Version != currentV || s.Step != app.StepSignedIn {
		t.Fatalf("switching while signed in changed the sign-in: %v %s", s.Version, s.Step)
	}
	if v, ok := e.prefs.Version(); !ok || v != legacyV {
		t.Fatalf("version not remembered: %v", v)
	}
	ctl.Dispatch(app.SignOut{})
	s = rec.idle(t, app.StepSignedOut)
	if s.Version != legacyV || !s.Caps.Legacy {
		t.Fatalf("after sign-out: %v", s.Version)
	}
	// A new controller without an explicit version starts from the preferences.
	ctl2, err := app.NewController(app.Config{ServerURL: e.srv.URL, Prefs: e.prefs})
	if err != nil {
		t.Fatal(err)
	}
	defer ctl2.Close()
	if ctl2.State().Version != legacyV || ctl2.State().Username != "grace" {
		t.Fatalf("new controller: %v %q", ctl2.State().Version, ctl2.State().Username)
	}
}

func TestOutboxAndPresets(t *testing.T) {
	e := newEnv(t)
	ctl, rec := e.controller(t, currentV)
	ctl.Login("dave", demoPassword, false)
	rec.waitFor(t, "email challenge", challengeWith(api.MethodEmail))
	msgs, err := ctl.Outbox(context.Background(), "")
	if err != nil || len(msgs) == 0 || msgs[0].Channel != api.MethodEmail || msgs[0].Code == "" {
		t.Fatalf("outbox: %+v %v", msgs, err)
	}
	legacy := 0
	for _, p := range app.VersionPresets {
		if app.CapabilitiesOf(p.Version).Legacy {
			legacy++
		}
	}
	if legacy != 1 || len(app.VersionPresets) < 2 {
		t.Fatalf("presets: %+v", app.VersionPresets)
	}
}

// TestPushWaitCancel: while the console waits for the phone, a stray code does
// not end the wait, and Cancel ends it at once (the long-poll is cancelled,
// not left to time out).
func TestPushWaitCancel(t *testing.T) {
	e := newEnv(t)
	ctl, rec := e.controller(t, currentV, func(c *app.Config) { c.LongPollWait = 30 * 1e9 })
	ctl.Login("alice", demoPassword, false)
	s := rec.waitFor(t, "push challenge", challengeWith(api.MethodAppNotification))
	if !s.Challenge.Waiting || s.Challenge.MatchNumber == "" {
		t.Fatalf("push view: %+v", s.Challenge)
	}
	if !slices.Equal(s.Challenge.Others, []api.Method{api.MethodAuthenticatorApp, api.MethodSMS}) {
		t.Fatalf("current others from push: %v", s.Challenge.Others)
	}
	ctl.SubmitCode("123456")
	ctl.Resend()
	if st := ctl.State(); !st.Challenge.Waiting || st.Busy {
		t.Fatalf("a stray action ended the wait: %+v busy=%v", st.Challenge, st.Busy)
	}
	ctl.Cancel()
	s = rec.idle(t, app.StepSignedOut)
	if i18n.English(s.Notice) != "Sign-in cancelled." {
		t.Fatalf("notice %q", i18n.English(s.Notice))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5e9)
	defer cancel()
	if err := ctl.Wait(ctx); err != nil {
		t.Fatalf("the long-poll did not end with Cancel: %v", err)
	}
}

// TestExpiryLandsInActionableStates moves the server's clock past the
// challenge's and the sign-in's lifetime (no sleeping).
func TestExpiryLandsInActionableStates(t *testing.T) {
	clock := servertest.NewClock(time.Now())
	e := newEnv(t, servertest.WithClock(clock))
	ctl, rec := e.controller(t, currentV)
	ctl.Login("bob", demoPassword, false)
	rec.waitFor(t, "totp", challengeWith(api.MethodAuthenticatorApp))
	ctl.ChooseMethod(api.MethodSMS)
	rec.waitFor(t, "sms", challengeWith(api.MethodSMS))
	code := e.srv.LastCode(t, demo(t, "bob").Phone)
	clock.Advance(11 * time.Minute)
	ctl.SubmitCode(code)
	s := rec.waitFor(t, "expired", func(s app.State) bool { return s.Alert != nil && !s.Busy })
	switch {
	case s.Step == app.StepChallenge && s.Alert.Kind == app.AlertExpired && !s.Challenge.Active:
		// The challenge expired: asking again ends the expired sign-in.
		ctl.ChooseMethod(api.MethodSMS)
		s = rec.waitFor(t, "sign-in expired", func(s app.State) bool { return s.Step == app.StepSignedOut && !s.Busy })
		if s.Alert == nil || s.Alert.Kind != app.AlertSessionEnded {
			t.Fatalf("after expiry: %+v", s.Alert)
		}
	case s.Step == app.StepSignedOut && s.Alert.Kind == app.AlertSessionEnded:
	default:
		t.Fatalf("expired code: %s %+v", s.Step, s.Alert)
	}
	// Signing in again works.
	ctl.Login("bob", demoPassword, false)
	rec.waitFor(t, "totp again", challengeWith(api.MethodAuthenticatorApp))
}

// TestCancelWhileSigningIn: a server that accepts but never answers; Cancel
// gives the form back at once.
func TestCancelWhileSigningIn(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctl, err := app.NewController(app.Config{ServerURL: "http://" + ln.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	rec := newRecorder()
	ctl.Subscribe(rec.add)
	ctl.Login("bob", demoPassword, false)
	rec.waitFor(t, "busy", func(s app.State) bool { return s.Busy })
	ctl.Cancel()
	s := rec.waitFor(t, "form back", func(s app.State) bool { return !s.Busy })
	if s.Step != app.StepSignedOut || s.Alert != nil {
		t.Fatalf("after cancel: %s %+v", s.Step, s.Alert)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ctl.Wait(ctx); err != nil {
		t.Fatalf("the sign-in call was not cancelled: %v", err)
	}
}
