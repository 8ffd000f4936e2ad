package screens

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/i18n"
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
	sub     *widget.Label
}

func newSignedInScreen(c *Console) *signedInScreen {
	s := &signedInScreen{c: c, notice: newAlertView(), busy: newBusyRow()}
	s.who = widget.NewLabel("")
	s.role = widget.NewLabel("")
	s.group = widget.NewLabel("")
	s.methods = container.NewVBox()
	s.change = newButton(tr("signedin.change_password"), theme.DocumentCreateIcon(), func() { c.dispatch(app.OpenChangePassword{}) })
	s.twoStep = newButton(tr("two_step.title"), theme.AccountIcon(), func() { c.dispatch(app.OpenTwoStep{}) })
	s.signOut = newButton(tr("btn.sign_out"), theme.LogoutIcon(), func() { c.dispatch(app.SignOut{}) })
	form := widget.NewForm(
		widget.NewFormItem(tr("field.username"), s.who),
		widget.NewFormItem(tr("signedin.field.role"), s.role),
		widget.NewFormItem(tr("signedin.field.group"), s.group),
		widget.NewFormItem(tr("signedin.field.two_step"), s.methods),
	)
	s.sub = para("")
	s.card = widget.NewCard(tr("signedin.signed_in"), "", container.NewVBox(
		s.sub,
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
	s.card.SetTitle(tr("signedin.welcome", "Name", name))
	s.sub.SetText(tr("signedin.subtitle", "Version", st.Version.String())) // wraps, unlike a card's subtitle
	s.who.SetText(u.Username)
	s.role.SetText(roleText(u.Roles))
	if u.Group != nil {
		s.group.SetText(u.Group.Name)
	} else {
		s.group.SetText(tr("common.none"))
	}
	s.methods.Objects = nil
	if len(u.TwoStep.Methods) == 0 {
		text := tr("signedin.not_in_use")
		if u.TwoStep.Required {
			text = tr("signedin.required_not_set_up")
		}
		s.methods.Add(widget.NewLabel(text))
	}
	for _, m := range u.TwoStep.Methods {
		if !st.Caps.Supports(m) {
			continue // this console version does not know the method
		}
		label := trText(i18n.Method(m))
		if m == u.TwoStep.PrimaryMethod {
			label = tr("signedin.primary", "Method", i18n.Method(m))
		}
		s.methods.Add(container.NewHBox(widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon())), widget.NewLabel(label)))
	}
	s.methods.Refresh()
	s.busy.set(st.Busy, trText(st.Activity))
	switch {
	case st.Alert != nil:
		s.notice.showAlert(st.Alert, s.c.now())
	case !st.Notice.IsZero():
		s.notice.show(styleSuccess, trText(st.Notice))
	default:
		s.notice.show(styleSuccess, "")
	}
	setEnabled(!st.Busy, s.change, s.twoStep, s.signOut)
}

func roleText(roles []api.Role) string {
	names := make([]string, 0, len(roles))
	for _, r := range roles {
		names = append(names, trText(i18n.Role(r)))
	}
	if len(names) == 0 {
		return tr("common.none")
	}
	return strings.Join(names, ", ")
}
