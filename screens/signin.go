package screens

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/app"
)

// signInScreen is the sign-in form: username, password, "Keep me signed in",
// the server (behind "Advanced" with the embedded server) and, in embedded
// mode, the demo accounts.
type signInScreen struct {
	c        *Console
	username *entry
	password *entry
	keep     *check
	server   *entry
	submit   *button
	alert    *alertView
	busy     *busyRow
	root     fyne.CanvasObject
	// lockedFor is the username whose lockout is on screen ("" when none).
	lockedFor string
	ticking   bool
	alerted   *app.Alert // the alert the form was last cleared for
	// remembered: the form shows the remembered username and "Keep me signed
	// in" (they arrive with the first state after the console starts).
	remembered bool
	// keepTouched: the user ticked or cleared "Keep me signed in" before the
	// remembered choice arrived, which then does not override it.
	keepTouched bool
}

func newSignInScreen(c *Console) *signInScreen {
	s := &signInScreen{c: c, alert: newAlertView(), busy: newBusyRow()}
	s.username = newEntry()
	s.username.SetPlaceHolder("Username")
	s.password = newPasswordEntry()
	s.password.SetPlaceHolder("Password")
	s.keep = newCheck("Keep me signed in", nil)
	s.server = newEntry()
	s.server.SetPlaceHolder("https://auth.example.com")
	s.server.SetText(c.opts.ServerURL)
	st := c.state
	if st.Username != "" {
		s.username.SetText(st.Username)
	}
	s.keep.SetChecked(st.KeepSignedIn)
	s.keep.OnChanged = func(bool) { s.keepTouched = true }

	s.username.OnSubmitted = func(string) { c.win.Canvas().Focus(s.password) }
	s.username.OnChanged = func(string) { s.applyLockout(s.c.state) }
	s.password.OnSubmitted = func(string) { s.signIn() }
	s.submit = primaryButton("Sign in", theme.LoginIcon(), s.signIn)

	form := widget.NewForm(
		widget.NewFormItem("Username", s.username),
		widget.NewFormItem("Password", s.password),
	)
	if !c.opts.Embedded {
		form.Items = append([]*widget.FormItem{widget.NewFormItem("Server", s.server)}, form.Items...)
	}
	s.server.OnSubmitted = func(string) { s.applyServer() }

	items := []fyne.CanvasObject{form, s.keep, s.alert.object(), container.NewBorder(nil, nil, s.busy.object(), s.submit)}
	var choose fyne.CanvasObject = layoutSpacer()
	if c.opts.ChooseServer != nil {
		b := newButton("Choose the server…", theme.StorageIcon(), c.showServerChoice)
		b.Importance = widget.LowImportance
		choose = container.NewHBox(b)
	}
	if c.opts.Embedded {
		s.server.Disable()
		adv := widget.NewAccordion(widget.NewAccordionItem("Advanced",
			container.NewVBox(
				widget.NewForm(widget.NewFormItem("Server", s.server)),
				hint("The console runs its own reference server with the demo organisation (Built-in demo organisation). Choose another server here or in File > Server…; --server wins."),
				choose,
			)))
		items = append(items, adv)
	} else {
		items = append(items, choose)
	}
	card := widget.NewCard("Sign in", "Technician Console — remote support", container.NewVBox(items...))

	if !c.opts.Embedded || len(c.opts.DemoAccounts) == 0 {
		s.root = centred(420, card)
		return s
	}
	// each card keeps its own height, top-aligned
	s.root = centred(820, container.NewGridWithColumns(2, container.NewVBox(card), container.NewVBox(s.demoPanel())))
	return s
}

// demoPanel lists the demo accounts; "Use" fills the form. The rows come
// right after the first frame.
func (s *signInScreen) demoPanel() fyne.CanvasObject {
	rows := container.NewVBox()
	s.c.later(func() { s.fillDemo(rows) })
	pw := ""
	if len(s.c.opts.DemoAccounts) > 0 {
		pw = s.c.opts.DemoAccounts[0].Password
	}
	sub := "Password for all: " + pw
	return widget.NewCard("Demo accounts", sub, rows)
}

func (s *signInScreen) fillDemo(rows *fyne.Container) {
	for _, a := range s.c.opts.DemoAccounts {
		use := newButton("", theme.NavigateNextIcon(), func() {
			s.username.SetText(a.Username)
			s.password.SetText(a.Password)
			s.c.win.Canvas().Focus(s.password)
		})
		use.Importance = widget.LowImportance
		use.name = a.Username // an icon only: read out as the account it fills in
		name := widget.NewLabelWithStyle(a.Username, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		note := hint(a.Note)
		rows.Add(container.NewBorder(nil, nil, fixedWidth(64, name), use, note))
	}
	rows.Refresh()
}

func (s *signInScreen) object() fyne.CanvasObject { return s.root }

func (s *signInScreen) focus() fyne.Focusable {
	if s.username.Text != "" {
		return s.password
	}
	return s.username
}

// applyServer forwards an edited server address; false when the address is
// refused (the controller's alert says why; the sign-in does not go on).
func (s *signInScreen) applyServer() bool {
	if s.server.Disabled() {
		return true
	}
	url := strings.TrimSpace(s.server.Text)
	if url == s.c.opts.ServerURL {
		return true
	}
	s.c.dispatch(app.SetServer{URL: url})
	if _, err := app.CheckServerURL(url); err != nil {
		return false
	}
	s.c.opts.ServerURL = url
	return true
}

func (s *signInScreen) signIn() {
	if s.submit.Disabled() {
		return
	}
	if !s.c.opts.Embedded && !s.applyServer() {
		return
	}
	user := strings.TrimSpace(s.username.Text)
	switch {
	case user == "":
		s.alert.show(styleError, "Enter your username.")
		s.c.win.Canvas().Focus(s.username)
		return
	case s.password.Text == "":
		s.alert.show(styleError, "Enter your password.")
		s.c.win.Canvas().Focus(s.password)
		return
	}
	s.c.dispatch(app.Login{Username: user, Password: s.password.Text, KeepSignedIn: s.keep.Checked})
}

func (s *signInScreen) update(st app.State) {
	c := s.c
	if !c.started {
		s.updateStarting()
		return
	}
	if !s.remembered {
		s.remembered = true
		if s.username.Text == "" && st.Username != "" {
			s.username.SetText(st.Username)
		}
		if !s.keepTouched {
			s.keep.SetChecked(st.KeepSignedIn)
		}
	}
	s.busy.set(st.Busy, st.Activity)
	if st.Alert != nil && st.Alert.Kind == app.AlertInvalidCredentials && !st.Busy && st.Alert != s.alerted {
		s.alerted = st.Alert // clear the password once per refusal, not on every redraw
		s.password.SetText("")
		c.win.Canvas().Focus(s.password)
	}
	s.alert.showAlert(st.Alert, c.now())
	if st.Alert == nil && st.Notice != "" {
		s.alert.show(styleInfo, st.Notice)
	}
	if st.Alert == nil || st.Alert.Kind != app.AlertLockedOut {
		s.lockedFor = "" // a newer answer replaced the lockout
	}
	s.applyLockout(st)
	if len(st.Lockouts) > 0 && !s.ticking {
		s.ticking = true
		c.scope.every(time.Second, func() { s.applyLockout(s.c.state) })
	}
}

// updateStarting draws the form before the controller is attached: usable at
// once (a sign-in then waits for the server, with progress shown), off only
// when the server did not start.
func (s *signInScreen) updateStarting() {
	c := s.c
	if c.startErr != "" {
		s.busy.set(false, "")
		s.alert.show(styleError, c.startErr)
		setEnabled(false, s.submit)
		return
	}
	waiting := c.pending != nil
	msg := "Signing in as soon as the embedded server is up…"
	if !c.opts.Embedded {
		msg = "Connecting…"
	}
	s.busy.set(waiting, msg)
	setEnabled(!waiting, s.username, s.password, s.keep, s.submit)
}

// applyLockout counts down the lockout of the username typed, if it has one,
// with "Sign in" off; any other username signs in as usual (a lockout
// belongs to the username that earned it).
func (s *signInScreen) applyLockout(st app.State) {
	if !s.c.started {
		return
	}
	now := s.c.now()
	typed := s.username.Text
	retryAt, locked := st.LockedOut(typed, now)
	setEnabled(!st.Busy, s.username, s.password, s.keep)
	setEnabled(!st.Busy && !locked, s.submit)
	lockAlert := st.Alert != nil && st.Alert.Kind == app.AlertLockedOut
	switch {
	case locked:
		s.lockedFor = typed
		s.alert.show(styleError, fmt.Sprintf("Too many failed attempts for %s: for your security, signing in as %s is paused. Try again in %s.",
			strings.TrimSpace(typed), strings.TrimSpace(typed), clock(retryAt.Sub(now))))
	case s.lockedFor != "" && app.SameUsername(s.lockedFor, typed):
		s.alert.show(styleInfo, "You can try again now.")
	case s.lockedFor != "" || lockAlert:
		s.lockedFor = ""
		s.alert.show(styleError, "") // another username's lockout: not this one's business
	}
}
