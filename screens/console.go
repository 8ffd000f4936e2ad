package screens

import (
	"image"
	"image/color"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/assets"
)

// Controller is what the screens need of the console core (app.Controller):
// the current state and a way to forward the user's actions. State changes
// arrive through Console.Update, which the caller wires to the controller's
// subscription.
type Controller interface {
	State() app.State
	Dispatch(app.Event)
	// WatchTester sends the tester panel's state (virtual phone, outbox)
	// now and at every change until stopped; the controller keeps it fresh
	// meanwhile.
	WatchTester(func(app.TesterState)) (stop func())
}

// DemoAccount is one account of the embedded demo organisation, listed on the
// sign-in screen so that testers know whom to sign in as.
type DemoAccount struct {
	Username string
	Password string
	Note     string
}

// Options configures a Console.
type Options struct {
	// Embedded is true when the console runs its own reference server: the
	// server URL then sits behind "Advanced" and the demo accounts are listed.
	Embedded bool
	// ServerURL is shown on the sign-in screen; an edit there is forwarded
	// as app.SetServer.
	ServerURL string
	// ChooseServer (File > Server…) switches to the server at url, or to the
	// built-in demo organisation when url is ""; note says what happens next
	// ("" when nothing to add). nil: the menu item is off.
	ChooseServer func(url string) (note string, err error)
	// DemoAccounts are listed on the sign-in screen in embedded mode.
	DemoAccounts []DemoAccount
	// Tester is what the tester panel works with.
	Tester TesterOptions
	// Do runs UI work from other goroutines; nil means fyne.Do. Tests pass a
	// queue that they drain on their own goroutine.
	Do func(func())
	// Now is the clock of countdowns; nil means time.Now.
	Now func() time.Time
	// OnFirstPaint is called once, from the render thread, when the window's
	// first frame is painted (startup measurement); nil: not watched.
	OnFirstPaint func()
}

// Console is the main window's content: a header, the screen of the current
// state and the tester panel.
type Console struct {
	win  fyne.Window
	opts Options
	do   func(func())
	now  func() time.Time

	ctl      Controller
	state    app.State
	started  bool
	startErr string
	// pending is the sign-in asked for before the controller was attached
	// (the embedded server still starting); Start forwards it.
	pending app.Event

	// setupBegun: "Set up two-step verification" was pressed in this setup.
	setupBegun bool
	// chosenServer is File > Server…'s choice: "" for the built-in demo
	// organisation, else the address.
	chosenServer string

	key     string // which screen is on; a new key builds a new screen
	current screen
	scope   *scope

	body       *fyne.Container
	main       *fyne.Container
	split      *container.Split
	tester     *testerPanel // built when first opened
	testerOpen bool
	// early are the events forwarded before the controller was attached
	// (a version chosen while the server starts), sent on Start.
	early      []app.Event
	painted    bool     // the first frame is on screen
	afterPaint []func() // what waits for it (secondary content)
	toggle     *button
	versionTag *widget.Label
	spoken     string // the screen and alerts a screen reader was last told about
}

// screen is one screen of the console.
type screen interface {
	// object is what the screen draws.
	object() fyne.CanvasObject
	// update draws a new state of the same screen.
	update(s app.State)
	// focus is the widget to focus when the screen appears (nil: none).
	focus() fyne.Focusable
}

// NewConsole puts the console into w. The controller may be attached later
// (Start) when the server it talks to starts after the window is shown.
func NewConsole(w fyne.Window, opts Options) *Console {
	c := &Console{win: w, opts: opts, do: opts.Do, now: opts.Now}
	if !opts.Embedded {
		c.chosenServer = opts.ServerURL
	}
	if c.do == nil {
		c.do = fyne.Do
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.state = app.State{Step: app.StepSignedOut, Server: opts.ServerURL, NextVersion: api.CurrentVersion}
	if v := opts.Tester.Version; v != (api.ConsoleVersion{}) {
		c.state.Version, c.state.NextVersion = v, v
		c.state.Caps = app.CapabilitiesOf(v)
	}
	c.body = container.NewStack()

	c.toggle = newButton("Tester panel", theme.ComputerIcon(), c.ToggleTester)
	c.toggle.Importance = widget.LowImportance
	c.versionTag = widget.NewLabel("")
	c.versionTag.SizeName = theme.SizeNameCaptionText
	title := widget.NewLabelWithStyle(AppName, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	icon := widget.NewIcon(assets.Symbol)
	header := container.NewBorder(nil, nil, container.NewHBox(icon, title), container.NewHBox(c.versionTag, c.toggle))
	if opts.OnFirstPaint != nil {
		header.Add(FirstPaintProbe(func() {
			opts.OnFirstPaint()
			c.do(c.firstPainted)
		}))
	} else {
		c.painted = true
	}
	c.main = container.NewStack(c.body)
	w.SetContent(container.NewBorder(container.NewVBox(header, widget.NewSeparator()), nil, nil, nil, c.main))

	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			c.escape()
		}
	})
	w.Canvas().AddShortcut(toggleTesterShortcut, func(fyne.Shortcut) { c.ToggleTester() })
	c.render()
	return c
}

// later runs fn once the first frame is painted (at once after that), so
// that secondary content does not delay the first frame.
func (c *Console) later(fn func()) {
	if c.painted {
		fn()
		return
	}
	c.afterPaint = append(c.afterPaint, fn)
}

func (c *Console) firstPainted() {
	c.painted = true
	fns := c.afterPaint
	c.afterPaint = nil
	for _, fn := range fns {
		fn()
	}
}

// Start attaches the controller once the server is up; call it on the UI
// goroutine (or through fyne.Do).
func (c *Console) Start(ctl Controller) {
	c.ctl, c.started, c.startErr = ctl, true, ""
	early := c.early
	c.early = nil
	for _, ev := range early {
		ctl.Dispatch(ev)
	}
	c.apply(ctl.State())
	if ev := c.pending; ev != nil {
		c.pending = nil
		ctl.Dispatch(ev)
	}
	if c.testerOpen {
		c.tester.opened()
	}
}

// StartFailed shows that the server could not be started or reached.
func (c *Console) StartFailed(msg string) {
	c.startErr, c.pending = msg, nil
	c.key = ""
	c.render()
}

// Update draws a new state; safe to call from any goroutine (the controller's
// subscription).
func (c *Console) Update(s app.State) { c.do(func() { c.apply(s) }) }

// State is the state on screen.
func (c *Console) State() app.State { return c.state }

// SignInWaiting reports whether a sign-in asked for before Start waits to be
// forwarded (a remembered session should not be resumed over it).
func (c *Console) SignInWaiting() bool { return c.pending != nil }

// Started reports whether a controller is attached.
func (c *Console) Started() bool { return c.started }

func (c *Console) apply(s app.State) {
	if s.Seq != 0 && s.Seq < c.state.Seq {
		return // stale snapshot
	}
	c.state = s
	c.render()
}

// dispatch forwards an action to the controller. Before it is attached, a
// version choice waits for it (and shows as the next version meanwhile), and
// so does a sign-in, so that the form is usable while the server is still
// starting; other actions are not possible yet.
func (c *Console) dispatch(ev app.Event) {
	if c.ctl != nil {
		c.ctl.Dispatch(ev)
		return
	}
	switch e := ev.(type) {
	case app.SetVersion:
		c.early = append(c.early, ev)
		c.state.NextVersion = e.Version
		c.render()
	case app.Login:
		if c.startErr == "" {
			c.pending = e
			c.render()
		}
	}
}

// screenKey names the screen a state needs; a change builds a new screen.
func screenKey(s app.State) string {
	switch s.Step {
	case app.StepChallenge:
		if s.Challenge != nil {
			return "challenge/" + string(s.Challenge.Purpose) + "/" + string(s.Challenge.Method)
		}
	case app.StepSetup:
		if s.Setup != nil {
			return "setup/" + string(s.Setup.Phase)
		}
	case app.StepTwoStep:
		if s.TwoStep != nil {
			return "two_step/" + string(s.TwoStep.Phase)
		}
	}
	return string(s.Step)
}

func (c *Console) render() {
	c.updateTitle()
	if c.tester != nil {
		c.tester.stateChanged(c.state)
	}
	key := screenKey(c.state)
	if c.state.Step != app.StepSetup {
		c.setupBegun = false
	} else if c.needsSetupIntro(c.state) {
		key = "setup/intro"
	}
	if key != c.key || c.current == nil {
		c.scope.stop()
		c.scope = newScope(c)
		c.key = key
		c.current = c.build(c.state)
		c.body.Objects = []fyne.CanvasObject{c.current.object()}
		c.body.Refresh()
		c.current.update(c.state)
		focusScreen(c.win.Canvas(), c.current.focus(), c.current.object())
		c.afterUpdate()
		return
	}
	c.current.update(c.state)
	if c.win.Canvas().Focused() == nil {
		// a pressed button gives the focus up (Fyne's buttons do): the
		// keyboard goes on from the screen's first field
		focusScreen(c.win.Canvas(), c.current.focus(), c.current.object())
	}
	c.afterUpdate()
}

// afterUpdate names the screen's fields and announces a new step or alert.
func (c *Console) afterUpdate() {
	root := c.current.object()
	nameFields(root)
	if s := spokenState(c.key, root); s != c.spoken {
		c.spoken = s
		c.announce()
	}
}

func (c *Console) build(s app.State) screen {
	switch s.Step {
	case app.StepChallenge:
		return newChallengeScreen(c, s)
	case app.StepNoMethod:
		return newNoMethodScreen(c)
	case app.StepSetup:
		return newSetupScreen(c, s)
	case app.StepSignedIn:
		return newSignedInScreen(c)
	case app.StepChangePassword:
		return newPasswordScreen(c)
	case app.StepTwoStep:
		return newTwoStepScreen(c, s)
	}
	return newSignInScreen(c)
}

func (c *Console) updateTitle() {
	current := c.state.Version.String()
	next := c.state.NextVersion.String()
	title := WindowTitle(current)
	tag := "Console " + current
	if c.state.Step != app.StepSignedOut && next != current {
		title += " (" + next + " at next sign-in)"
		tag += " → " + next
	} else if c.state.Step == app.StepSignedOut {
		title, tag = WindowTitle(next), "Console "+next
	}
	if c.win.Title() != title {
		c.win.SetTitle(title)
	}
	c.versionTag.SetText(tag)
}

// ToggleTester shows or hides the tester panel.
func (c *Console) ToggleTester() {
	c.testerOpen = !c.testerOpen
	c.ensureTester()
	if c.testerOpen {
		c.split.Leading = c.body
		c.split.Offset = splitOffset(c.main.Size().Width)
		c.main.Objects = []fyne.CanvasObject{container.New(keepMainWide{c.split}, c.split)}
		c.tester.opened()
		c.toggle.Importance = widget.MediumImportance
	} else {
		c.main.Objects = []fyne.CanvasObject{c.body}
		c.tester.closed()
		c.toggle.Importance = widget.LowImportance
	}
	c.split.Refresh()
	c.main.Refresh()
	c.toggle.Refresh()
}

// mainScreenWidth is what the widest screen (setup, 520) needs beside the
// tester panel.
const mainScreenWidth = 550

// splitOffset gives the main screen 58% of the width, and never less than it
// needs while the window allows it: the tester panel never hides it.
func splitOffset(width float32) float64 {
	off := 0.58
	if width > 0 {
		off = max(off, min(float64(mainScreenWidth/width), 0.8))
	}
	return off
}

// keepMainWide lays the split out over the whole area, first moving its
// divider right when the window became too narrow for the main screen (a
// divider dragged further right stays where it is).
type keepMainWide struct{ split *container.Split }

func (k keepMainWide) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if off := splitOffset(size.Width); k.split.Offset < off {
		k.split.Offset = off
	}
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (k keepMainWide) MinSize(objs []fyne.CanvasObject) fyne.Size { return k.split.MinSize() }

// ensureTester builds the tester panel the first time it is needed (it is
// not part of the first frame).
func (c *Console) ensureTester() {
	if c.tester == nil {
		c.tester = newTesterPanel(c)
		c.split = container.NewHSplit(c.body, c.tester.object())
		c.split.Offset = 0.58
		c.tester.stateChanged(c.state)
	}
}

// needsSetupIntro: a first-time setup that nothing was done in yet starts
// from the "Set up two-step verification" button.
func (c *Console) needsSetupIntro(st app.State) bool {
	sv := st.Setup
	return !c.setupBegun && st.Step == app.StepSetup && sv != nil && sv.Phase == app.SetupOverview &&
		!sv.Reset && sv.Authenticator == nil && sv.Backup == nil
}

// BeginSetup leaves the first-time setup's start for Protect Your Account
// (the "Set up two-step verification" button; scripts call it too).
func (c *Console) BeginSetup() {
	c.setupBegun = true
	c.render()
}

// TesterOpen reports whether the tester panel is shown.
func (c *Console) TesterOpen() bool { return c.testerOpen }

func (c *Console) escape() {
	switch c.state.Step {
	case app.StepChallenge, app.StepNoMethod, app.StepChangePassword, app.StepSetup, app.StepTwoStep:
		c.dispatch(app.Cancel{})
	}
}

// FirstPaintProbe is a one-pixel raster that calls fn once when a renderer
// first paints it: the moment the window's first frame is drawn.
func FirstPaintProbe(fn func()) fyne.CanvasObject {
	var once sync.Once
	r := canvas.NewRaster(func(w, h int) image.Image {
		once.Do(fn)
		return image.NewUniform(color.Transparent)
	})
	r.SetMinSize(fyne.NewSize(1, 1))
	return r
}

// scope runs the tickers of one screen and stops them when the screen goes.
type scope struct {
	c    *Console
	once sync.Once
	done chan struct{}
}

func newScope(c *Console) *scope { return &scope{c: c, done: make(chan struct{})} }

func (s *scope) stop() {
	if s != nil {
		s.once.Do(func() { close(s.done) })
	}
}

// every calls fn on the UI goroutine every d until the screen changes.
func (s *scope) every(d time.Duration, fn func()) {
	go func() {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-t.C:
				s.c.do(func() {
					select {
					case <-s.done:
					default:
						fn()
					}
				})
			}
		}
	}()
}

// Press taps the enabled button labelled label on the screen now shown (for
// scripts such as the start-up measurement); false when there is none.
func (c *Console) Press(label string) bool {
	if c.current == nil {
		return false
	}
	var found *widget.Button
	walkObjects(c.current.object(), func(o fyne.CanvasObject) {
		var b *widget.Button
		switch v := o.(type) {
		case *button:
			b = &v.Button
		case *widget.Button:
			b = v
		}
		if b != nil && b.Text == label && !b.Disabled() && found == nil {
			found = b
		}
	})
	if found == nil || found.OnTapped == nil {
		return false
	}
	found.OnTapped()
	return true
}

// Fill types text into the entry labelled label on the screen now shown
// (for scripts such as the screenshot walk); false when there is none.
func (c *Console) Fill(label, text string) bool {
	var found *entry
	var visit func(o fyne.CanvasObject)
	visit = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Form:
			for _, it := range v.Items {
				if e, ok := it.Widget.(*entry); ok && it.Text == label && found == nil {
					found = e
				}
			}
		case *fyne.Container:
			for _, ch := range v.Objects {
				visit(ch)
			}
		case *widget.Card:
			if v.Content != nil {
				visit(v.Content)
			}
		case *container.Scroll:
			visit(v.Content)
		}
	}
	if c.current == nil {
		return false
	}
	visit(c.current.object())
	if found == nil {
		return false
	}
	found.SetText(text)
	return true
}

// walkObjects calls fn on o and every object inside it that a screen nests.
func walkObjects(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, ch := range v.Objects {
			walkObjects(ch, fn)
		}
	case *widget.Card:
		if v.Content != nil {
			walkObjects(v.Content, fn)
		}
	case *container.Scroll:
		walkObjects(v.Content, fn)
	}
}
