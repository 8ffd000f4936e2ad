package screens

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
)

// VersionPresets are the shortcuts of the version switcher (app.VersionPresets);
// any valid version can be typed.
var VersionPresets = presetVersions()

func presetVersions() []string {
	out := make([]string, len(app.VersionPresets))
	for i, p := range app.VersionPresets {
		out[i] = p.Version.String()
	}
	return out
}

// TesterOptions is what the tester panel works with.
type TesterOptions struct {
	// Version is the emulated version set now.
	Version api.ConsoleVersion
	// SetVersion remembers a new version (preferences) and uses it from the
	// next sign-in on.
	SetVersion func(api.ConsoleVersion)
	// Phone is the virtual phone; nil hides that section.
	Phone Phone
	// Outbox lists what the server "sent" (ErrNoOutbox without dev mode); nil hides that section.
	Outbox func(ctx context.Context) ([]api.OutboxMessage, error)
}

// ErrNoOutbox is what TesterOptions.Outbox returns when the server runs
// without dev mode and so keeps no outbox.
var ErrNoOutbox = errors.New("this server runs without --dev: it keeps no outbox")

// Phone is the virtual phone as the tester panel sees it (app/phone).
type Phone interface {
	// Codes are the current TOTP codes of the paired accounts (called off
	// the UI goroutine: secrets come from the keychain).
	Codes(ctx context.Context) ([]PhoneCode, error)
	// Pushes are the app notifications waiting on the phone.
	Pushes(ctx context.Context) ([]PhonePush, error)
	// Decide approves (with the number the member typed) or denies a push.
	Decide(ctx context.Context, p PhonePush, approve bool, number string) error
	// Pair adds the account of an otpauth URI (the QR code being set up).
	Pair(ctx context.Context, otpauthURI string) error
}

// PhoneCode is one paired account's current code.
type PhoneCode struct {
	Account string
	Code    string
	Left    time.Duration // until the code changes
	Period  time.Duration
}

// PhonePush is a pending app notification.
type PhonePush struct {
	ID string
	// Account is the phone's account name; Username the member signing in.
	Account        string
	Username       string
	ConsoleVersion string
	ClientAddress  string
	ExpiresAt      time.Time
}

// testerPanel is the side panel for testers: emulated version, what it
// does, the virtual phone and the server's outbox.
type testerPanel struct {
	c *Console

	versionEntry *widget.SelectEntry
	versionMsg   *alertView
	capsGrid     *fyne.Container

	codes     *fyne.Container
	codeRows  map[string]*codeRow
	pushes    *fyne.Container
	pushIDs   []string
	phoneMsg  *alertView
	pairBtn   *widget.Button
	outbox    *fyne.Container
	outboxMsg *widget.Label

	root   fyne.CanvasObject
	scope  *scope
	polled time.Time
}

type codeRow struct {
	code *widget.Label
	left *widget.Label
	box  fyne.CanvasObject
}

func newTesterPanel(c *Console) *testerPanel {
	t := &testerPanel{c: c, codeRows: map[string]*codeRow{}}
	t.versionEntry = widget.NewSelectEntry(VersionPresets)
	t.versionEntry.SetText(c.next.String())
	t.versionEntry.OnSubmitted = func(string) { t.apply() }
	t.versionMsg = newAlertView()
	apply := widget.NewButtonWithIcon("Apply", theme.ConfirmIcon(), t.apply)
	t.capsGrid = container.NewVBox()
	t.drawCaps()

	sections := []fyne.CanvasObject{
		widget.NewCard("Emulated console version", "Presets or any major.minor.build; applies at the next sign-in.",
			container.NewVBox(container.NewBorder(nil, nil, nil, apply, t.versionEntry), t.versionMsg.object())),
	}
	if c.opts.Tester.Phone != nil {
		t.codes = container.NewVBox()
		t.pushes = container.NewVBox()
		t.phoneMsg = newAlertView()
		t.pairBtn = widget.NewButtonWithIcon("Scan the QR code on screen", theme.ContentAddIcon(), t.pair)
		t.pairBtn.Hide()
		sections = append(sections, widget.NewCard("Virtual phone", "Authenticator codes and app notifications of the paired accounts.",
			container.NewVBox(heading("Codes"), t.codes, t.pairBtn, widget.NewSeparator(), heading("Notifications"), t.pushes, t.phoneMsg.object())))
	}
	if c.opts.Tester.Outbox != nil {
		t.outbox = container.NewVBox()
		t.outboxMsg = hint("Nothing sent yet.")
		refresh := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), func() { t.poll() })
		refresh.Importance = widget.LowImportance
		sections = append(sections, widget.NewCard("Outbox", "Text messages and emails the server sent (dev mode).",
			container.NewVBox(container.NewBorder(nil, nil, nil, refresh, t.outboxMsg), t.outbox)))
	}
	sections = append(sections, widget.NewCard("What this version does", "", t.capsGrid))
	// scrolls both ways: in a narrow window the panel yields, not the screen
	t.root = container.NewScroll(container.NewPadded(container.NewVBox(sections...)))
	return t
}

func (t *testerPanel) object() fyne.CanvasObject { return t.root }

// stateChanged follows the console: the pairing QR code can be scanned
// while it is on screen.
func (t *testerPanel) stateChanged(st app.State) {
	if t.pairBtn == nil {
		return
	}
	if st.Step == app.StepSetup && st.Setup != nil && st.Setup.Pairing != nil && !st.Busy {
		t.pairBtn.Show()
		t.pairBtn.Enable()
	} else {
		t.pairBtn.Hide()
	}
}

// pair pairs the virtual phone with the otpauth URI of the QR code on screen
// (and registers it for app notifications, as the mobile app does).
func (t *testerPanel) pair() {
	st := t.c.state
	if st.Setup == nil || st.Setup.Pairing == nil {
		return
	}
	uri := st.Setup.Pairing.OTPAuthURI
	t.pairBtn.Disable()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err := t.c.opts.Tester.Phone.Pair(ctx, uri)
		t.c.do(func() {
			if err != nil {
				t.phoneMsg.show(styleError, err.Error())
				t.stateChanged(t.c.state)
				return
			}
			t.phoneMsg.show(styleSuccess, "Paired. Type the new code shown under Codes.")
			t.refreshCodes()
		})
	}()
}

// apply validates the typed version and makes it the one of the next sign-in.
func (t *testerPanel) apply() {
	text := strings.TrimSpace(t.versionEntry.Text)
	v, err := api.ParseConsoleVersion(text)
	if err != nil {
		t.versionMsg.show(styleError, fmt.Sprintf("%q is not a console version: %v.", text, trimDot(err.Error())))
		return
	}
	t.versionEntry.SetText(v.String())
	changed := v != t.c.next
	t.c.next = v
	if t.c.opts.Tester.SetVersion != nil && changed {
		t.c.opts.Tester.SetVersion(v)
	}
	msg := "Console " + v.String() + " is set."
	if t.c.state.Step != app.StepSignedOut {
		msg = "Console " + v.String() + " will be used at the next sign-in."
	}
	t.versionMsg.show(styleSuccess, msg)
	t.drawCaps()
	t.c.versionChanged()
}

func trimDot(s string) string { return strings.TrimSuffix(s, ".") }

// drawCaps fills the table of what the chosen version does.
func (t *testerPanel) drawCaps() {
	caps := app.CapabilitiesOf(t.c.next)
	yes := func(b bool) string {
		if b {
			return "Yes"
		}
		return "No"
	}
	class := "Current (after " + api.LastLegacyVersion.String() + ")"
	if caps.Legacy {
		class = "Legacy (" + api.LastLegacyVersion.String() + " and earlier)"
	}
	order := "Primary method, then app notification → authenticator app → text message → email"
	others := "Any other method the member has"
	if caps.Legacy {
		order = "App notification → authenticator app → text message (fixed)"
		others = "Only the next one in the fixed order"
	}
	backup := "Text message or email (primary pre-selected)"
	if !caps.EmailSupported {
		backup = "Text message only"
	}
	rows := [][2]string{
		{"Release class", class},
		{"Email codes", yes(caps.EmailSupported)},
		{"Primary method honoured", yes(caps.PrimaryHonoured)},
		{"Order of methods", order},
		{"Use another method", others},
		{"Backup at setup", backup},
	}
	form := widget.NewForm()
	for _, r := range rows {
		v := widget.NewLabel(r[1])
		v.Wrapping = fyne.TextWrapWord
		form.Append(r[0], v)
	}
	t.capsGrid.Objects = []fyne.CanvasObject{form}
	t.capsGrid.Refresh()
}

// opened starts the panel's refresh: codes every second, pushes and
// outbox every two seconds.
func (t *testerPanel) opened() {
	t.scope = newScope(t.c)
	t.refreshCodes()
	t.poll()
	t.scope.every(time.Second, func() {
		t.refreshCodes()
		if time.Since(t.polled) >= 2*time.Second {
			t.poll()
		}
	})
}

func (t *testerPanel) closed() { t.scope.stop() }

// refreshCodes reads the codes off the UI goroutine and draws them.
func (t *testerPanel) refreshCodes() {
	ph := t.c.opts.Tester.Phone
	if ph == nil {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		codes, err := ph.Codes(ctx)
		t.c.do(func() { t.drawCodes(codes, err) })
	}()
}

func (t *testerPanel) drawCodes(codes []PhoneCode, err error) {
	if err != nil && len(codes) == 0 {
		t.phoneMsg.show(styleWarning, err.Error())
	}
	if len(codes) == 0 {
		if len(t.codes.Objects) == 0 {
			t.codes.Add(hint("No account is paired."))
		}
		return
	}
	for _, pc := range codes {
		r, ok := t.codeRows[pc.Account]
		if !ok {
			if len(t.codeRows) == 0 {
				t.codes.Objects = nil
			}
			r = &codeRow{code: widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true}), left: hint("")}
			r.left.Alignment = fyne.TextAlignTrailing
			name := widget.NewLabel(pc.Account)
			name.Truncation = fyne.TextTruncateEllipsis
			r.box = container.NewBorder(nil, nil, nil, container.NewHBox(r.code, fixedWidth(40, r.left)), name)
			t.codeRows[pc.Account] = r
			t.codes.Add(r.box)
		}
		r.code.SetText(pc.Code[:len(pc.Code)/2] + " " + pc.Code[len(pc.Code)/2:])
		r.left.SetText(fmt.Sprintf("%d s", int((pc.Left+time.Second-1)/time.Second)))
	}
	t.codes.Refresh()
}

// poll fetches pending pushes and the outbox off the UI goroutine.
func (t *testerPanel) poll() {
	t.polled = time.Now()
	opts := t.c.opts.Tester
	if opts.Phone != nil {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			pushes, err := opts.Phone.Pushes(ctx)
			t.c.do(func() { t.drawPushes(pushes, err) })
		}()
	}
	if opts.Outbox != nil {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			msgs, err := opts.Outbox(ctx)
			t.c.do(func() { t.drawOutbox(msgs, err) })
		}()
	}
}

func (t *testerPanel) drawPushes(pushes []PhonePush, err error) {
	if err != nil {
		t.phoneMsg.show(styleWarning, err.Error())
		if len(pushes) == 0 {
			return
		}
	}
	ids := make([]string, len(pushes))
	for i, p := range pushes {
		ids[i] = p.ID
	}
	if slices.Equal(ids, t.pushIDs) && len(t.pushes.Objects) > 0 {
		return
	}
	t.pushIDs = ids
	t.pushes.Objects = nil
	if len(pushes) == 0 {
		t.pushes.Add(hint("No notification is waiting."))
	}
	for _, p := range pushes {
		t.pushes.Add(t.pushRow(p))
	}
	t.pushes.Refresh()
}

func (t *testerPanel) pushRow(p PhonePush) fyne.CanvasObject {
	number := newCodeEntry(2, nil)
	number.SetPlaceHolder("Number")
	approve := widget.NewButtonWithIcon("Approve", theme.ConfirmIcon(), nil)
	approve.Importance = widget.SuccessImportance
	deny := widget.NewButtonWithIcon("Deny", theme.CancelIcon(), nil)
	deny.Importance = widget.DangerImportance
	decide := func(ok bool) {
		if ok && len(number.Text) != 2 {
			t.phoneMsg.show(styleError, "Type the two-digit number shown in the console.")
			return
		}
		approve.Disable()
		deny.Disable()
		n := number.Text
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := t.c.opts.Tester.Phone.Decide(ctx, p, ok, n)
			t.c.do(func() {
				if err != nil {
					t.phoneMsg.show(styleError, err.Error())
					approve.Enable()
					deny.Enable()
					return
				}
				t.phoneMsg.show(styleError, "")
				t.pushIDs = nil
				t.poll()
			})
		}()
	}
	approve.OnTapped = func() { decide(true) }
	deny.OnTapped = func() { decide(false) }
	number.OnSubmitted = func(string) { decide(true) }
	info := fmt.Sprintf("Sign-in request for %s from console %s", p.Username, p.ConsoleVersion)
	if p.ClientAddress != "" {
		info += " at " + p.ClientAddress
	}
	return container.NewVBox(
		para(info),
		container.NewBorder(nil, nil, nil, container.NewHBox(approve, deny), number),
	)
}

func (t *testerPanel) drawOutbox(msgs []api.OutboxMessage, err error) {
	if errors.Is(err, ErrNoOutbox) {
		t.outboxMsg.SetText("This server runs without --dev, so it keeps no outbox: codes go to real phones and mailboxes.")
		return
	}
	if err != nil {
		t.outboxMsg.SetText("Could not read the outbox: " + err.Error())
		return
	}
	if len(msgs) == 0 {
		t.outboxMsg.SetText("Nothing sent yet.")
	} else {
		t.outboxMsg.SetText(fmt.Sprintf("%d message(s), newest first.", len(msgs)))
	}
	if len(msgs) > 8 {
		msgs = msgs[:8]
	}
	t.outbox.Objects = nil
	for _, m := range msgs {
		ch := "SMS"
		if m.Channel == api.MethodEmail {
			ch = "Email"
		}
		head := hint(fmt.Sprintf("%s · %s to %s", m.At.Local().Format("15:04:05"), ch, m.To))
		head.Wrapping = fyne.TextWrapOff
		head.Truncation = fyne.TextTruncateEllipsis
		code := widget.NewLabelWithStyle(m.Code, fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
		t.outbox.Add(container.NewBorder(nil, nil, nil, code, head))
	}
	t.outbox.Refresh()
}

// SetVersion chooses the emulated version as if typed in the tester panel
// (for scripts); it returns the panel's message.
func (c *Console) SetVersion(v api.ConsoleVersion) string {
	c.ensureTester()
	c.tester.versionEntry.SetText(v.String())
	c.tester.apply()
	return c.tester.versionMsg.Text()
}
