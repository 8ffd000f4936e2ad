package screens

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/i18n"
)

// drawn is a window that draws states handed to it, on a clock the test moves.
type drawn struct {
	con    *Console
	start  time.Time
	offset time.Duration
	seq    uint64
}

func newDrawn(t *testing.T) *drawn {
	t.Helper()
	d := &drawn{start: time.Now()}
	// UI work from the screens' tickers is queued and never run: the tests
	// tick by hand, on their own goroutine
	w, con := NewMainWindow(test.NewTempApp(t), Options{Do: newUIQueue().Do,
		Now: func() time.Time { return d.start.Add(d.offset) }, Tester: TesterOptions{Version: currentV}})
	t.Cleanup(w.Close)
	con.Start(staticController{})
	d.con = con
	return d
}

func (d *drawn) show(st app.State) {
	d.seq++
	st.Seq = d.seq
	if st.Version == (api.ConsoleVersion{}) {
		st.Version = currentV
	}
	st.Caps = app.CapabilitiesOf(st.Version)
	d.con.apply(st)
}

// TestScreenMessagesDoNotMislead pins the wording of screens that used to
// say one thing and mean another.
func TestScreenMessagesDoNotMislead(t *testing.T) {
	t.Run("push rate limit: codes still work, the button waits", func(t *testing.T) {
		d := newDrawn(t)
		d.show(app.State{Step: app.StepChallenge, Challenge: &app.ChallengeView{Purpose: api.PurposeLogin, Method: api.MethodAppNotification,
			AttemptsLeft: -1, Others: []api.Method{api.MethodAuthenticatorApp}},
			Alert: &app.Alert{Kind: app.AlertLockedOut, Code: api.CodeTooManyPushes, Message: i18n.T("alert.too_many_pushes.moment"), RetryAt: d.start.Add(time.Minute)}})
		s := d.con.current.(*challengeScreen)
		s.tick()
		if got := s.alert.Text(); strings.Contains(got, "signing in is paused") || !strings.Contains(got, "another method") {
			t.Errorf("push limit says %q", got)
		}
		if !s.again.Disabled() || !strings.Contains(s.again.Text, "in 1:00") {
			t.Errorf("send another: %q, disabled %v; want a countdown, disabled", s.again.Text, s.again.Disabled())
		}
		if s.sent.Visible() {
			t.Errorf("shows %q though no notification was sent", s.sent.Text)
		}
		d.offset = 61 * time.Second
		s.tick()
		if s.again.Disabled() || s.again.Text != "Send another notification" {
			t.Errorf("after the wait: %q, disabled %v", s.again.Text, s.again.Disabled())
		}
	})
	t.Run("push during a password change", func(t *testing.T) {
		d := newDrawn(t)
		d.show(app.State{Step: app.StepChallenge, Challenge: &app.ChallengeView{Purpose: api.PurposePasswordChange, Method: api.MethodAppNotification,
			MatchNumber: "42", Active: true, Waiting: true, AttemptsLeft: -1, ExpiresAt: d.start.Add(time.Minute)}})
		s := d.con.current.(*challengeScreen)
		if got := s.sent.Text; strings.Contains(got, "sign-in") || !strings.Contains(got, "password change") {
			t.Errorf("push text during a password change: %q", got)
		}
	})
	t.Run("lost your phone", func(t *testing.T) {
		d := newDrawn(t)
		d.show(app.State{Step: app.StepChallenge, Challenge: &app.ChallengeView{Purpose: api.PurposeLogin, Method: api.MethodAuthenticatorApp,
			Active: true, AttemptsLeft: -1, CodeLength: 6}})
		if got := labelTexts(d.con.current.(*challengeScreen).root); !strings.Contains(got, "Lost your phone? Ask your administrator to reset two-step verification") {
			t.Errorf("the code screen has no way out for a lost phone: %q", got)
		}
	})
	t.Run("resend too soon: one live countdown", func(t *testing.T) {
		d := newDrawn(t)
		d.show(app.State{Step: app.StepChallenge, Challenge: &app.ChallengeView{Purpose: api.PurposeLogin, Method: api.MethodSMS, SentTo: "•••-0102",
			Active: true, AttemptsLeft: -1, CodeLength: 6, ResendAt: d.start.Add(4 * time.Second)},
			Alert: &app.Alert{Kind: app.AlertResendTooSoon, Message: i18n.N("alert.resend_too_soon.seconds", 23), RetryAt: d.start.Add(4 * time.Second)}})
		s := d.con.current.(*challengeScreen)
		if got := s.alert.Text(); got != "" {
			t.Errorf("a static message beside the countdown: %q", got)
		}
		if !strings.HasPrefix(s.resend.Text, "Resend code in 0:04") {
			t.Errorf("resend button: %q", s.resend.Text)
		}
	})
	t.Run("a text message that was never sent", func(t *testing.T) {
		d := newDrawn(t)
		d.show(app.State{Step: app.StepChallenge, Challenge: &app.ChallengeView{Purpose: api.PurposeLogin, Method: api.MethodSMS,
			AttemptsLeft: -1, CodeLength: 6}, Alert: &app.Alert{Kind: app.AlertError, Message: i18n.T("alert.busy.moment")}})
		s := d.con.current.(*challengeScreen)
		if got := s.sentTo.Text; strings.Contains(got, "Sending") {
			t.Errorf("nothing is being sent, the screen says %q", got)
		}
		if s.resend.Visible() {
			t.Errorf("resend %q offered on a request that is over", s.resend.Text)
		}
	})
	t.Run("7.50.3572 knows no email", func(t *testing.T) {
		d := newDrawn(t)
		d.show(app.State{Step: app.StepSignedIn, Version: legacyV, User: &api.User{Username: "carol", TwoStep: api.UserTwoStep{
			Methods: []api.Method{api.MethodAuthenticatorApp, api.MethodEmail}, PrimaryMethod: api.MethodAuthenticatorApp}}})
		if got := labelTexts(d.con.current.(*signedInScreen).methods); strings.Contains(got, "Email") {
			t.Errorf("signed-in page on 7.50.3572 lists %q", got)
		}
		d.show(app.State{Step: app.StepSetup, Version: legacyV, Setup: &app.SetupView{Phase: app.SetupBackupEntry,
			BackupOptions: []api.Method{api.MethodSMS}, BackupMethod: api.MethodSMS}})
		if got := labelTexts(d.con.current.(*setupScreen).root); strings.Contains(strings.ToLower(got), "email") {
			t.Errorf("backup page on 7.50.3572 mentions email: %q", got)
		}
	})
}
