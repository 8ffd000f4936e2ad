package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/app"
)

// noMethodScreen explains that this console version cannot use any method
// the member has (a legacy console and email only) and what to do next.
type noMethodScreen struct {
	c       *Console
	message *widget.Label
	root    fyne.CanvasObject
}

func newNoMethodScreen(c *Console) *noMethodScreen {
	s := &noMethodScreen{c: c, message: para("")}
	back := primaryButton("Back to sign-in", theme.NavigateBackIcon(), func() { c.dispatch(app.Cancel{}) })
	tester := newButton("Switch console version…", theme.ComputerIcon(), func() {
		if !c.TesterOpen() {
			c.ToggleTester()
		}
	})
	icon := widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon()))
	what := widget.NewRichTextFromMarkdown("**What you can do**\n\n" +
		"- Ask your administrator to reset your two-step verification, then sign in again and set up the mobile app with a text message backup.\n" +
		"- Or use a newer Technician Console, which supports email codes.")
	what.Wrapping = fyne.TextWrapWord
	card := wrappedCard("This console can't verify you", "Two-step verification is needed to sign in.",
		container.NewVBox(
			container.NewBorder(nil, nil, container.NewVBox(icon), nil, s.message),
			widget.NewSeparator(),
			what,
			container.NewHBox(tester, layoutSpacer(), back),
		))
	s.root = centred(480, card)
	return s
}

func (s *noMethodScreen) object() fyne.CanvasObject { return s.root }
func (s *noMethodScreen) focus() fyne.Focusable     { return nil }

func (s *noMethodScreen) update(st app.State) {
	msg := "No two-step verification method this console supports is set up for your account."
	if st.Alert != nil && st.Alert.Message != "" {
		msg = st.Alert.Message
	}
	s.message.SetText(msg)
}
