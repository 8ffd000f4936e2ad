package screens

import (
	"bytes"
	"log"
	"regexp"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/i18n"
)

// inLanguage draws in tag for the rest of the test, then in English again.
func inLanguage(t *testing.T, tag string) {
	t.Helper()
	if err := UseLanguage(tag); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := UseLanguage("en"); err != nil {
			t.Error(err)
		}
	})
}

// missingTranslations collects what Fyne logs when a catalogue lacks a key
// of ours ("Translation failure", then the cause naming the key).
type missingTranslations struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (m *missingTranslations) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.buf.Write(p)
}

var notFound = regexp.MustCompile(`message "([^"]+)" not found in language "([^"]+)"`)

// keys are our catalogue's keys that a language lacked (Fyne's own words,
// which Fyne translates into fewer languages, are not ours to check).
func (m *missingTranslations) keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var keys []string
	for _, sub := range notFound.FindAllStringSubmatch(m.buf.String(), -1) {
		if i18n.EnglishTemplate(i18n.T(sub[1])) != sub[1] {
			keys = append(keys, sub[1]+" ("+sub[2]+")")
		}
	}
	return keys
}

func watchTranslations(t *testing.T) *missingTranslations {
	m := &missingTranslations{}
	prev := log.Writer()
	log.SetOutput(m)
	t.Cleanup(func() { log.SetOutput(prev) })
	return m
}

// TestFlowsInEveryLanguage walks first-time setup, a wrong code and the
// signed-in pages once per language (the pseudo-language too), finding each
// button by its words in that language, and fails on any text of ours the
// language's catalogue lacks.
func TestFlowsInEveryLanguage(t *testing.T) {
	tags := []string{i18n.PseudoTag}
	for _, l := range i18n.Languages {
		tags = append(tags, l.Tag)
	}
	for _, tag := range tags {
		t.Run(tag, func(t *testing.T) {
			inLanguage(t, tag)
			missing := watchTranslations(t)
			h := newHarness(t, currentV)
			walkSetupIn(h)
			walkWrongCodeIn(h)
			if keys := missing.keys(); len(keys) > 0 {
				t.Errorf("texts missing in %s: %v", tag, keys)
			}
		})
	}
}

// tap taps the button with the catalogue's text for key, failing when the
// screen has none.
func (h *harness) tap(root fyne.CanvasObject, key string) {
	h.t.Helper()
	if fitChecks[h] {
		h.checkButtonsFit()
	}
	b := findButton(root, tr(key))
	if b == nil {
		h.t.Fatalf("no %q button (%s); buttons: %v", tr(key), key, buttonTexts(root))
	}
	test.Tap(b)
}

func walkSetupIn(h *harness) {
	t := h.t
	h.signIn("erin", demoPassword)
	h.until("setup overview", func() bool {
		st := h.con.State()
		return st.Step == app.StepSetup && st.Setup.Phase == app.SetupOverview && !st.Busy
	})
	h.tap(screenAs[*setupScreen](h).root, "setup.set_up_two_step")
	h.tap(screenAs[*setupScreen](h).root, "setup.set_up_mobile_app")
	h.until("pairing", func() bool { return h.con.key == "setup/pairing" && !h.con.State().Busy })
	root := screenAs[*setupScreen](h).root
	test.Type(findEntry(root), totpCode(t, h.con.State().Setup.Pairing.Secret))
	h.tap(root, "btn.confirm")
	h.until("the backup step", func() bool {
		st := h.con.State()
		return st.Step == app.StepSetup && st.Setup.Phase != app.SetupPairing && !st.Busy
	})
	if h.con.State().Setup.Phase == app.SetupOverview {
		root = screenAs[*setupScreen](h).root
		if findButton(root, tr("setup.set_up_text")) != nil {
			h.tap(root, "setup.set_up_text")
		} else {
			h.tap(root, "setup.set_up_backup")
		}
		h.until("backup entry", func() bool { return h.con.key == "setup/backup_entry" && !h.con.State().Busy })
	}
	root = screenAs[*setupScreen](h).root
	test.Type(findEntry(root), "+1 555 0142")
	h.tap(root, "btn.next")
	h.until("backup code", func() bool { return h.con.key == "setup/backup_code" && !h.con.State().Busy })
	root = screenAs[*setupScreen](h).root
	test.Type(findEntry(root), h.srv.Outbox(t, "")[0].Code)
	h.tap(root, "setup.finish_text")
	h.until("activate", func() bool {
		st := h.con.State()
		return h.con.key == "setup/overview" && !st.Busy && st.Setup.CanActivate
	})
	h.tap(screenAs[*setupScreen](h).root, "setup.activate")
	s := h.signedIn("erin")
	if want := tr("signedin.welcome", "Name", h.con.State().User.DisplayName); s.card.Title != want && h.con.State().User.DisplayName != "" {
		t.Errorf("welcome %q, want %q", s.card.Title, want)
	}
	h.tap(s.card, "two_step.title")
	h.idle(app.StepTwoStep)
	h.tap(screenAs[*twoStepScreen](h).root, "btn.back")
	h.tap(h.signedIn("erin").card, "btn.sign_out")
	h.idle(app.StepSignedOut)
}

// walkWrongCodeIn signs bob in with a wrong code first: the alert counts
// the attempts left in the language's plural.
func walkWrongCodeIn(h *harness) {
	h.signIn("bob", demoPassword)
	s := h.challenge(api.MethodAuthenticatorApp)
	test.Type(s.code, wrongCode(totpCode(h.t, demo(h.t, "bob").TOTPSecret)))
	h.until("the wrong code's alert", func() bool {
		st := h.con.State()
		return !st.Busy && st.Alert != nil && st.Alert.Kind == app.AlertInvalidCode
	})
	want := trN("alert.invalid_code.attempts", h.con.State().Alert.AttemptsLeft)
	if got := s.alert.Text(); got != want {
		h.t.Errorf("wrong code: %q, want %q", got, want)
	}
	if fitChecks[h] {
		h.checkButtonsFit()
	}
	h.enterCode(s, "bob")
	h.tap(h.signedIn("bob").card, "signedin.change_password")
	h.idle(app.StepChangePassword)
	h.tap(screenAs[*passwordScreen](h).root, "btn.cancel")
	h.tap(h.signedIn("bob").card, "btn.sign_out")
	h.idle(app.StepSignedOut)
	if fitChecks[h] {
		h.checkButtonsFit()
	}
}

// wrongCode is a six-digit code other than code.
func wrongCode(code string) string {
	if strings.HasPrefix(code, "0") {
		return "1" + code[1:]
	}
	return "0" + code[1:]
}

// TestLanguageMenuRelabelsAndRemembers chooses View > Language > Deutsch:
// the choice is handed over to be remembered and the window speaks German;
// then the system's language (English here) again.
func TestLanguageMenuRelabelsAndRemembers(t *testing.T) {
	inLanguage(t, "en")
	var chosen []string
	h := newHarness(t, currentV, func(_ *harness, o *Options) {
		o.SetLanguage = func(tag string) (string, error) {
			chosen = append(chosen, tag)
			if tag == "" {
				return "en", nil
			}
			return tag, nil
		}
	})
	h.idle(app.StepSignedOut)
	choose := func(name string) {
		t.Helper()
		for _, m := range h.win.MainMenu().Items {
			for _, it := range m.Items {
				if it.ChildMenu == nil {
					continue
				}
				for _, l := range it.ChildMenu.Items {
					if l.Label == name {
						l.Action()
						h.q.drain()
						return
					}
				}
			}
		}
		t.Fatalf("no %q under View > Language", name)
	}
	choose("Deutsch")
	if s := screenAs[*signInScreen](h); s.submit.Text != "Anmelden" {
		t.Errorf("after choosing Deutsch the sign-in button says %q", s.submit.Text)
	}
	if got := h.win.MainMenu().Items[1].Label; got != "Ansicht" {
		t.Errorf("View menu: %q", got)
	}
	choose("Systemsprache")
	if s := screenAs[*signInScreen](h); s.submit.Text != "Sign in" {
		t.Errorf("after choosing the system's language the sign-in button says %q", s.submit.Text)
	}
	if strings.Join(chosen, ",") != "de," {
		t.Errorf("remembered %q, want de then the system's", chosen)
	}
}

// fitChecks are the harnesses whose every screen tap checks that buttons fit.
var fitChecks = map[*harness]bool{}

// checkButtonsFit fails for a button on screen whose text does not fit it
// or that reaches past the window's right edge.
func (h *harness) checkButtonsFit() {
	h.t.Helper()
	h.q.drain()
	// the GL driver lays out again when a text grows (a countdown on a
	// button); the test canvas does not paint, so lay every box out now,
	// innermost first
	var boxes []*fyne.Container
	walk(h.win.Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*fyne.Container); ok {
			boxes = append(boxes, c)
		}
	})
	for i := len(boxes) - 1; i >= 0; i-- {
		boxes[i].Refresh()
	}
	width := h.win.Canvas().Size().Width
	d := fyne.CurrentApp().Driver()
	walk(h.win.Content(), func(o fyne.CanvasObject) {
		b, ok := o.(*widget.Button)
		if !ok || !b.Visible() || b.Text == "" {
			return
		}
		pos := d.AbsolutePositionForObject(b)
		if b.Size().Width+0.5 < b.MinSize().Width || pos.X+b.Size().Width > width+0.5 {
			h.t.Errorf("%s: button %q is %v at x=%v, needs %v, window %v wide", h.con.key, b.Text, b.Size(), pos.X, b.MinSize(), width)
		}
	})
}

// TestPseudoLanguageFitsAt800x600 walks the flows in the pseudo-language
// (every text 40 % longer) in an 800×600 window: no button is cut.
func TestPseudoLanguageFitsAt800x600(t *testing.T) {
	inLanguage(t, i18n.PseudoTag)
	h := newHarness(t, currentV)
	h.win.Resize(fyne.NewSize(800, 600))
	fitChecks[h] = true
	t.Cleanup(func() { delete(fitChecks, h) })
	walkSetupIn(h)
	walkWrongCodeIn(h)
}
