package screens

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
)

// challengeScreen is the two-step prompt of one method: the matching number
// of an app notification, or the code entry of the authenticator app, a text
// message or an email, with "Use another method".
type challengeScreen struct {
	c      *Console
	method api.Method

	// app notification
	number   *canvas.Text
	sent     *widget.Label
	waiting  *widget.Label
	progress *widget.ProgressBarInfinite
	again    *button

	// code methods
	code    *entry
	verify  *button
	sentTo  *widget.Label
	resend  *button
	expires *widget.Label

	others  *fyne.Container
	alert   *alertView
	busy    *busyRow
	cancel  *button
	root    fyne.CanvasObject
	last    string     // last code submitted, so a state redraw does not resubmit
	alerted *app.Alert // the alert the code entry was last cleared for
}

func newChallengeScreen(c *Console, st app.State) *challengeScreen {
	ch := st.Challenge
	s := &challengeScreen{c: c, method: ch.Method, alert: newAlertView(), busy: newBusyRow()}
	s.cancel = newButton("Cancel", theme.CancelIcon(), func() { c.dispatch(app.Cancel{}) })
	s.others = container.NewVBox()
	s.expires = widget.NewLabel("")
	s.expires.SizeName = theme.SizeNameCaptionText

	title := "Two-step verification"
	sub := "Confirm it's you to finish signing in."
	switch ch.Purpose {
	case api.PurposePasswordChange:
		title = "Confirm it's you"
		sub = "Changing your password needs two-step verification."
	case api.PurposeManageTwoStep:
		title = "Confirm it's you"
		sub = "Changing your two-step verification methods needs one you already have."
	}

	var body []fyne.CanvasObject
	switch ch.Method {
	case api.MethodAppNotification:
		body = s.buildPush(ch.Purpose)
	default:
		body = s.buildCode(ch)
	}
	body = append(body, s.alert.object(), s.busy.object(),
		container.NewBorder(nil, nil, s.expires, s.cancel),
		s.others)
	if ch.Purpose == api.PurposeLogin {
		body = append(body, hint(lostPhone))
	}
	card := wrappedCard(title, sub, container.NewVBox(body...))
	s.root = centred(440, card)
	c.scope.every(time.Second, s.tick)
	return s
}

// lostPhone is the way out for a member without their phone.
const lostPhone = "Lost your phone? Ask your administrator to reset two-step verification."

// pushIntro says what approving the notification does, by purpose.
func pushIntro(p api.Purpose) string {
	what := "approve the sign-in"
	switch p {
	case api.PurposePasswordChange:
		what = "confirm your password change"
	case api.PurposeManageTwoStep:
		what = "confirm the change to your two-step verification"
	}
	return "We sent a notification to the app on your phone. Open it and type this number to " + what + ":"
}

func (s *challengeScreen) buildPush(p api.Purpose) []fyne.CanvasObject {
	s.number = canvas.NewText("--", theme.Color(theme.ColorNameForeground))
	s.number.TextSize = 72
	s.number.TextStyle = fyne.TextStyle{Bold: true}
	s.number.Alignment = fyne.TextAlignCenter
	s.waiting = widget.NewLabelWithStyle("Waiting for approval on your phone", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	s.progress = widget.NewProgressBarInfinite()
	s.again = newButton("Send another notification", methodIcon(api.MethodAppNotification), func() {
		s.c.dispatch(app.ChooseMethod{Method: api.MethodAppNotification})
	})
	s.again.Importance = widget.HighImportance
	s.again.Hide()
	s.sent = hint(pushIntro(p))
	return []fyne.CanvasObject{
		s.sent,
		newSpoken(s.number),
		s.waiting,
		s.progress,
		s.again,
	}
}

func (s *challengeScreen) buildCode(ch *app.ChallengeView) []fyne.CanvasObject {
	s.code = newCodeEntry(ch.CodeLength, s.submit)
	s.verify = primaryButton("Verify", theme.ConfirmIcon(), func() { s.submit(s.code.Text) })
	s.sentTo = widget.NewLabel("")
	s.sentTo.Wrapping = fyne.TextWrapWord
	var intro fyne.CanvasObject
	var extra []fyne.CanvasObject
	switch ch.Method {
	case api.MethodAuthenticatorApp:
		intro = para("Open your authenticator app and enter the " + aCode + " it shows for Remote Support.")
	default:
		intro = s.sentTo
		s.resend = newButton("Resend code", theme.ViewRefreshIcon(), func() { s.c.dispatch(app.Resend{}) })
		s.resend.Importance = widget.LowImportance
		extra = append(extra, container.NewHBox(s.resend))
	}
	out := []fyne.CanvasObject{
		intro,
		widget.NewForm(widget.NewFormItem("Code", s.code)),
		container.NewBorder(nil, nil, nil, s.verify),
	}
	return append(out, extra...)
}

func (s *challengeScreen) submit(code string) {
	st := s.c.state
	if st.Busy || len(code) == 0 || (st.Challenge != nil && !st.Challenge.Active) {
		return
	}
	if n := st.Challenge.CodeLength; n > 0 && len(code) != n {
		s.alert.show(styleError, fmt.Sprintf("Enter all %d digits.", n))
		return
	}
	s.last = code
	s.c.dispatch(app.SubmitCode{Code: code})
}

func (s *challengeScreen) object() fyne.CanvasObject { return s.root }

func (s *challengeScreen) focus() fyne.Focusable {
	if s.code != nil {
		return s.code
	}
	return nil
}

func (s *challengeScreen) update(st app.State) {
	ch := st.Challenge
	if ch == nil {
		return
	}
	s.busy.set(st.Busy && !ch.Waiting, st.Activity)
	s.alert.showAlert(st.Alert, s.c.now())
	if st.Alert != nil && st.Alert.Kind == app.AlertResendTooSoon {
		s.alert.show(styleError, "") // the resend button counts the wait down
	}
	if st.Alert == nil && st.Notice != "" {
		s.alert.show(styleSuccess, st.Notice)
	}
	if s.method == api.MethodAppNotification {
		// no number: no notification went out (refused, or still sending)
		if ch.MatchNumber == "" {
			s.sent.Hide()
			s.number.Hide()
		} else {
			s.sent.Show()
			s.number.Show()
		}
		s.number.Text = ch.MatchNumber
		if ch.MatchNumber == "" {
			s.number.Text = "--"
		}
		s.number.Color = theme.Color(theme.ColorNameForeground)
		if !ch.Active {
			s.number.Color = theme.Color(theme.ColorNameDisabled)
		}
		s.number.Refresh()
		if ch.Waiting && ch.Active {
			s.waiting.Show()
			s.progress.Show()
			s.progress.Start()
			s.again.Hide()
		} else {
			s.waiting.Hide()
			s.progress.Stop()
			s.progress.Hide()
			if !ch.Active && !st.Busy {
				s.again.Show()
			} else {
				s.again.Hide()
			}
		}
	} else {
		switch {
		case ch.SentTo != "":
			s.sentTo.SetText(fmt.Sprintf("We sent a %s to %s. Enter it below.", aCode, ch.SentTo))
		case s.method != api.MethodSMS && s.method != api.MethodEmail:
		case st.Busy:
			s.sentTo.SetText("Sending a code…")
		default:
			s.sentTo.SetText("No code was sent. Press Start again to send one.")
		}
		if st.Alert != nil && st.Alert != s.alerted && (st.Alert.Kind == app.AlertInvalidCode || st.Alert.Kind == app.AlertFailed || st.Alert.Kind == app.AlertExpired) {
			s.alerted = st.Alert // clear once per wrong code, not on every redraw
			s.code.SetText("")
			s.last = ""
			s.c.win.Canvas().Focus(s.code)
		}
		on := !st.Busy && ch.Active
		setEnabled(on, s.code, s.verify)
		if !ch.Active {
			// an expired or failed challenge: offer a fresh one
			s.verify.SetText("Start again")
			s.verify.SetIcon(theme.ViewRefreshIcon())
			s.verify.OnTapped = func() { s.c.dispatch(app.ChooseMethod{Method: s.method}) }
			setEnabled(!st.Busy, s.verify)
		} else if s.verify.Text != "Verify" {
			s.verify.SetText("Verify")
			s.verify.SetIcon(theme.ConfirmIcon())
			s.verify.OnTapped = func() { s.submit(s.code.Text) }
		}
	}
	s.drawOthers(st)
	s.tick()
}

// drawOthers lists "Use another method" as this version allows.
func (s *challengeScreen) drawOthers(st app.State) {
	others := st.Challenge.Others
	s.others.Objects = nil
	if len(others) > 0 {
		s.others.Add(widget.NewSeparator())
		s.others.Add(heading("Use another method"))
		for _, m := range others {
			b := newButton("Use "+m.Phrase()+" instead", methodIcon(m), func() {
				s.c.dispatch(app.ChooseMethod{Method: m})
			})
			b.Importance = widget.LowImportance
			b.Alignment = widget.ButtonAlignLeading
			if st.Busy && !st.Challenge.Waiting {
				b.Disable()
			}
			s.others.Add(b)
		}
	}
	s.others.Refresh()
}

// tick counts down the expiry and the resend cooldown.
func (s *challengeScreen) tick() {
	st := s.c.state
	ch := st.Challenge
	if ch == nil {
		return
	}
	now := s.c.now()
	if ch.Active && !ch.ExpiresAt.IsZero() && s.method == api.MethodAppNotification {
		s.expires.SetText("Expires in " + clock(ch.ExpiresAt.Sub(now)))
	} else {
		s.expires.SetText("")
	}
	if s.again != nil {
		s.tickAgain(st, now)
	}
	if s.resend != nil && !ch.Active {
		s.resend.Hide() // "Start again" sends a new code
	} else if s.resend != nil {
		s.resend.Show()
		wait := ch.ResendAt.Sub(now)
		if st.Alert != nil && st.Alert.Kind == app.AlertResendTooSoon && st.Alert.RetryAt.After(ch.ResendAt) {
			wait = st.Alert.RetryAt.Sub(now)
		}
		if wait > 0 {
			s.resend.SetText("Resend code in " + clock(wait))
			s.resend.Disable()
		} else {
			s.resend.SetText("Resend code")
			setEnabled(!st.Busy && ch.Active, s.resend)
		}
	}
}

// tickAgain keeps "Send another notification" off, counting down, while the
// server refuses more notifications.
func (s *challengeScreen) tickAgain(st app.State, now time.Time) {
	a := st.Alert
	if a != nil && a.Kind == app.AlertLockedOut && a.Code == api.CodeTooManyPushes {
		s.alert.showAlert(a, now)
		if left := a.RetryAt.Sub(now); left > 0 {
			s.again.SetText("Send another notification in " + clock(left))
			s.again.Disable()
			return
		}
	}
	if s.again.Text != "Send another notification" {
		s.again.SetText("Send another notification")
	}
	setEnabled(!st.Busy, s.again)
}
