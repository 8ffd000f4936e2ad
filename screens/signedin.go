package screens

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
)

// signedInScreen shows who is signed in, their role and group and active
// two-step methods, with Change password and Sign out.
type signedInScreen struct {
	c       *Console
	card    *widget.Card
	who     *widget.Label
	role    *widget.Label
	group   *widget.Label
	methods *fyne.Container
	notice  *alertView
	busy    *busyRow
	change  *button
	twoStep *button
	signOut *button
	root    fyne.CanvasObject
}

func newSignedInScreen(c *Console) *signedInScreen {
	s := &signedInScreen{c: c, notice: newAlertView(), busy: newBusyRow()}
	s.who = widget.NewLabel("")
	s.role = widget.NewLabel("")
	s.group = widget.NewLabel("")
	s.methods = container.NewVBox()
	s.change = newButton("Change password", theme.DocumentCreateIcon(), func() { c.dispatch(app.OpenChangePassword{}) })
	s.twoStep = newButton("Two-step verification", theme.AccountIcon(), func() { c.dispatch(app.OpenTwoStep{}) })
	s.signOut = newButton("Sign out", theme.LogoutIcon(), func() { c.dispatch(app.SignOut{}) })
	form := widget.NewForm(
		widget.NewFormItem("Username", s.who),
		widget.NewFormItem("Role", s.role),
		widget.NewFormItem("Group", s.group),
		widget.NewFormItem("Two-step", s.methods),
	)
	s.card = widget.NewCard("Signed in", "", container.NewVBox(
		form,
		s.notice.object(),
		s.busy.object(),
		widget.NewSeparator(),
		container.NewHBox(s.change, s.twoStep, layoutSpacer(), s.signOut),
	))
	s.root = centred(460, s.card)
	return s
}

func (s *signedInScreen) object() fyne.CanvasObject { return s.root }
func (s *signedInScreen) focus() fyne.Focusable     { return nil }

func (s *signedInScreen) update(st app.State) {
	u := st.User
	if u == nil {
		return
	}
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	s.card.SetTitle("Welcome, " + name)
	s.card.SetSubTitle("You are signed in to the Technician Console " + st.Version.String() + ".")
	s.who.SetText(u.Username)
	s.role.SetText(roleText(u.Roles))
	if u.Group != nil {
		s.group.SetText(u.Group.Name)
	} else {
		s.group.SetText("—")
	}
	s.methods.Objects = nil
	if len(u.TwoStep.Methods) == 0 {
		text := "Not in use"
		if u.TwoStep.Required {
			text = "Required, not set up"
		}
		s.methods.Add(widget.NewLabel(text))
	}
	for _, m := range u.TwoStep.Methods {
		if !st.Caps.Supports(m) {
			continue // this console version does not know the method
		}
		label := m.Label()
		if m == u.TwoStep.PrimaryMethod {
			label += " (primary)"
		}
		s.methods.Add(container.NewHBox(widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon())), widget.NewLabel(label)))
	}
	s.methods.Refresh()
	s.busy.set(st.Busy, st.Activity)
	switch {
	case st.Alert != nil:
		s.notice.showAlert(st.Alert, s.c.now())
	case st.Notice != "":
		s.notice.show(styleSuccess, st.Notice)
	default:
		s.notice.show(styleSuccess, "")
	}
	setEnabled(!st.Busy, s.change, s.twoStep, s.signOut)
}

func roleText(roles []api.Role) string {
	names := make([]string, 0, len(roles))
	for _, r := range roles {
		names = append(names, r.Label())
	}
	if len(names) == 0 {
		return "—"
	}
	return strings.Join(names, ", ")
}
