package screens

import (
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/app"
)

// passwordScreen changes the password: current, new and repeat, with a
// strength hint. Where two-step verification applies, the controller shows
// the two-step prompt again before the change is made.
type passwordScreen struct {
	c        *Console
	current  *entry
	next     *entry
	repeat   *entry
	strength *widget.ProgressBar
	verdict  *widget.Label
	mismatch *widget.Label
	submit   *button
	alert    *alertView
	busy     *busyRow
	root     fyne.CanvasObject
}

func newPasswordScreen(c *Console) *passwordScreen {
	s := &passwordScreen{c: c, alert: newAlertView(), busy: newBusyRow()}
	s.current = newPasswordEntry()
	s.next = newPasswordEntry()
	s.repeat = newPasswordEntry()
	s.strength = widget.NewProgressBar()
	s.strength.TextFormatter = func() string { return "" }
	s.verdict = widget.NewLabel("")
	s.verdict.SizeName = theme.SizeNameCaptionText
	s.mismatch = widget.NewLabel("")
	s.mismatch.Importance = widget.DangerImportance
	s.mismatch.Hide()
	s.submit = primaryButton("Change password", theme.ConfirmIcon(), s.change)
	cancel := newButton("Cancel", theme.CancelIcon(), func() { c.dispatch(app.Cancel{}) })

	s.current.OnSubmitted = func(string) { c.win.Canvas().Focus(s.next) }
	s.next.OnSubmitted = func(string) { c.win.Canvas().Focus(s.repeat) }
	s.repeat.OnSubmitted = func(string) { s.change() }
	s.next.OnChanged = func(string) { s.check() }
	s.repeat.OnChanged = func(string) { s.check() }
	s.current.OnChanged = func(string) { s.check() }

	form := widget.NewForm(
		widget.NewFormItem("Current password", s.current),
		widget.NewFormItem("New password", s.next),
		widget.NewFormItem("Strength", container.NewBorder(nil, nil, nil, s.verdict, s.strength)),
		widget.NewFormItem("Repeat new password", s.repeat),
	)
	card := wrappedCard("Change password", "At least 8 characters; a long passphrase is best. Your other sessions will be signed out.",
		container.NewVBox(form, s.mismatch, s.alert.object(), s.busy.object(),
			container.NewHBox(layoutSpacer(), cancel, s.submit)))
	s.root = centred(500, card)
	s.check()
	return s
}

func (s *passwordScreen) object() fyne.CanvasObject { return s.root }
func (s *passwordScreen) focus() fyne.Focusable     { return s.current }

// check draws the strength hint and whether the two new passwords match.
func (s *passwordScreen) check() {
	score, word := strength(s.next.Text)
	s.strength.SetValue(score)
	if word == "" {
		s.strength.Hide() // an empty bar reads as a full one in some themes
		word = "Type a new password"
	} else {
		s.strength.Show()
	}
	s.verdict.SetText(word)
	switch {
	case s.repeat.Text != "" && s.repeat.Text != s.next.Text:
		s.mismatch.SetText("The new passwords don't match.")
		s.mismatch.Show()
	default:
		s.mismatch.Hide()
	}
	ok := s.current.Text != "" && len(s.next.Text) > 0 && s.next.Text == s.repeat.Text && !s.c.state.Busy
	setEnabled(ok, s.submit)
}

func (s *passwordScreen) change() {
	if s.submit.Disabled() {
		s.check()
		return
	}
	s.c.dispatch(app.ChangePassword{Current: s.current.Text, New: s.next.Text})
}

func (s *passwordScreen) update(st app.State) {
	s.busy.set(st.Busy, st.Activity)
	s.alert.showAlert(st.Alert, s.c.now())
	if st.Alert == nil && st.Notice != "" {
		s.alert.show(styleInfo, st.Notice) // "Password not changed." after a cancelled step-up
	}
	setEnabled(!st.Busy, s.current, s.next, s.repeat)
	s.check()
}

// strength is a rough hint of how hard a password is to guess (length first,
// then variety); the server decides what it accepts.
func strength(pw string) (float64, string) {
	if pw == "" {
		return 0, ""
	}
	var lower, upper, digit, other bool
	n := 0
	for _, r := range pw {
		n++
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	kinds := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			kinds++
		}
	}
	points := 0
	switch {
	case n >= 16:
		points = 3
	case n >= 12:
		points = 2
	case n >= 8:
		points = 1
	}
	if n >= 8 {
		points += max(0, kinds-2)
	}
	switch {
	case n < 8:
		return 0.15, "Too short"
	case points <= 1:
		return 0.35, "Weak"
	case points == 2:
		return 0.6, "Fair"
	case points == 3:
		return 0.8, "Good"
	}
	return 1, "Strong"
}
