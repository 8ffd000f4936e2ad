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
	back := primaryButton(tr("nomethod.back"), theme.NavigateBackIcon(), func() { c.dispatch(app.Cancel{}) })
	tester := newButton(tr("nomethod.switch_version"), theme.ComputerIcon(), func() {
		if !c.TesterOpen() {
			c.ToggleTester()
		}
	})
	icon := widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon()))
	what := widget.NewRichTextFromMarkdown(tr("nomethod.what_you_can_do"))
	what.Wrapping = fyne.TextWrapWord
	card := wrappedCard(tr("nomethod.title"), tr("nomethod.needed"),
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
	msg := tr("nomethod.default")
	if st.Alert != nil && !st.Alert.Message.IsZero() {
		msg = trText(st.Alert.Message)
	}
	s.message.SetText(msg)
}
