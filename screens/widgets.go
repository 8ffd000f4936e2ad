package screens

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/assets"
)

// columnLayout gives its objects one fixed width (or less when the window is
// narrower) and centres them; tall content scrolls.
type columnLayout struct{ width float32 }

func (l columnLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var min fyne.Size
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		min = min.Max(o.MinSize())
	}
	return min
}

func (l columnLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		m := o.MinSize()
		w := max(m.Width, min(l.width, size.Width))
		h := m.Height
		x := (size.Width - w) / 2
		y := max(0, (size.Height-h)/2.5)
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(w, h))
	}
}

// centred shows objects side by side in columns of the given widths, centred
// in a scrolling area.
func centred(width float32, obj fyne.CanvasObject) fyne.CanvasObject {
	padded := container.NewPadded(obj)
	return container.NewScroll(container.New(columnLayout{width: width}, padded))
}

// fixedWidth makes obj at least w wide.
type fixedWidthLayout struct{ width float32 }

func (l fixedWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(l.width, 0)
	for _, o := range objs {
		s = s.Max(fyne.NewSize(0, o.MinSize().Height))
	}
	return s
}

func (l fixedWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func fixedWidth(w float32, obj fyne.CanvasObject) fyne.CanvasObject {
	return container.New(fixedWidthLayout{width: w}, obj)
}

// alertView is an inline message with an icon: errors in the danger colour,
// warnings and success in their own.
type alertView struct {
	icon  *widget.Icon
	label *alertText
	box   *fyne.Container
}

func newAlertView() *alertView {
	a := &alertView{icon: widget.NewIcon(theme.ErrorIcon()), label: newAlertText()}
	a.box = container.NewBorder(nil, nil, container.NewVBox(a.icon), nil, a.label)
	a.box.Hide()
	return a
}

func (a *alertView) object() fyne.CanvasObject { return a.box }

// show sets the message; kind picks icon and colour ("" hides).
func (a *alertView) show(kind alertStyle, msg string) {
	if msg == "" {
		a.box.Hide()
		return
	}
	switch kind {
	case styleSuccess:
		a.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		a.label.Importance = widget.SuccessImportance
	case styleWarning:
		a.icon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
		a.label.Importance = widget.WarningImportance
	case styleInfo:
		a.icon.SetResource(theme.InfoIcon())
		a.label.Importance = widget.MediumImportance
	default:
		a.icon.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
		a.label.Importance = widget.DangerImportance
	}
	a.label.SetText(msg)
	a.box.Show()
}

// Text is the message on screen ("" when hidden).
func (a *alertView) Text() string {
	if !a.box.Visible() {
		return ""
	}
	return a.label.Text
}

type alertStyle int

const (
	styleError alertStyle = iota
	styleWarning
	styleInfo
	styleSuccess
)

// showAlert draws an app.Alert, counting down RetryAt when it has one.
func (a *alertView) showAlert(al *app.Alert, now time.Time) {
	if al == nil || al.Kind == app.AlertCancelled {
		a.show(styleError, "")
		return
	}
	msg := al.Message
	style := styleError
	switch al.Kind {
	case app.AlertKeychain, app.AlertBusy, app.AlertResendTooSoon:
		style = styleWarning
	case app.AlertLockedOut:
		left := al.RetryAt.Sub(now)
		switch {
		case al.RetryAt.IsZero():
		case al.Code == api.CodeTooManyPushes && left > 0:
			// only notifications are paused: codes still sign in
			msg, style = fmt.Sprintf("Too many notifications were sent to your phone. You can send another in %s; meanwhile, use another method if you have one.", clock(left)), styleWarning
		case al.Code == api.CodeTooManyPushes:
			msg, style = "You can send another notification now.", styleInfo
		case left > 0:
			msg = fmt.Sprintf("Too many attempts. For your security, signing in is paused. Try again in %s.", clock(left))
		default:
			msg, style = "You can try again now.", styleInfo
		}
	}
	a.show(style, msg)
}

// clock formats a wait as m:ss, rounding up so that 0:00 means "now".
func clock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	secs := int((d + time.Second - 1) / time.Second)
	return fmt.Sprintf("%d:%02d", secs/60, secs%60)
}

// aCode names a one-time code in the texts: "6-digit code".
var aCode = fmt.Sprintf("%d-digit code", api.CodeDigits)

// codeEntry is a one-line entry for an n-digit code: it keeps only digits,
// stops at n and calls onComplete when the n-th digit is typed.
func newCodeEntry(n int, onComplete func(code string)) *entry {
	if n <= 0 {
		n = 6
	}
	e := newEntry()
	e.digits = n
	e.SetPlaceHolder(strings.Repeat("0", n))
	e.TextStyle = fyne.TextStyle{Monospace: true}
	var busy bool
	e.OnChanged = func(s string) {
		if busy {
			return
		}
		digits := make([]rune, 0, n)
		for _, r := range s {
			if r >= '0' && r <= '9' && len(digits) < n {
				digits = append(digits, r)
			}
		}
		if string(digits) != s {
			busy = true
			e.SetText(string(digits))
			busy = false
		}
		if len(digits) == n && onComplete != nil {
			onComplete(string(digits))
		}
	}
	e.OnSubmitted = func(s string) {
		if len(s) == n && onComplete != nil {
			onComplete(s)
		}
	}
	e.Validator = nil
	return e
}

// methodIcons is what each two-step method shows: the thing the user holds
// or receives. Icons are themed so they follow the text colour. Fyne's own
// icons are looked up when drawn (theme.Icon), never at package start: the
// theme belongs to the app, which does not exist yet then.
var methodIcons = map[api.Method]func() fyne.Resource{
	api.MethodAppNotification:  themed(assets.MethodNotification),
	api.MethodAuthenticatorApp: themed(assets.MethodAuthenticator),
	api.MethodSMS:              themed(assets.MethodSMS),
	api.MethodEmail:            func() fyne.Resource { return theme.Icon(theme.IconNameMailCompose) }, // a plain envelope
}

func themed(r fyne.Resource) func() fyne.Resource {
	res := theme.NewThemedResource(r)
	return func() fyne.Resource { return res }
}

// methodIcon is the icon of a two-step method.
func methodIcon(m api.Method) fyne.Resource {
	if r, ok := methodIcons[m]; ok {
		return r()
	}
	return theme.QuestionIcon()
}

// heading is a bold label.
func heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// hint is a smaller wrapping label for explanations (foreground colour, so
// that it stays legible in the dark and the light theme).
func hint(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.SizeName = theme.SizeNameCaptionText
	return l
}

// wrappedCard is a titled card whose subtitle wraps: Fyne draws a card's
// subtitle on one line, which would make a screen wider than the room it has
// beside the tester panel.
func wrappedCard(title, sub string, content fyne.CanvasObject) *widget.Card {
	if sub == "" {
		return widget.NewCard(title, "", content)
	}
	return widget.NewCard(title, "", container.NewVBox(para(sub), content))
}

// para is a wrapping label.
func para(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// primaryButton is the one main action of a screen.
func primaryButton(text string, icon fyne.Resource, tapped func()) *button {
	b := newButton(text, icon, tapped)
	b.Importance = widget.HighImportance
	return b
}

// setEnabled enables or disables a set of widgets.
func setEnabled(on bool, ws ...fyne.Disableable) {
	for _, w := range ws {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

// busyRow shows a spinner and what is going on while the controller works.
type busyRow struct {
	act   *widget.Activity
	label *widget.Label
	box   *fyne.Container
}

func newBusyRow() *busyRow {
	b := &busyRow{act: widget.NewActivity(), label: widget.NewLabel("")}
	b.label.SizeName = theme.SizeNameCaptionText
	b.box = container.NewHBox(b.act, b.label)
	b.box.Hide()
	return b
}

func (b *busyRow) object() fyne.CanvasObject { return b.box }

func (b *busyRow) set(on bool, text string) {
	if on {
		if text == "" {
			text = "Working…"
		}
		b.label.SetText(text)
		b.box.Show()
		b.act.Start()
		return
	}
	b.act.Stop()
	b.box.Hide()
}

// layoutSpacer pushes the objects after it to the far end of a box.
func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }
