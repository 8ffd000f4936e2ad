package screens

import (
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

// TesterOptions is what the tester panel starts with.
type TesterOptions struct {
	// Version is the emulated version set now (the window's first title,
	// before the controller is attached).
	Version api.ConsoleVersion
}

// testerPanel is the side panel for testers: emulated version, what it
// does, the virtual phone and the server's outbox.
type testerPanel struct {
	c *Console

	versionEntry *widget.SelectEntry
	versionMsg   *alertView
	capsGrid     *fyne.Container
	capsFor      api.ConsoleVersion

	codes     *fyne.Container
	codeRows  map[string]*codeRow
	pushes    *fyne.Container
	pushIDs   []string
	pushRows  map[string]*pushRow
	phoneMsg  *alertView
	pairBtn   *widget.Button
	outbox    *fyne.Container
	outboxMsg *widget.Label

	root fyne.CanvasObject
	// st is the tester state on screen; unwatch stops its updates.
	st      app.TesterState
	unwatch func()
}

// pushRow is one pending push with its answer buttons.
type pushRow struct {
	box           fyne.CanvasObject
	approve, deny *widget.Button
}

type codeRow struct {
	code *widget.Label
	left *widget.Label
	box  fyne.CanvasObject
}

func newTesterPanel(c *Console) *testerPanel {
	t := &testerPanel{c: c, codeRows: map[string]*codeRow{}, pushRows: map[string]*pushRow{}}
	t.versionEntry = widget.NewSelectEntry(VersionPresets)
	t.versionEntry.SetText(c.state.NextVersion.String())
	t.versionEntry.OnSubmitted = func(string) { t.apply() }
	t.versionMsg = newAlertView()
	apply := widget.NewButtonWithIcon("Apply", theme.ConfirmIcon(), t.apply)
	t.capsGrid = container.NewVBox()
	t.drawCaps(c.state.NextVersion)

	t.codes = container.NewVBox(hint("No account is paired."))
	t.pushes = container.NewVBox(hint("No notification is waiting."))
	t.phoneMsg = newAlertView()
	t.pairBtn = widget.NewButtonWithIcon("Scan the QR code on screen", theme.ContentAddIcon(), func() { c.dispatch(app.PairPhone{}) })
	t.pairBtn.Hide()
	t.outbox = container.NewVBox()
	t.outboxMsg = hint("Nothing sent yet.")
	refresh := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), func() { c.dispatch(app.RefreshTester{}) })
	refresh.Importance = widget.LowImportance
	sections := []fyne.CanvasObject{
		wrappedCard("Emulated console version", "Presets or any major.minor.build; applies at the next sign-in.",
			container.NewVBox(container.NewBorder(nil, nil, nil, apply, t.versionEntry), t.versionMsg.object())),
		wrappedCard("Virtual phone", "Authenticator codes and app notifications of the paired accounts.",
			container.NewVBox(heading("Codes"), t.codes, t.pairBtn, widget.NewSeparator(), heading("Notifications"), t.pushes, t.phoneMsg.object())),
		wrappedCard("Outbox", "Text messages and emails the server sent (dev mode).",
			container.NewVBox(container.NewBorder(nil, nil, nil, refresh, t.outboxMsg), t.outbox)),
		widget.NewCard("What this version does", "", t.capsGrid),
	}
	// scrolls both ways: in a narrow window the panel yields, not the screen
	t.root = container.NewScroll(container.NewPadded(container.NewVBox(sections...)))
	return t
}

func (t *testerPanel) object() fyne.CanvasObject { return t.root }

// stateChanged follows the console: the table of the next sign-in's version.
func (t *testerPanel) stateChanged(st app.State) {
	if st.NextVersion != t.capsFor {
		t.drawCaps(st.NextVersion)
	}
}

// apply validates the typed version and forwards it as the one of the next
// sign-in.
func (t *testerPanel) apply() {
	text := strings.TrimSpace(t.versionEntry.Text)
	v, err := api.ParseConsoleVersion(text)
	if err != nil {
		t.versionMsg.show(styleError, fmt.Sprintf("%q is not a console version: %v.", text, trimDot(err.Error())))
		return
	}
	t.versionEntry.SetText(v.String())
	msg := "Console " + v.String() + " is set."
	if t.c.state.Step != app.StepSignedOut {
		msg = "Console " + v.String() + " will be used at the next sign-in."
	}
	t.versionMsg.show(styleSuccess, msg)
	t.c.dispatch(app.SetVersion{Version: v})
}

func trimDot(s string) string { return strings.TrimSuffix(s, ".") }

// drawCaps fills the table of what version v does.
func (t *testerPanel) drawCaps(v api.ConsoleVersion) {
	t.capsFor = v
	caps := app.CapabilitiesOf(v)
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

// opened watches the tester state while the panel is open (the controller
// keeps it fresh meanwhile).
func (t *testerPanel) opened() {
	if t.unwatch != nil || t.c.ctl == nil {
		return
	}
	t.unwatch = t.c.ctl.WatchTester(func(st app.TesterState) { t.c.do(func() { t.draw(st) }) })
}

func (t *testerPanel) closed() {
	if t.unwatch != nil {
		t.unwatch()
		t.unwatch = nil
	}
}

// draw shows a tester state (older ones are ignored).
func (t *testerPanel) draw(st app.TesterState) {
	if st.Seq < t.st.Seq {
		return
	}
	t.st = st
	t.drawCodes(st.Codes)
	t.drawPushes(st)
	t.drawOutbox(st)
	if st.CanPair || st.Pairing {
		t.pairBtn.Show()
		setEnabled(st.CanPair, t.pairBtn)
	} else {
		t.pairBtn.Hide()
	}
	styles := map[app.NoteKind]alertStyle{app.NoteSuccess: styleSuccess, app.NoteWarning: styleWarning, app.NoteError: styleError}
	t.phoneMsg.show(styles[st.PhoneNoteKind], st.PhoneNote)
}

func (t *testerPanel) drawCodes(codes []app.PhoneCode) {
	if len(codes) == 0 {
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

// drawPushes lists the pending pushes; rows are kept while the same pushes
// wait, so that a number being typed stays.
func (t *testerPanel) drawPushes(st app.TesterState) {
	ids := make([]string, len(st.Pushes))
	for i, p := range st.Pushes {
		ids[i] = p.ID
	}
	if !slices.Equal(ids, t.pushIDs) || len(t.pushes.Objects) == 0 {
		t.pushIDs = ids
		t.pushes.Objects = nil
		rows := map[string]*pushRow{}
		if len(st.Pushes) == 0 {
			t.pushes.Add(hint("No notification is waiting."))
		}
		for _, p := range st.Pushes {
			r := t.pushRows[p.ID]
			if r == nil {
				r = t.newPushRow(p)
			}
			rows[p.ID] = r
			t.pushes.Add(r.box)
		}
		t.pushRows = rows
		t.pushes.Refresh()
	}
	for _, r := range t.pushRows {
		setEnabled(st.Deciding == "", r.approve, r.deny)
	}
}

func (t *testerPanel) newPushRow(p app.PhonePush) *pushRow {
	number := newCodeEntry(2, nil)
	number.SetPlaceHolder("Number")
	r := &pushRow{
		approve: widget.NewButtonWithIcon("Approve", theme.ConfirmIcon(), nil),
		deny:    widget.NewButtonWithIcon("Deny", theme.CancelIcon(), nil),
	}
	r.approve.Importance = widget.SuccessImportance
	r.deny.Importance = widget.DangerImportance
	decide := func(ok bool) { t.c.dispatch(app.DecidePush{ID: p.ID, Approve: ok, Number: number.Text}) }
	r.approve.OnTapped = func() { decide(true) }
	r.deny.OnTapped = func() { decide(false) }
	number.OnSubmitted = func(string) { decide(true) }
	info := fmt.Sprintf("Sign-in request for %s from console %s", p.Username, p.ConsoleVersion)
	if p.ClientAddress != "" {
		info += " at " + p.ClientAddress
	}
	r.box = container.NewVBox(
		para(info),
		container.NewBorder(nil, nil, nil, container.NewHBox(r.approve, r.deny), number),
	)
	return r
}

func (t *testerPanel) drawOutbox(st app.TesterState) {
	msgs := st.Outbox
	switch {
	case st.NoOutbox:
		t.outboxMsg.SetText("This server runs without --dev, so it keeps no outbox: codes go to real phones and mailboxes.")
		return
	case st.OutboxError != "":
		t.outboxMsg.SetText("Could not read the outbox: " + st.OutboxError)
		return
	case !st.OutboxRead:
		return
	case len(msgs) == 0:
		t.outboxMsg.SetText("Nothing sent yet.")
	default:
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
