package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
)

// twoStepScreen is the signed-in "Two-step verification" page: the
// member's methods, and changing the backup phone (one phase per screen, so
// focus lands on the phase's field).
type twoStepScreen struct {
	c      *Console
	alert  *alertView
	busy   *busyRow
	first  fyne.Focusable
	action []fyne.Disableable
	root   fyne.CanvasObject
}

func newTwoStepScreen(c *Console, st app.State) *twoStepScreen {
	s := &twoStepScreen{c: c, alert: newAlertView(), busy: newBusyRow()}
	var body fyne.CanvasObject
	phase := app.TwoStepList
	if st.TwoStep != nil {
		phase = st.TwoStep.Phase
	}
	switch phase {
	case app.TwoStepPhone:
		body = s.buildPhone()
	case app.TwoStepCode:
		body = s.buildCode(st.TwoStep.SentTo)
	default:
		body = s.buildList(st.TwoStep)
	}
	card := widget.NewCard("Two-step verification", "", container.NewVBox(body, s.alert.object(), s.busy.object()))
	s.root = centred(500, card)
	return s
}

func (s *twoStepScreen) object() fyne.CanvasObject { return s.root }
func (s *twoStepScreen) focus() fyne.Focusable     { return s.first }

func (s *twoStepScreen) cancelButton(text string) *button {
	return newButton(text, theme.CancelIcon(), func() { s.c.dispatch(app.Cancel{}) })
}

// buildList shows each method with its status and masked label.
func (s *twoStepScreen) buildList(v *app.TwoStepView) fyne.CanvasObject {
	rows := container.NewVBox()
	if v == nil || len(v.Methods) == 0 {
		rows.Add(para("No two-step method is set up."))
	} else {
		for i := range v.Methods {
			text, _ := statusText(&v.Methods[i])
			rows.Add(container.NewHBox(widget.NewIcon(methodIcon(v.Methods[i].Method)), widget.NewLabel(text)))
		}
	}
	change := primaryButton("Change backup phone", theme.DocumentCreateIcon(), func() { s.c.dispatch(app.ChangeBackupPhone{}) })
	back := newButton("Back", theme.NavigateBackIcon(), func() { s.c.dispatch(app.Cancel{}) })
	s.action = []fyne.Disableable{change, back}
	return container.NewVBox(rows, widget.NewSeparator(), container.NewHBox(back, layoutSpacer(), change))
}

// buildPhone asks for the new backup phone number.
func (s *twoStepScreen) buildPhone() fyne.CanvasObject {
	phone := newEntry()
	phone.SetPlaceHolder("+1 555 010 2030")
	next := primaryButton("Next", theme.NavigateNextIcon(), nil)
	submit := func() {
		if !s.c.state.Busy {
			s.c.dispatch(app.SetBackupPhone{Phone: phone.Text})
		}
	}
	next.OnTapped = submit
	phone.OnSubmitted = func(string) { submit() }
	s.first = phone
	s.action = []fyne.Disableable{phone, next}
	return container.NewVBox(heading("Change backup phone"),
		hint("You will confirm it is you with your two-step verification first, then enter a code sent to the new number."),
		widget.NewForm(widget.NewFormItem("New phone number", phone)),
		container.NewHBox(layoutSpacer(), s.cancelButton("Cancel"), next))
}

// buildCode asks for the code sent to the new phone.
func (s *twoStepScreen) buildCode(sentTo string) fyne.CanvasObject {
	code := newCodeEntry(api.CodeDigits, nil)
	confirm := primaryButton("Confirm", theme.ConfirmIcon(), nil)
	submit := func() {
		if len(code.Text) == api.CodeDigits && !s.c.state.Busy {
			s.c.dispatch(app.ConfirmBackupPhone{Code: code.Text})
		}
	}
	confirm.OnTapped = submit
	code.OnSubmitted = func(string) { submit() }
	s.first = code
	s.action = []fyne.Disableable{code, confirm}
	return container.NewVBox(heading("Confirm your new backup phone"),
		para("We sent a "+aCode+" to "+sentTo+". Enter it to confirm."),
		widget.NewForm(widget.NewFormItem("Code", code)),
		container.NewHBox(layoutSpacer(), s.cancelButton("Cancel"), confirm))
}

func (s *twoStepScreen) update(st app.State) {
	s.busy.set(st.Busy, st.Activity)
	switch {
	case st.Alert != nil:
		s.alert.showAlert(st.Alert, s.c.now())
	case st.Notice != "":
		s.alert.show(styleSuccess, st.Notice)
	default:
		s.alert.show(styleSuccess, "")
	}
	setEnabled(!st.Busy, s.action...)
}
