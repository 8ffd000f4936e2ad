package screens

import (
	"cmp"
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The console's controls for keyboard and screen-reader use. Fyne 2.8.1's
// accessibility (build tag accessibility) knows the fyne.Accessible interface:
// a name and one of the roles button, text, link and container. Its button,
// label and hyperlink have names; its entry and check box have none, and its
// button is pressed with Space only and shows focus by tinting its
// background, which vanishes on the blue primary buttons. The types here
// close those gaps; every screen builds its controls with them.

// colorNameFocusRing is the ring drawn around the focused button (theme.go
// gives it a colour per variant; contrast_test.go checks it against the
// backgrounds it is drawn on).
const colorNameFocusRing fyne.ThemeColorName = "focusRing"

// focusRingWidth and focusRingGap: the ring is drawn outside the button with
// a gap of window background, so that it stands out against the window
// whatever the button's own colour.
const (
	focusRingWidth = 2
	focusRingGap   = 2
)

// button is Fyne's button that Enter presses too, with a focus ring.
type button struct {
	widget.Button
	// name is the accessible name of a button without text (an icon).
	name     string
	hasFocus bool
}

func newButton(text string, icon fyne.Resource, tapped func()) *button {
	b := &button{}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey presses the button on Enter and Return as well as Space.
func (b *button) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		b.Tapped(nil)
	default:
		b.Button.TypedKey(ev)
	}
}

func (b *button) AccessibilityLabel() string {
	if b.name != "" {
		return b.name
	}
	return b.Button.AccessibilityLabel()
}

// FocusGained and FocusLost: Fyne's button refreshes itself, which redraws
// the ring.
func (b *button) FocusGained() { b.hasFocus = true; b.Button.FocusGained() }
func (b *button) FocusLost()   { b.hasFocus = false; b.Button.FocusLost() }

func (b *button) CreateRenderer() fyne.WidgetRenderer {
	ring := canvas.NewRectangle(color.Transparent)
	ring.StrokeWidth = focusRingWidth
	ring.Hide()
	return &ringRenderer{WidgetRenderer: b.Button.CreateRenderer(), ring: ring, b: b}
}

// ringRenderer draws Fyne's button and, while it has the focus, a ring
// around it.
type ringRenderer struct {
	fyne.WidgetRenderer
	ring *canvas.Rectangle
	b    *button
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	return append(append([]fyne.CanvasObject(nil), r.WidgetRenderer.Objects()...), r.ring)
}

func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	out := float32(focusRingGap + focusRingWidth)
	r.ring.Move(fyne.NewPos(-out, -out))
	r.ring.Resize(size.AddWidthHeight(2*out, 2*out))
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	th := r.b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.ring.StrokeColor = th.Color(colorNameFocusRing, v)
	if _, _, _, a := r.ring.StrokeColor.RGBA(); a == 0 {
		r.ring.StrokeColor = th.Color(theme.ColorNameForeground, v) // a theme without the ring colour
	}
	r.ring.CornerRadius = th.Size(theme.SizeNameInputRadius) + focusRingGap
	r.ring.Hidden = !r.b.hasFocus || r.b.Disabled()
	r.Layout(r.b.Size())
	r.ring.Refresh()
}

// entry is Fyne's entry with an accessible name: its form label (set by
// nameFields when the screen is built), else its placeholder.
type entry struct {
	widget.Entry
	name   string
	digits int // a code entry: how many digits it takes
}

func newEntry() *entry {
	e := &entry{}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

// newPasswordEntry is a password entry with a button that shows the text
// (Fyne's own revealer is not exported, so it cannot be given to an entry of
// another type).
func newPasswordEntry() *entry {
	e := newEntry()
	e.Password = true
	e.ActionItem = newRevealer(e)
	return e
}

func (e *entry) AccessibilityLabel() string {
	name := e.name
	if name == "" {
		name = e.PlaceHolder
	}
	if e.digits > 0 {
		return fmt.Sprintf(codeFieldName, name, e.digits)
	}
	return name
}

// AccessibilityRole: 2.8.1 has no role for an editable field; text is the
// nearest (the field is read with its name).
func (e *entry) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleText }

// codeFieldName is how a code field is read out: "Code, 6 digits".
const codeFieldName = "%s, %d digits"

// revealer shows or hides a password entry's text when tapped.
type revealer struct {
	widget.BaseWidget
	icon  *canvas.Image
	entry *entry
}

func newRevealer(e *entry) *revealer {
	r := &revealer{icon: canvas.NewImageFromResource(theme.VisibilityOffIcon()), entry: e}
	r.icon.FillMode = canvas.ImageFillContain
	r.icon.SetMinSize(fyne.NewSquareSize(theme.IconInlineSize()))
	r.ExtendBaseWidget(r)
	return r
}

func (r *revealer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewCenter(r.icon))
}

func (r *revealer) MinSize() fyne.Size {
	return fyne.NewSquareSize(theme.IconInlineSize() + theme.InnerPadding()*2)
}

func (r *revealer) Tapped(*fyne.PointEvent) {
	if r.entry.Disabled() {
		return
	}
	r.entry.Password = !r.entry.Password
	r.icon.Resource = theme.VisibilityOffIcon()
	if !r.entry.Password {
		r.icon.Resource = theme.VisibilityIcon()
	}
	r.icon.Refresh()
	r.entry.Refresh()
}

// check is Fyne's check box with its text as accessible name; 2.8.1 has no
// check-box role, and button (pressed with Space) is the nearest.
type check struct{ widget.Check }

func newCheck(text string, changed func(bool)) *check {
	c := &check{}
	c.Text, c.OnChanged = text, changed
	c.ExtendBaseWidget(c)
	return c
}

func (c *check) AccessibilityLabel() string             { return c.Text }
func (c *check) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleButton }

// spoken draws a canvas text (the push's matching number) as an element that
// a screen reader reads out: canvas objects have no accessible name.
type spoken struct {
	widget.BaseWidget
	text *canvas.Text
}

func newSpoken(t *canvas.Text) *spoken {
	s := &spoken{text: t}
	s.ExtendBaseWidget(s)
	return s
}

func (s *spoken) CreateRenderer() fyne.WidgetRenderer    { return widget.NewSimpleRenderer(s.text) }
func (s *spoken) AccessibilityLabel() string             { return s.text.Text }
func (s *spoken) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleText }

// Visible follows the text's, which the screen hides while there is no number.
func (s *spoken) Visible() bool { return s.text.Visible() }

func (s *spoken) Refresh() { s.text.Refresh(); s.BaseWidget.Refresh() }

// alertText is the message of an alertView: what announce reads out when it
// changes.
type alertText struct{ widget.Label }

func newAlertText() *alertText {
	l := &alertText{}
	l.Wrapping = fyne.TextWrapWord
	l.ExtendBaseWidget(l)
	return l
}

// eachVisible calls fn for o and every visible object the screens put inside
// it (the containers and widgets that hold others: cards, forms, scrolls,
// accordions, splits).
func eachVisible(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			eachVisible(c, fn)
		}
	case *widget.Card:
		eachVisible(v.Content, fn)
	case *container.Scroll:
		eachVisible(v.Content, fn)
	case *container.Split:
		eachVisible(v.Leading, fn)
		eachVisible(v.Trailing, fn)
	case *widget.Form:
		for _, it := range v.Items {
			eachVisible(it.Widget, fn)
		}
	case *widget.Accordion:
		for _, it := range v.Items {
			if it.Open {
				eachVisible(it.Detail, fn)
			}
		}
	}
}

// nameFields gives each entry of a form its label as accessible name.
func nameFields(root fyne.CanvasObject) {
	eachVisible(root, func(o fyne.CanvasObject) {
		if f, ok := o.(*widget.Form); ok {
			for _, it := range f.Items {
				if e, ok := it.Widget.(*entry); ok && it.Text != "" {
					e.name = it.Text // a label can change with a choice (phone or email)
				}
			}
		}
	})
}

// spokenState is what a screen reader is told about when it changes: the
// screen and the alerts on it.
func spokenState(key string, root fyne.CanvasObject) string {
	s := key
	eachVisible(root, func(o fyne.CanvasObject) {
		if a, ok := o.(*alertText); ok {
			s += "\n" + a.Text
		}
	})
	return s
}

// focusScreen puts the focus on f or, when f is nil, on the screen's
// (root's) first enabled field, else its main (primary) button, else its
// first control: the keyboard starts on the new step.
func focusScreen(cv fyne.Canvas, f fyne.Focusable, root fyne.CanvasObject) {
	var field, primary, first fyne.Focusable
	eachVisible(root, func(o fyne.CanvasObject) {
		fo, ok := o.(fyne.Focusable)
		if d, isD := o.(fyne.Disableable); !ok || (isD && d.Disabled()) {
			return
		}
		switch v := o.(type) {
		case *entry:
			field = cmp.Or(field, fyne.Focusable(v))
		case *button:
			if v.Importance == widget.HighImportance {
				primary = cmp.Or(primary, fyne.Focusable(v))
			}
		}
		first = cmp.Or(first, fo)
	})
	if f = cmp.Or(f, field, primary, first); f != nil {
		cv.Focus(f)
	}
}
