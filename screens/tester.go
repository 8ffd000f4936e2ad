package screens

import (
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/i18n"
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
	apply := widget.NewButtonWithIcon(tr("admin.language.apply"), theme.ConfirmIcon(), t.apply)
	t.capsGrid = container.NewVBox()
	t.drawCaps(c.state.NextVersion)

	t.codes = container.NewVBox(hint(tr("tester.no_account")))
	t.pushes = container.NewVBox(hint(tr("tester.no_push")))
	t.phoneMsg = newAlertView()
	t.pairBtn = widget.NewButtonWithIcon(tr("tester.scan_qr"), theme.ContentAddIcon(), func() { c.dispatch(app.PairPhone{}) })
	t.pairBtn.Hide()
	t.outbox = container.NewVBox()
	t.outboxMsg = hint(tr("tester.nothing_sent"))
	refresh := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), func() { c.dispatch(app.RefreshTester{}) })
	refresh.Importance = widget.LowImportance
	sections := []fyne.CanvasObject{
		wrappedCard(tr("tester.version.title"), tr("tester.version.sub"),
			container.NewVBox(container.NewBorder(nil, nil, nil, apply, t.versionEntry), t.versionMsg.object())),
		wrappedCard(tr("tester.phone.title"), tr("tester.phone.sub"),
			container.NewVBox(heading(tr("tester.codes")), t.codes, t.pairBtn, widget.NewSeparator(), heading(tr("tester.notifications")), t.pushes, t.phoneMsg.object())),
		wrappedCard(tr("admin.nav.outbox"), tr("tester.outbox.sub"),
			container.NewVBox(container.NewBorder(nil, nil, nil, refresh, t.outboxMsg), t.outbox)),
		widget.NewCard(tr("tester.caps.title"), "", t.capsGrid),
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
		t.versionMsg.show(styleError, tr("tester.version.invalid", "Text", text, "Reason", trimDot(err.Error())))
		return
	}
	t.versionEntry.SetText(v.String())
	msg := tr("tester.version.set", "Version", v.String())
	if t.c.state.Step != app.StepSignedOut {
		msg = tr("tester.version.next", "Version", v.String())
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
			return tr("common.yes")
		}
		return tr("common.no")
	}
	class := tr("caps.class.current", "Legacy", api.LastLegacyVersion.String())
	if caps.Legacy {
		class = tr("caps.class.legacy", "Legacy", api.LastLegacyVersion.String())
	}
	order := tr("caps.order.current")
	others := tr("caps.others.current")
	if caps.Legacy {
		order = tr("caps.order.legacy")
		others = tr("caps.others.legacy")
	}
	backup := tr("caps.backup.current")
	if !caps.EmailSupported {
		backup = tr("caps.backup.legacy")
	}
	rows := [][2]string{
		{tr("caps.row.class"), class},
		{tr("caps.row.email"), yes(caps.EmailSupported)},
		{tr("caps.row.primary"), yes(caps.PrimaryHonoured)},
		{tr("caps.row.order"), order},
		{tr("caps.row.others"), others},
		{tr("caps.row.backup"), backup},
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
	t.phoneMsg.show(styles[st.PhoneNoteKind], trText(st.PhoneNote))
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
		r.left.SetText(tr("tester.code_left", "Seconds", int((pc.Left+time.Second-1)/time.Second)))
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
			t.pushes.Add(hint(tr("tester.no_push")))
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
	number.SetPlaceHolder(tr("tester.push.number"))
	r := &pushRow{
		approve: widget.NewButtonWithIcon(tr("tester.push.approve"), theme.ConfirmIcon(), nil),
		deny:    widget.NewButtonWithIcon(tr("tester.push.deny"), theme.CancelIcon(), nil),
	}
	r.approve.Importance = widget.SuccessImportance
	r.deny.Importance = widget.DangerImportance
	decide := func(ok bool) { t.c.dispatch(app.DecidePush{ID: p.ID, Approve: ok, Number: number.Text}) }
	r.approve.OnTapped = func() { decide(true) }
	r.deny.OnTapped = func() { decide(false) }
	number.OnSubmitted = func(string) { decide(true) }
	info := tr("tester.push.info", "Username", p.Username, "Version", p.ConsoleVersion)
	if p.ClientAddress != "" {
		info = tr("tester.push.info_from", "Username", p.Username, "Version", p.ConsoleVersion, "Address", p.ClientAddress)
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
		t.outboxMsg.SetText(tr("tester.outbox.no_dev"))
		return
	case !st.OutboxError.IsZero():
		t.outboxMsg.SetText(tr("tester.outbox.error", "Reason", st.OutboxError))
		return
	case !st.OutboxRead:
		return
	case len(msgs) == 0:
		t.outboxMsg.SetText(tr("tester.nothing_sent"))
	default:
		t.outboxMsg.SetText(trN("tester.outbox.count", len(msgs)))
	}
	if len(msgs) > 8 {
		msgs = msgs[:8]
	}
	t.outbox.Objects = nil
	for _, m := range msgs {
		head := hint(tr("tester.outbox.head", "Time", m.At.Local().Format("15:04:05"), "Channel", i18n.Method(m.Channel), "To", m.To))
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
