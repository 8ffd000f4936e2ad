package screens

import (
	"bytes"
	"fmt"
	"image/png"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
)

// setupScreen is "Protect your account": first-time setup, or setup after a
// reset ("previously set up": Edit > Start pairing again, Activate > Continue).
// One phase of app.SetupView is on screen at a time.
type setupScreen struct {
	c     *Console
	phase app.SetupPhase
	alert *alertView
	busy  *busyRow
	root  fyne.CanvasObject
	draw  func(app.State)
	first fyne.Focusable
}

func newSetupScreen(c *Console, st app.State) *setupScreen {
	s := &setupScreen{c: c, phase: st.Setup.Phase, alert: newAlertView(), busy: newBusyRow()}
	var body fyne.CanvasObject
	switch s.phase {
	case app.SetupPairing:
		body = s.buildPairing(st)
	case app.SetupBackupEntry:
		body = s.buildBackupEntry(st)
	case app.SetupBackupCode:
		body = s.buildBackupCode(st)
	case app.SetupVerifyBackup:
		body = s.buildVerifyBackup(st)
	case app.SetupVerifyBackupCode:
		body = s.buildVerifyBackupCode(st)
	case app.SetupReady:
		body = s.buildReady()
	default:
		if c.needsSetupIntro(st) {
			return s.buildIntro()
		}
		body = s.buildOverview(st)
	}
	sub := "Your organisation requires two-step verification. Set up the mobile app and a backup method to continue."
	if st.Setup.Reset {
		sub = "Your two-step verification was reset. Set it up again to continue signing in."
	}
	// Cancel (and Escape) steps back to the overview, and from there out of the sign-in.
	cancel := newButton("Cancel sign-in", theme.CancelIcon(), func() { c.dispatch(app.Cancel{}) })
	if s.phase != app.SetupOverview && s.phase != app.SetupVerifyBackup {
		cancel.SetText("Back")
		cancel.SetIcon(theme.NavigateBackIcon())
	}
	cancel.Importance = widget.LowImportance
	card := wrappedCard("Protect Your Account", sub, container.NewVBox(
		body, s.alert.object(), s.busy.object(), widget.NewSeparator(), container.NewHBox(layoutSpacer(), cancel)))
	s.root = centred(520, card)
	return s
}

// buildIntro is where a first-time setup starts, as in the product's
// article: a "Set up two-step verification" button that opens Protect Your
// Account.
func (s *setupScreen) buildIntro() *setupScreen {
	begin := primaryButton("Set up two-step verification", theme.NavigateNextIcon(), s.c.BeginSetup)
	cancel := newButton("Cancel sign-in", theme.CancelIcon(), func() { s.c.dispatch(app.Cancel{}) })
	cancel.Importance = widget.LowImportance
	card := wrappedCard("Two-step verification", "Your organisation requires two-step verification for your account.",
		container.NewVBox(
			para("It protects your account with a second step after your password: the mobile app on your phone, with a text message as a backup."),
			container.NewHBox(layoutSpacer(), begin), widget.NewSeparator(), container.NewHBox(layoutSpacer(), cancel)))
	s.root = centred(520, card)
	s.first = begin
	return s
}

func (s *setupScreen) object() fyne.CanvasObject { return s.root }
func (s *setupScreen) focus() fyne.Focusable     { return s.first }

func (s *setupScreen) update(st app.State) {
	s.busy.set(st.Busy, st.Activity)
	s.alert.showAlert(st.Alert, s.c.now())
	if st.Alert == nil && st.Notice != "" {
		s.alert.show(styleSuccess, st.Notice)
	}
	if st.Alert != nil && st.Alert.Kind == app.AlertSetupIncomplete && len(st.Alert.Missing) > 0 {
		s.alert.show(styleError, st.Alert.Message+" Missing: "+strings.Join(st.Alert.Missing, ", ")+".")
	}
	if s.draw != nil && st.Setup != nil {
		s.draw(st)
	}
}

// statusText describes a factor for the overview.
func statusText(f *api.Factor) (string, bool) {
	if f == nil {
		return "Not set up", false
	}
	label := f.Method.Label()
	if f.Label != "" {
		label = f.Label // the server's description ("Text message to ***0106")
	}
	switch f.Status {
	case api.FactorActive:
		return label + " — active", true
	case api.FactorReset:
		return label + " — needs to be set up again", false
	case api.FactorPending:
		return label + " — not confirmed yet", false
	}
	return label, false
}

func statusIcon(ok bool) *widget.Icon {
	if ok {
		return widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	}
	return widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon()))
}

// buildOverview lists the authenticator and the backup with their status.
func (s *setupScreen) buildOverview(st app.State) fyne.CanvasObject {
	c := s.c
	authRow := container.NewVBox()
	backupRow := container.NewVBox()
	activate := primaryButton("Activate", theme.ConfirmIcon(), func() { c.dispatch(app.Activate{}) })

	s.draw = func(st app.State) {
		sv := st.Setup
		authRow.Objects = nil
		text, ok := statusText(sv.Authenticator)
		if sv.Reset || ok {
			pairAgain := newButton("Start pairing again", theme.ViewRefreshIcon(), func() { c.dispatch(app.StartPairing{}) })
			pairAgain.Hide()
			edit := newButton("Edit", theme.DocumentCreateIcon(), nil)
			edit.OnTapped = func() {
				edit.Hide()
				pairAgain.Show()
				c.win.Canvas().Focus(pairAgain)
			}
			authRow.Add(container.NewBorder(nil, nil, statusIcon(ok), edit, heading("MFA Authenticator")))
			authRow.Add(hint(text))
			authRow.Add(container.NewHBox(pairAgain))
			if s.first == nil && !ok {
				s.first = edit
			}
		} else {
			setUp := primaryButton("Set up mobile app", theme.ContentAddIcon(), func() { c.dispatch(app.StartPairing{}) })
			authRow.Add(container.NewBorder(nil, nil, statusIcon(ok), nil, heading("MFA Authenticator")))
			authRow.Add(hint(text))
			authRow.Add(container.NewHBox(setUp))
			if s.first == nil {
				s.first = setUp
			}
		}
		authRow.Refresh()

		backupRow.Objects = nil
		btext, bok := statusText(sv.Backup)
		editBackup := newButton("Edit", theme.DocumentCreateIcon(), func() { c.dispatch(app.EditBackup{}) })
		if sv.Backup == nil {
			editBackup.SetText("Set up backup")
			if len(sv.BackupOptions) == 1 && sv.BackupOptions[0] == api.MethodSMS {
				editBackup.SetText("Set up text message")
			}
		}
		if sv.Authenticator == nil || sv.Authenticator.Status != api.FactorActive {
			if sv.Backup == nil {
				editBackup.Disable()
			}
		}
		backupRow.Add(container.NewBorder(nil, nil, statusIcon(bok), editBackup, heading("Backup method")))
		backupRow.Add(hint(btext))
		backupRow.Refresh()

		setEnabled(sv.CanActivate && !st.Busy, activate)
		if sv.CanActivate && s.first == nil {
			s.first = activate
		}
	}

	intro := hint("Step 1: pair the mobile app (any authenticator app, such as Google Authenticator). Step 2: add a backup. Then activate.")
	if st.Setup.Reset {
		intro = hint("Your previous mobile app pairing no longer works. Pair the app again, check your backup, then activate.")
	}
	return container.NewVBox(intro, authRow, widget.NewSeparator(), backupRow, widget.NewSeparator(), container.NewHBox(layoutSpacer(), activate))
}

// buildReady says that two-step verification is ready, before a setup after
// a reset activates it (app.SetupReady).
func (s *setupScreen) buildReady() fyne.CanvasObject {
	continueBtn := primaryButton("Continue", theme.NavigateNextIcon(), func() { s.c.dispatch(app.Activate{}) })
	s.first = continueBtn
	s.draw = func(st app.State) { setEnabled(!st.Busy, continueBtn) }
	return container.NewVBox(
		container.NewBorder(nil, nil, statusIcon(true), nil,
			para("Two-step verification is ready: the mobile app, with your backup for when the phone is not at hand.")),
		container.NewHBox(layoutSpacer(), continueBtn))
}

// buildPairing shows the QR code, the key with Copy and the confirm code.
func (s *setupScreen) buildPairing(st app.State) fyne.CanvasObject {
	c := s.c
	p := st.Setup.Pairing
	var qr fyne.CanvasObject = widget.NewLabel("No QR code")
	key := ""
	if p != nil {
		img := canvas.NewImageFromResource(fyne.NewStaticResource("pairing-qr.png", p.QRPNG))
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScalePixels
		img.SetMinSize(qrSize(p.QRPNG))
		qr = img
		key = groupKey(p.Secret)
	}
	keyLabel := widget.NewLabelWithStyle(key, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	keyLabel.Selectable = true
	keyLabel.Wrapping = fyne.TextWrapWord
	copyBtn := newButton("Copy", theme.ContentCopyIcon(), nil)
	copyBtn.OnTapped = func() {
		if p != nil {
			fyne.CurrentApp().Clipboard().SetContent(p.Secret)
			copyBtn.SetText("Copied")
		}
	}
	code := newCodeEntry(api.CodeDigits, nil)
	confirm := primaryButton("Confirm", theme.ConfirmIcon(), nil)
	submit := func() {
		if len(code.Text) == api.CodeDigits && !c.state.Busy {
			c.dispatch(app.ConfirmAuthenticator{Code: code.Text})
		}
	}
	confirm.OnTapped = submit
	code.OnSubmitted = func(string) { submit() }
	s.first = code
	s.draw = func(st app.State) {
		setEnabled(!st.Busy, code, confirm)
		if st.Alert != nil && st.Alert.Kind == app.AlertInvalidCode {
			code.SetText("")
		}
	}
	steps := container.NewVBox(
		heading("Set up the mobile app"),
		para("1. Open your authenticator app (for example Google Authenticator) and add an account."),
		para("2. Scan this QR code, or type the key below."),
		para("3. Enter the "+aCode+" the app shows."),
	)
	return container.NewVBox(
		container.NewBorder(nil, nil, qr, nil, steps),
		widget.NewForm(
			widget.NewFormItem("Key", container.NewBorder(nil, nil, nil, copyBtn, keyLabel)),
			widget.NewFormItem("Code", code),
		),
		container.NewHBox(layoutSpacer(), confirm),
	)
}

// groupKey spaces a base32 key in groups of four for reading aloud.
func groupKey(secret string) string {
	var b strings.Builder
	for i, r := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// buildBackupEntry asks for a phone number or an email address.
func (s *setupScreen) buildBackupEntry(st app.State) fyne.CanvasObject {
	c := s.c
	sv := st.Setup
	method := sv.BackupMethod
	if method == "" {
		method = api.MethodSMS
	}
	dest := newEntry()
	destItem := widget.NewFormItem("", dest)
	form := widget.NewForm(destItem)
	prefill := func(m api.Method) {
		if m == api.MethodEmail {
			destItem.Text = "Email address"
			dest.SetPlaceHolder("name@example.com")
		} else {
			destItem.Text = "Phone number"
			dest.SetPlaceHolder("+1 555 010 2030")
		}
		if sv.Backup != nil && sv.Backup.Method == m && sv.Backup.Label != "" && !strings.Contains(sv.Backup.Label, "•") && !strings.Contains(sv.Backup.Label, "*") {
			dest.SetText(sv.Backup.Label)
		}
		form.Refresh()
	}
	var choice *widget.RadioGroup
	var items []fyne.CanvasObject
	items = append(items, heading("Add a backup method"),
		hint("If your phone is not at hand, a code sent to your backup lets you sign in."))
	if len(sv.BackupOptions) > 1 {
		labels := make([]string, len(sv.BackupOptions))
		for i, m := range sv.BackupOptions {
			labels[i] = m.Label()
		}
		choice = widget.NewRadioGroup(labels, func(sel string) {
			for _, m := range sv.BackupOptions {
				if m.Label() == sel {
					method = m
				}
			}
			prefill(method)
		})
		choice.Horizontal = true
		choice.Required = true
		choice.SetSelected(method.Label())
		items = append(items, choice)
	} else {
		items = append(items, para("Backup: text message (SMS)."))
	}
	prefill(method)
	send := primaryButton("Next", theme.NavigateNextIcon(), nil)
	submit := func() {
		d := strings.TrimSpace(dest.Text)
		if d == "" {
			s.alert.show(styleError, "Enter a "+strings.ToLower(destItem.Text)+".")
			return
		}
		if !c.state.Busy {
			c.dispatch(app.StartBackup{Method: method, Destination: d})
		}
	}
	send.OnTapped = submit
	dest.OnSubmitted = func(string) { submit() }
	s.first = dest
	s.draw = func(st app.State) { setEnabled(!st.Busy, dest, send) }
	weaker := "Text messages are less secure than the mobile app: use them only as a backup."
	if slices.Contains(sv.BackupOptions, api.MethodEmail) {
		weaker = "Text messages and email are less secure than the mobile app: use them only as a backup."
	}
	items = append(items, form, hint(weaker),
		container.NewHBox(layoutSpacer(), send))
	return container.NewVBox(items...)
}

// buildBackupCode asks for the code sent to the new backup.
func (s *setupScreen) buildBackupCode(st app.State) fyne.CanvasObject {
	what := "text"
	if st.Setup.BackupMethod == api.MethodEmail {
		what = "email"
	}
	return s.codeStep("Confirm your backup", "We sent a "+aCode+" to %s. Enter it to confirm.",
		fmt.Sprintf("Finish %s setup", what), "Change")
}

// codeStep asks for the code sent to Setup.BackupSentTo (sentText has one
// %s for it), with resend after the cooldown and a way to change the backup.
func (s *setupScreen) codeStep(title, sentText, finishText, changeText string) fyne.CanvasObject {
	c := s.c
	sent := para("")
	code := newCodeEntry(api.CodeDigits, nil)
	finish := primaryButton(finishText, theme.ConfirmIcon(), nil)
	submit := func() {
		if len(code.Text) == api.CodeDigits && !c.state.Busy {
			c.dispatch(app.ConfirmBackup{Code: code.Text})
		}
	}
	finish.OnTapped = submit
	code.OnSubmitted = func(string) { submit() }
	resend := newButton("Resend code", theme.ViewRefreshIcon(), func() { c.dispatch(app.Resend{}) })
	resend.Importance = widget.LowImportance
	change := newButton(changeText, theme.DocumentCreateIcon(), func() { c.dispatch(app.EditBackup{}) })
	change.Importance = widget.LowImportance
	s.first = code
	tick := func() {
		st := c.state
		if st.Setup == nil {
			return
		}
		wait := st.Setup.BackupResendAt.Sub(c.now())
		if wait > 0 {
			resend.SetText("Resend code in " + clock(wait))
			resend.Disable()
		} else {
			resend.SetText("Resend code")
			setEnabled(!st.Busy, resend)
		}
	}
	s.draw = func(st app.State) {
		to := st.Setup.BackupSentTo
		if to == "" {
			to = "your backup"
		}
		sent.SetText(fmt.Sprintf(sentText, to))
		setEnabled(!st.Busy, code, finish, change)
		if st.Alert != nil && st.Alert.Kind == app.AlertInvalidCode {
			code.SetText("")
		}
		tick()
	}
	c.scope.every(time.Second, tick)
	return container.NewVBox(
		heading(title),
		sent,
		widget.NewForm(widget.NewFormItem("Code", code)),
		container.NewHBox(resend, change, layoutSpacer(), finish),
	)
}

// buildVerifyBackup is the first step of a setup after a reset that left the
// backup active: the backup (masked), Send code, and Edit (which the console
// allows once the backup is verified).
func (s *setupScreen) buildVerifyBackup(st app.State) fyne.CanvasObject {
	c := s.c
	label := "your backup"
	if b := st.Setup.VerifyBackup; b != nil {
		label = b.Label
	}
	send := primaryButton("Send code", theme.MailSendIcon(), func() { c.dispatch(app.SendBackupCode{}) })
	edit := newButton("Edit", theme.DocumentCreateIcon(), func() { c.dispatch(app.EditBackup{}) })
	s.first = send
	tick := func() {
		st := c.state
		if st.Setup == nil {
			return
		}
		usable := st.Setup.VerifyBackup != nil && st.Setup.VerifyBackup.Supported
		if wait := st.Setup.BackupResendAt.Sub(c.now()); wait > 0 && usable {
			send.SetText("Send code in " + clock(wait))
			send.Disable()
			return
		}
		send.SetText("Send code")
		setEnabled(!st.Busy && usable, send)
	}
	s.draw = func(st app.State) {
		setEnabled(!st.Busy, edit)
		tick()
	}
	c.scope.every(time.Second, tick)
	return container.NewVBox(
		hint("Step 1: verify your backup. Step 2: pair the mobile app again. Then activate."),
		heading("Verify your backup method"),
		para("Your mobile app pairing was reset. Before you pair the app again, confirm that you still have your backup: we send a "+aCode+" to it."),
		container.NewBorder(nil, nil, statusIcon(false), edit, widget.NewLabel(label)),
		hint("To change your backup, confirm this code first. No longer have it? Contact your administrator."),
		container.NewHBox(layoutSpacer(), send),
	)
}

// buildVerifyBackupCode asks for the code sent to the backup being verified.
func (s *setupScreen) buildVerifyBackupCode(app.State) fyne.CanvasObject {
	return s.codeStep("Verify your backup method", "We sent a "+aCode+" to %s. Enter it to verify your backup.", "Verify", "Edit")
}

// qrSize is the size the server drew the QR code at. Shown 1:1 every module
// stays sharp enough for a phone camera (and for `authenticator pair --qr` on
// a screenshot); scaled by a fraction, modules blur and cameras fail.
func qrSize(pngData []byte) fyne.Size {
	cfg, err := png.DecodeConfig(bytes.NewReader(pngData))
	if err != nil {
		return fyne.NewSize(256, 256)
	}
	return fyne.NewSize(float32(cfg.Width), float32(cfg.Height))
}
