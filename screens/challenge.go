package screens

import (
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
	s.cancel = newButton(tr("btn.cancel"), theme.CancelIcon(), func() { c.dispatch(app.Cancel{}) })
	s.others = container.NewVBox()
	s.expires = widget.NewLabel("")
	s.expires.SizeName = theme.SizeNameCaptionText

	title := tr("two_step.title")
	sub := tr("challenge.sub.login")
	switch ch.Purpose {
	case api.PurposePasswordChange:
		title = tr("challenge.confirm_its_you")
		sub = tr("challenge.sub.password_change")
	case api.PurposeManageTwoStep:
		title = tr("challenge.confirm_its_you")
		sub = tr("challenge.sub.manage_two_step")
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
		body = append(body, hint(lostPhone()))
	}
	card := wrappedCard(title, sub, container.NewVBox(body...))
	s.root = centred(440, card)
	c.scope.every(time.Second, s.tick)
	return s
}

// lostPhone is the way out for a member without their phone.
func lostPhone() string { return tr("challenge.lost_phone") }

// pushIntro says what approving the notification does, by purpose.
func pushIntro(p api.Purpose) string {
	switch p {
	case api.PurposePasswordChange:
		return tr("challenge.push_intro.password_change")
	case api.PurposeManageTwoStep:
		return tr("challenge.push_intro.manage_two_step")
	}
	return tr("challenge.push_intro.login")
}

// useInstead are the "Use another method" buttons' words.
var useInstead = map[api.Method]string{
	api.MethodAppNotification:  "challenge.use_instead.app_notification",
	api.MethodAuthenticatorApp: "challenge.use_instead.authenticator_app",
	api.MethodSMS:              "challenge.use_instead.sms",
	api.MethodEmail:            "challenge.use_instead.email",
}

func (s *challengeScreen) buildPush(p api.Purpose) []fyne.CanvasObject {
	s.number = canvas.NewText("--", theme.Color(theme.ColorNameForeground))
	s.number.TextSize = 72
	s.number.TextStyle = fyne.TextStyle{Bold: true}
	s.number.Alignment = fyne.TextAlignCenter
	s.waiting = widget.NewLabelWithStyle(tr("challenge.waiting"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	s.progress = widget.NewProgressBarInfinite()
	s.again = newButton(tr("challenge.send_another"), methodIcon(api.MethodAppNotification), func() {
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
	s.verify = primaryButton(tr("btn.verify"), theme.ConfirmIcon(), func() { s.submit(s.code.Text) })
	s.sentTo = widget.NewLabel("")
	s.sentTo.Wrapping = fyne.TextWrapWord
	var intro fyne.CanvasObject
	var extra []fyne.CanvasObject
	switch ch.Method {
	case api.MethodAuthenticatorApp:
		intro = para(tr("challenge.open_app", "Digits", api.CodeDigits))
	default:
		intro = s.sentTo
		s.resend = newButton(tr("btn.resend_code"), theme.ViewRefreshIcon(), func() { s.c.dispatch(app.Resend{}) })
		s.resend.Importance = widget.LowImportance
		extra = append(extra, container.NewHBox(s.resend))
	}
	out := []fyne.CanvasObject{
		intro,
		widget.NewForm(widget.NewFormItem(tr("field.code"), s.code)),
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
		s.alert.show(styleError, tr("challenge.enter_all_digits", "Digits", n))
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
	s.busy.set(st.Busy && !ch.Waiting, trText(st.Activity))
	s.alert.showAlert(st.Alert, s.c.now())
	if st.Alert != nil && st.Alert.Kind == app.AlertResendTooSoon {
		s.alert.show(styleError, "") // the resend button counts the wait down
	}
	if st.Alert == nil && !st.Notice.IsZero() {
		s.alert.show(styleSuccess, trText(st.Notice))
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
			s.sentTo.SetText(tr("challenge.code_sent", "Digits", api.CodeDigits, "SentTo", ch.SentTo))
		case s.method != api.MethodSMS && s.method != api.MethodEmail:
		case st.Busy:
			s.sentTo.SetText(tr("act.sending_code"))
		default:
			s.sentTo.SetText(tr("challenge.no_code_sent"))
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
			s.verify.SetText(tr("btn.start_again"))
			s.verify.SetIcon(theme.ViewRefreshIcon())
			s.verify.OnTapped = func() { s.c.dispatch(app.ChooseMethod{Method: s.method}) }
			setEnabled(!st.Busy, s.verify)
		} else if s.verify.Text != tr("btn.verify") {
			s.verify.SetText(tr("btn.verify"))
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
		s.others.Add(heading(tr("challenge.use_another")))
		for _, m := range others {
			b := newButton(tr(useInstead[m]), methodIcon(m), func() {
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
		s.expires.SetText(tr("challenge.expires_in", "Time", clock(ch.ExpiresAt.Sub(now))))
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
			s.resend.SetText(tr("btn.resend_code_in", "Time", clock(wait)))
			s.resend.Disable()
		} else {
			s.resend.SetText(tr("btn.resend_code"))
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
			s.again.SetText(tr("challenge.send_another_in", "Time", clock(left)))
			s.again.Disable()
			return
		}
	}
	if s.again.Text != tr("challenge.send_another") {
		s.again.SetText(tr("challenge.send_another"))
	}
	setEnabled(!st.Busy, s.again)
}
