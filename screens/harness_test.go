package screens

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/app/phone"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

const demoPassword = "Demo-Pass-2026"

var (
	legacyV  = api.ConsoleVersion{Major: 7, Minor: 50, Build: 3572}
	firstNew = api.ConsoleVersion{Major: 7, Minor: 50, Build: 3573}
	currentV = api.ConsoleVersion{Major: 7, Minor: 51, Build: 0}
)

// uiQueue stands in for fyne.Do: UI work from the controller's goroutine is
// queued and run on the test goroutine, so widgets are only touched there.
type uiQueue struct {
	mu     sync.Mutex
	fns    []func()
	signal chan struct{}
}

func newUIQueue() *uiQueue { return &uiQueue{signal: make(chan struct{}, 1)} }

func (q *uiQueue) Do(fn func()) {
	q.mu.Lock()
	q.fns = append(q.fns, fn)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

func (q *uiQueue) drain() {
	for {
		q.mu.Lock()
		fns := q.fns
		q.fns = nil
		q.mu.Unlock()
		if len(fns) == 0 {
			return
		}
		for _, fn := range fns {
			fn()
		}
	}
}

// harness is a console window on the Fyne test driver, wired to a real
// controller that talks to a real server with the demo organisation.
type harness struct {
	t     *testing.T
	srv   *servertest.Instance
	ctl   *app.Controller
	con   *Console
	win   fyne.Window
	q     *uiQueue
	prefs *app.Preferences
	phone *phone.Phone
}

type harnessOption func(*harness, *Options)

// withClock gives the console's countdowns a clock.
func withClock(now func() time.Time) harnessOption {
	return func(h *harness, o *Options) { o.Now = now }
}

func newHarness(t *testing.T, v api.ConsoleVersion, opts ...harnessOption) *harness {
	t.Helper()
	return newHarnessWith(t, v, app.NewPreferences(app.NewMemoryPrefs()), opts...)
}

// newHarnessWith is newHarness with the preferences of an earlier run.
func newHarnessWith(t *testing.T, v api.ConsoleVersion, prefs *app.Preferences, opts ...harnessOption) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	h := &harness{t: t, srv: servertest.Start(t), q: newUIQueue(), prefs: prefs}
	ctl, err := app.NewController(app.Config{ServerURL: h.srv.URL, Version: v, Prefs: h.prefs, Keychain: app.OSKeychain{}})
	if err != nil {
		t.Fatalf("controller: %v", err)
	}
	h.ctl = ctl
	t.Cleanup(ctl.Close)
	ph, err := phone.Open(filepath.Join(t.TempDir(), "phone.json"), app.OSKeychain{})
	if err != nil {
		t.Fatalf("phone: %v", err)
	}
	h.phone = ph
	t.Cleanup(func() {
		for _, a := range ph.Accounts() {
			ph.Remove(context.Background(), a.Name)
		}
	})
	ctl.AttachPhone(phone.ForTester(ph))
	o := Options{
		Embedded:  true,
		ServerURL: h.srv.URL,
		Do:        h.q.Do,
		Tester:    TesterOptions{Version: v},
	}
	for _, d := range server.DemoAccounts() {
		o.DemoAccounts = append(o.DemoAccounts, DemoAccount{Username: d.Username, Password: d.Password, Note: d.Note})
	}
	for _, fn := range opts {
		fn(h, &o)
	}
	h.win, h.con = NewMainWindow(a, o)
	t.Cleanup(h.win.Close)
	h.win.Resize(fyne.NewSize(1000, 700))
	h.con.Start(ctl)
	unsub := ctl.Subscribe(h.con.Update)
	t.Cleanup(unsub)
	h.q.drain()
	return h
}

// until runs queued UI work until ok holds, failing after a deadline.
func (h *harness) until(what string, ok func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		h.q.drain()
		if ok() {
			return
		}
		if time.Now().After(deadline) {
			st := h.con.State()
			h.t.Fatalf("timed out waiting for %s; on screen: %s busy=%v alert=%+v challenge=%+v setup=%+v",
				what, h.con.key, st.Busy, st.Alert, st.Challenge, st.Setup)
		}
		select {
		case <-h.q.signal:
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// idle waits until the screen of step is on and nothing is running.
func (h *harness) idle(step app.Step) {
	h.t.Helper()
	h.until("idle "+string(step), func() bool {
		st := h.con.State()
		return st.Step == step && !st.Busy
	})
}

func screenAs[T screen](h *harness) T {
	h.t.Helper()
	s, ok := h.con.current.(T)
	if !ok {
		var zero T
		h.t.Fatalf("screen on is %T (%s), want %T", h.con.current, h.con.key, zero)
	}
	return s
}

// signIn types the username and password and presses Enter.
func (h *harness) signIn(user, password string) {
	h.t.Helper()
	h.idle(app.StepSignedOut)
	s := screenAs[*signInScreen](h)
	s.username.SetText("")
	s.password.SetText("")
	test.Type(s.username, user)
	test.Type(s.password, password)
	before := h.con.State().Seq
	s.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.until("sign-in to start", func() bool { return h.con.State().Seq > before })
}

// challenge waits for the two-step prompt of method.
func (h *harness) challenge(m api.Method) *challengeScreen {
	h.t.Helper()
	h.until("prompt for "+string(m), func() bool {
		st := h.con.State()
		return st.Step == app.StepChallenge && st.Challenge.Method == m && !st.Busy && st.Challenge.Active
	})
	return screenAs[*challengeScreen](h)
}

// useInstead taps "Use … instead" for m.
func (h *harness) useInstead(s *challengeScreen, m api.Method) {
	h.t.Helper()
	b := findButton(s.others, "Use "+m.Phrase()+" instead")
	if b == nil {
		h.t.Fatalf("no \"Use %s instead\" button; offered: %v", m.Phrase(), buttonTexts(s.others))
	}
	test.Tap(b)
}

// signedIn waits for the signed-in screen and checks who it shows.
func (h *harness) signedIn(user string) *signedInScreen {
	h.t.Helper()
	h.idle(app.StepSignedIn)
	s := screenAs[*signedInScreen](h)
	if s.who.Text != user {
		h.t.Fatalf("signed in as %q, want %q", s.who.Text, user)
	}
	return s
}

func demo(t *testing.T, user string) server.DemoAccount {
	t.Helper()
	d, err := servertest.Demo(user)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// totpCode is the current code of a base32 secret.
func totpCode(t *testing.T, secret string) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, time.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func findButton(c fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	walk(c, func(o fyne.CanvasObject) {
		if b := asButton(o); b != nil && b.Text == text && found == nil {
			found = b
		}
	})
	return found
}

func buttonTexts(c fyne.CanvasObject) []string {
	var out []string
	walk(c, func(o fyne.CanvasObject) {
		if b := asButton(o); b != nil {
			out = append(out, b.Text)
		}
	})
	return out
}

// asButton is o's Fyne button: the screens' own (button) or the tester panel's.
func asButton(o fyne.CanvasObject) *widget.Button {
	switch b := o.(type) {
	case *button:
		return &b.Button
	case *widget.Button:
		return b
	}
	return nil
}

func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walk(c, fn)
		}
	case *widget.Card:
		if v.Content != nil {
			walk(v.Content, fn)
		}
	case *container.Scroll:
		walk(v.Content, fn)
	case *container.Split:
		walk(v.Leading, fn)
		walk(v.Trailing, fn)
	case *widget.Form:
		for _, it := range v.Items {
			walk(it.Widget, fn)
		}
	case *widget.Accordion:
		for _, it := range v.Items {
			walk(it.Detail, fn)
		}
	}
}

func (h *harness) String() string { return fmt.Sprintf("console on %s", h.srv.URL) }
