package screens

import (
	"bytes"
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
	"github.com/remotesupport/techconsole/i18n"
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
	sub := tr("setup.protect.sub")
	if st.Setup.Reset {
		sub = tr("setup.protect.sub_reset")
	}
	// Cancel (and Escape) steps back to the overview, and from there out of the sign-in.
	cancel := newButton(tr("setup.cancel_sign_in"), theme.CancelIcon(), func() { c.dispatch(app.Cancel{}) })
	if s.phase != app.SetupOverview && s.phase != app.SetupVerifyBackup {
		cancel.SetText(tr("btn.back"))
		cancel.SetIcon(theme.NavigateBackIcon())
	}
	cancel.Importance = widget.LowImportance
	card := wrappedCard(tr("setup.protect"), sub, container.NewVBox(
		body, s.alert.object(), s.busy.object(), widget.NewSeparator(), container.NewHBox(layoutSpacer(), cancel)))
	s.root = centred(520, card)
	return s
}

// buildIntro is where a first-time setup starts, as in the product's
// article: a "Set up two-step verification" button that opens Protect Your
// Account.
func (s *setupScreen) buildIntro() *setupScreen {
	begin := primaryButton(tr("setup.set_up_two_step"), theme.NavigateNextIcon(), s.c.BeginSetup)
	cancel := newButton(tr("setup.cancel_sign_in"), theme.CancelIcon(), func() { s.c.dispatch(app.Cancel{}) })
	cancel.Importance = widget.LowImportance
	card := wrappedCard(tr("two_step.title"), tr("setup.two_step.sub"),
		container.NewVBox(
			para(tr("setup.two_step.explain")),
			container.NewHBox(layoutSpacer(), begin), widget.NewSeparator(), container.NewHBox(layoutSpacer(), cancel)))
	s.root = centred(520, card)
	s.first = begin
	return s
}

func (s *setupScreen) object() fyne.CanvasObject { return s.root }
func (s *setupScreen) focus() fyne.Focusable     { return s.first }

func (s *setupScreen) update(st app.State) {
	s.busy.set(st.Busy, trText(st.Activity))
	s.alert.showAlert(st.Alert, s.c.now())
	if st.Alert == nil && !st.Notice.IsZero() {
		s.alert.show(styleSuccess, trText(st.Notice))
	}
	if st.Alert != nil && st.Alert.Kind == app.AlertSetupIncomplete && len(st.Alert.Missing) > 0 {
		s.alert.show(styleError, trText(st.Alert.Message)) // the message says what is missing
	}
	if s.draw != nil && st.Setup != nil {
		s.draw(st)
	}
}

// statusText describes a factor for the overview.
func statusText(f *api.Factor) (string, bool) {
	if f == nil {
		return tr("setup.factor.not_set_up"), false
	}
	label := app.FactorLabel(*f)
	switch f.Status {
	case api.FactorActive:
		return tr("setup.factor.active", "Label", label), true
	case api.FactorReset:
		return tr("setup.factor.reset", "Label", label), false
	case api.FactorPending:
		return tr("setup.factor.pending", "Label", label), false
	}
	return trText(label), false
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
	activate := primaryButton(tr("setup.activate"), theme.ConfirmIcon(), func() { c.dispatch(app.Activate{}) })

	s.draw = func(st app.State) {
		sv := st.Setup
		authRow.Objects = nil
		text, ok := statusText(sv.Authenticator)
		if sv.Reset || ok {
			pairAgain := newButton(tr("setup.start_pairing_again"), theme.ViewRefreshIcon(), func() { c.dispatch(app.StartPairing{}) })
			pairAgain.Hide()
			edit := newButton(tr("btn.edit"), theme.DocumentCreateIcon(), nil)
			edit.OnTapped = func() {
				edit.Hide()
				pairAgain.Show()
				c.win.Canvas().Focus(pairAgain)
			}
			authRow.Add(container.NewBorder(nil, nil, statusIcon(ok), edit, heading(tr("setup.mfa_authenticator"))))
			authRow.Add(hint(text))
			authRow.Add(container.NewHBox(pairAgain))
			if s.first == nil && !ok {
				s.first = edit
			}
		} else {
			setUp := primaryButton(tr("setup.set_up_mobile_app"), theme.ContentAddIcon(), func() { c.dispatch(app.StartPairing{}) })
			authRow.Add(container.NewBorder(nil, nil, statusIcon(ok), nil, heading(tr("setup.mfa_authenticator"))))
			authRow.Add(hint(text))
			authRow.Add(container.NewHBox(setUp))
			if s.first == nil {
				s.first = setUp
			}
		}
		authRow.Refresh()

		backupRow.Objects = nil
		btext, bok := statusText(sv.Backup)
		editBackup := newButton(tr("btn.edit"), theme.DocumentCreateIcon(), func() { c.dispatch(app.EditBackup{}) })
		if sv.Backup == nil {
			editBackup.SetText(tr("setup.set_up_backup"))
			if len(sv.BackupOptions) == 1 && sv.BackupOptions[0] == api.MethodSMS {
				editBackup.SetText(tr("setup.set_up_text"))
			}
		}
		if sv.Authenticator == nil || sv.Authenticator.Status != api.FactorActive {
			if sv.Backup == nil {
				editBackup.Disable()
			}
		}
		backupRow.Add(container.NewBorder(nil, nil, statusIcon(bok), editBackup, heading(tr("setup.backup_method"))))
		backupRow.Add(hint(btext))
		backupRow.Refresh()

		setEnabled(sv.CanActivate && !st.Busy, activate)
		if sv.CanActivate && s.first == nil {
			s.first = activate
		}
	}

	intro := hint(tr("setup.intro"))
	if st.Setup.Reset {
		intro = hint(tr("setup.intro.reset"))
	}
	return container.NewVBox(intro, authRow, widget.NewSeparator(), backupRow, widget.NewSeparator(), container.NewHBox(layoutSpacer(), activate))
}

// buildReady says that two-step verification is ready, before a setup after
// a reset activates it (app.SetupReady).
func (s *setupScreen) buildReady() fyne.CanvasObject {
	continueBtn := primaryButton(tr("btn.continue"), theme.NavigateNextIcon(), func() { s.c.dispatch(app.Activate{}) })
	s.first = continueBtn
	s.draw = func(st app.State) { setEnabled(!st.Busy, continueBtn) }
	return container.NewVBox(
		container.NewBorder(nil, nil, statusIcon(true), nil,
			para(tr("setup.ready"))),
		container.NewHBox(layoutSpacer(), continueBtn))
}

// buildPairing shows the QR code, the key with Copy and the confirm code.
func (s *setupScreen) buildPairing(st app.State) fyne.CanvasObject {
	c := s.c
	p := st.Setup.Pairing
	var qr fyne.CanvasObject = widget.NewLabel(tr("setup.no_qr"))
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
	copyBtn := newButton(tr("btn.copy"), theme.ContentCopyIcon(), nil)
	copyBtn.OnTapped = func() {
		if p != nil {
			fyne.CurrentApp().Clipboard().SetContent(p.Secret)
			copyBtn.SetText(tr("btn.copied"))
		}
	}
	code := newCodeEntry(api.CodeDigits, nil)
	confirm := primaryButton(tr("btn.confirm"), theme.ConfirmIcon(), nil)
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
		heading(tr("setup.pair.title")),
		para(tr("setup.pair.step1")),
		para(tr("setup.pair.step2")),
		para(tr("setup.pair.step3", "Digits", api.CodeDigits)),
	)
	return container.NewVBox(
		container.NewBorder(nil, nil, qr, nil, steps),
		widget.NewForm(
			widget.NewFormItem(tr("setup.key"), container.NewBorder(nil, nil, nil, copyBtn, keyLabel)),
			widget.NewFormItem(tr("field.code"), code),
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
			destItem.Text = tr("setup.email_address")
			dest.SetPlaceHolder("name@example.com")
		} else {
			destItem.Text = tr("setup.phone_number")
			dest.SetPlaceHolder("+1 555 010 2030")
		}
		if sv.Backup != nil && sv.Backup.Method == m && sv.Backup.Label != "" && !strings.Contains(sv.Backup.Label, "•") && !strings.Contains(sv.Backup.Label, "*") {
			dest.SetText(sv.Backup.Label)
		}
		form.Refresh()
	}
	var choice *widget.RadioGroup
	var items []fyne.CanvasObject
	items = append(items, heading(tr("setup.add_backup")),
		hint(tr("setup.add_backup.hint")))
	if len(sv.BackupOptions) > 1 {
		labels := make([]string, len(sv.BackupOptions))
		for i, m := range sv.BackupOptions {
			labels[i] = trText(i18n.Method(m))
		}
		choice = widget.NewRadioGroup(labels, func(sel string) {
			for _, m := range sv.BackupOptions {
				if trText(i18n.Method(m)) == sel {
					method = m
				}
			}
			prefill(method)
		})
		choice.Horizontal = true
		choice.Required = true
		choice.SetSelected(trText(i18n.Method(method)))
		items = append(items, choice)
	} else {
		items = append(items, para(tr("setup.backup_sms_only")))
	}
	prefill(method)
	send := primaryButton(tr("btn.next"), theme.NavigateNextIcon(), nil)
	submit := func() {
		d := strings.TrimSpace(dest.Text)
		if d == "" {
			msg := tr("msg.enter_phone")
			if method == api.MethodEmail {
				msg = tr("msg.enter_email")
			}
			s.alert.show(styleError, msg)
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
	weaker := tr("setup.weaker.sms")
	if slices.Contains(sv.BackupOptions, api.MethodEmail) {
		weaker = tr("setup.weaker.sms_email")
	}
	items = append(items, form, hint(weaker),
		container.NewHBox(layoutSpacer(), send))
	return container.NewVBox(items...)
}

// buildBackupCode asks for the code sent to the new backup.
func (s *setupScreen) buildBackupCode(st app.State) fyne.CanvasObject {
	finish := tr("setup.finish_text")
	if st.Setup.BackupMethod == api.MethodEmail {
		finish = tr("setup.finish_email")
	}
	return s.codeStep(tr("setup.confirm_backup"), "setup.code_sent.confirm", finish, tr("btn.change"))
}

// codeStep asks for the code sent to Setup.BackupSentTo (sentKey's message
// names it SentTo), with resend after the cooldown and a way to change the
// backup.
func (s *setupScreen) codeStep(title, sentKey, finishText, changeText string) fyne.CanvasObject {
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
	resend := newButton(tr("btn.resend_code"), theme.ViewRefreshIcon(), func() { c.dispatch(app.Resend{}) })
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
			resend.SetText(tr("btn.resend_code_in", "Time", clock(wait)))
			resend.Disable()
		} else {
			resend.SetText(tr("btn.resend_code"))
			setEnabled(!st.Busy, resend)
		}
	}
	s.draw = func(st app.State) {
		to := st.Setup.BackupSentTo
		if to == "" {
			to = tr("setup.your_backup")
		}
		sent.SetText(tr(sentKey, "Digits", api.CodeDigits, "SentTo", to))
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
		widget.NewForm(widget.NewFormItem(tr("field.code"), code)),
		container.NewHBox(resend, change, layoutSpacer(), finish),
	)
}

// buildVerifyBackup is the first step of a setup after a reset that left the
// backup active: the backup (masked), Send code, and Edit (which the console
// allows once the backup is verified).
func (s *setupScreen) buildVerifyBackup(st app.State) fyne.CanvasObject {
	c := s.c
	label := tr("setup.your_backup")
	if b := st.Setup.VerifyBackup; b != nil {
		label = trText(b.Label)
	}
	send := primaryButton(tr("btn.send_code"), theme.MailSendIcon(), func() { c.dispatch(app.SendBackupCode{}) })
	edit := newButton(tr("btn.edit"), theme.DocumentCreateIcon(), func() { c.dispatch(app.EditBackup{}) })
	s.first = send
	tick := func() {
		st := c.state
		if st.Setup == nil {
			return
		}
		usable := st.Setup.VerifyBackup != nil && st.Setup.VerifyBackup.Supported
		if wait := st.Setup.BackupResendAt.Sub(c.now()); wait > 0 && usable {
			send.SetText(tr("btn.send_code_in", "Time", clock(wait)))
			send.Disable()
			return
		}
		send.SetText(tr("btn.send_code"))
		setEnabled(!st.Busy && usable, send)
	}
	s.draw = func(st app.State) {
		setEnabled(!st.Busy, edit)
		tick()
	}
	c.scope.every(time.Second, tick)
	return container.NewVBox(
		hint(tr("setup.verify_backup.steps")),
		heading(tr("setup.verify_backup")),
		para(tr("setup.verify_backup.explain", "Digits", api.CodeDigits)),
		container.NewBorder(nil, nil, statusIcon(false), edit, widget.NewLabel(label)),
		hint(tr("setup.verify_backup.change_hint")),
		container.NewHBox(layoutSpacer(), send),
	)
}

// buildVerifyBackupCode asks for the code sent to the backup being verified.
func (s *setupScreen) buildVerifyBackupCode(app.State) fyne.CanvasObject {
	return s.codeStep(tr("setup.verify_backup"), "setup.code_sent.verify", tr("btn.verify"), tr("btn.edit"))
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
