package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/screens"
)

// runScreenshots walks the main screens against the embedded server and
// writes one PNG per screen to dir, then quits.
func runScreenshots(a fyne.App, w fyne.Window, b *backend, dir string, ready <-chan error) {
	defer fyne.Do(a.Quit)
	if err := <-ready; err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		return
	}
	watchdog := time.AfterFunc(3*time.Minute, func() {
		fmt.Fprintln(os.Stderr, "screenshots: the script took more than 3 minutes")
		os.Exit(1)
	})
	defer watchdog.Stop()
	s := &shooter{w: w, b: b, dir: dir, ctl: b.controller()}
	s.wt = newWaiter(s.ctl)
	if err := s.run(); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

type shooter struct {
	w   fyne.Window
	b   *backend
	ctl *app.Controller
	wt  *waiter
	dir string
}

var (
	current = api.CurrentVersion
	legacy  = api.LastLegacyVersion
)

const demoPassword = "Demo-Pass-2026"

func (s *shooter) run() error {
	steps := []func() error{
		// the code prompts first, so that the outbox in the tester panel has messages
		s.signIn, s.authenticatorAndSMS, s.email, s.push, s.legacyEmailOnly, s.firstTimeSetup, s.resetSetup,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// shot waits for the window to settle and writes name.png: the window as
// the X server shows it (xdotool + ImageMagick import), since reading back
// the GL front buffer gives nothing under Xvfb.
func (s *shooter) shot(name string) error {
	time.Sleep(700 * time.Millisecond)
	path := filepath.Join(s.dir, name+".png")
	var ids []string
	for try := 0; len(ids) == 0 && try < 20; try++ {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		out, _ := exec.CommandContext(ctx, "xdotool", "search", "--onlyvisible", "--name", "^"+regexp.QuoteMeta(screens.AppName)).Output()
		cancel()
		if ids = strings.Fields(string(out)); len(ids) == 0 {
			time.Sleep(250 * time.Millisecond)
		}
	}
	if len(ids) == 0 {
		return fmt.Errorf("%s: xdotool finds no visible window named %s", name, screens.AppName)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "import", "-window", ids[0], path).CombinedOutput(); err != nil {
		return fmt.Errorf("%s: import: %w: %s", name, err, out)
	}
	fmt.Println("wrote", path)
	return nil
}

func (s *shooter) wait(what string, ok func(app.State) bool) (app.State, error) {
	st, err := s.wt.until(30*time.Second, ok)
	if err != nil {
		return st, fmt.Errorf("waiting for %s: %w", what, err)
	}
	return st, nil
}

// waitShot waits for what and then writes name.png.
func (s *shooter) waitShot(what string, ok func(app.State) bool, name string) error {
	if _, err := s.wait(what, ok); err != nil {
		return err
	}
	return s.shot(name)
}

func idle(step app.Step) func(app.State) bool {
	return func(st app.State) bool { return st.Step == step && !st.Busy }
}

func (s *shooter) login(user string) {
	s.ctl.Dispatch(app.Login{Username: user, Password: demoPassword})
}

// back cancels until the sign-in form shows (setup steps back to its overview first).
func (s *shooter) back() error {
	for range 3 {
		s.ctl.Dispatch(app.Cancel{})
		st, err := s.wait("the step to be cancelled", func(st app.State) bool { return !st.Busy })
		if err != nil {
			return err
		}
		if st.Step == app.StepSignedOut {
			return nil
		}
	}
	return fmt.Errorf("cancel does not lead back to the sign-in form")
}

func (s *shooter) version(v api.ConsoleVersion) {
	onUI(func() { s.b.console.SetVersion(v) })
}

func (s *shooter) signIn() error {
	s.version(current)
	return s.waitShot("sign-in form", idle(app.StepSignedOut), "sign-in")
}

func (s *shooter) push() error {
	s.login("alice")
	st, err := s.wait("app notification", func(st app.State) bool {
		return st.Step == app.StepChallenge && st.Challenge.Method == api.MethodAppNotification && !st.Busy
	})
	if err != nil {
		return err
	}
	if err := s.shot("prompt-app-notification"); err != nil {
		return err
	}
	if !st.Challenge.Waiting {
		return fmt.Errorf("the server did not send the push: %v", st.Alert)
	}
	if err := s.testerShot(); err != nil {
		return err
	}
	ts, err := s.waitTester("the push on the virtual phone", func(ts app.TesterState) bool { return len(ts.Pushes) > 0 })
	if err != nil {
		return err
	}
	s.ctl.Dispatch(app.DecidePush{ID: ts.Pushes[0].ID, Approve: true, Number: st.Challenge.MatchNumber})
	return s.signedInAndPassword()
}

// waitTester waits for a tester state that satisfies ok.
func (s *shooter) waitTester(what string, ok func(app.TesterState) bool) (app.TesterState, error) {
	got := make(chan app.TesterState, 1)
	stop := s.ctl.WatchTester(func(ts app.TesterState) {
		if ok(ts) {
			select {
			case got <- ts:
			default:
			}
		}
	})
	defer stop()
	select {
	case ts := <-got:
		return ts, nil
	case <-time.After(30 * time.Second):
		return app.TesterState{}, fmt.Errorf("waiting for %s: timed out", what)
	}
}

func (s *shooter) signedInAndPassword() error {
	if err := s.waitShot("signed in", idle(app.StepSignedIn), "signed-in"); err != nil {
		return err
	}
	s.ctl.Dispatch(app.OpenChangePassword{})
	if _, err := s.wait("change password", idle(app.StepChangePassword)); err != nil {
		return err
	}
	onUI(func() {
		s.b.console.Fill("Current password", demoPassword)
		s.b.console.Fill("New password", "Correct-Horse-Battery-9")
		s.b.console.Fill("Repeat new password", "Correct-Horse-Battery-9")
	})
	if err := s.shot("change-password"); err != nil {
		return err
	}
	s.ctl.Dispatch(app.Cancel{})
	if _, err := s.wait("signed in", idle(app.StepSignedIn)); err != nil {
		return err
	}
	s.ctl.Dispatch(app.OpenTwoStep{})
	if err := s.waitShot("two-step page", idle(app.StepTwoStep), "two-step"); err != nil {
		return err
	}
	s.ctl.Dispatch(app.Cancel{})
	if _, err := s.wait("signed in", idle(app.StepSignedIn)); err != nil {
		return err
	}
	s.ctl.Dispatch(app.SignOut{})
	_, err := s.wait("signed out", idle(app.StepSignedOut))
	return err
}

// testerShot opens the tester panel at the sizes it must leave the main
// screen usable in (1000×700 and 800×600), then in a taller window, so that
// the version, its table, the virtual phone and the outbox are all in the
// picture.
func (s *shooter) testerShot() error {
	var size fyne.Size
	onUI(func() {
		size = s.w.Canvas().Size()
		s.b.console.ToggleTester()
	})
	defer onUI(func() {
		s.b.console.ToggleTester()
		s.w.Resize(size)
	})
	if _, err := s.waitTester("the phone's codes, its push and the outbox", func(ts app.TesterState) bool {
		return len(ts.Codes) > 0 && len(ts.Pushes) > 0 && ts.OutboxRead
	}); err != nil {
		return err
	}
	for _, sz := range []struct {
		name string
		size fyne.Size
	}{
		{"tester-panel-1000x700", fyne.NewSize(1000, 700)},
		{"tester-panel-800x600", fyne.NewSize(800, 600)},
		{"tester-panel", fyne.NewSize(1200, 880)},
	} {
		onUI(func() { s.w.Resize(sz.size) })
		if err := s.shot(sz.name); err != nil {
			return err
		}
	}
	return nil
}

func (s *shooter) authenticatorAndSMS() error {
	s.login("bob")
	if err := s.waitShot("authenticator prompt", func(st app.State) bool {
		return st.Step == app.StepChallenge && st.Challenge.Method == api.MethodAuthenticatorApp && !st.Busy
	}, "prompt-authenticator-app"); err != nil {
		return err
	}
	s.ctl.Dispatch(app.ChooseMethod{Method: api.MethodSMS})
	if err := s.waitShot("text message prompt", func(st app.State) bool {
		return st.Step == app.StepChallenge && st.Challenge.Method == api.MethodSMS && st.Challenge.SentTo != "" && !st.Busy
	}, "prompt-sms"); err != nil {
		return err
	}
	return s.back()
}

func (s *shooter) email() error {
	s.login("carol")
	if _, err := s.wait("first prompt", idle(app.StepChallenge)); err != nil {
		return err
	}
	s.ctl.Dispatch(app.ChooseMethod{Method: api.MethodEmail})
	if err := s.waitShot("email prompt", func(st app.State) bool {
		return st.Step == app.StepChallenge && st.Challenge.Method == api.MethodEmail && st.Challenge.SentTo != "" && !st.Busy
	}, "prompt-email"); err != nil {
		return err
	}
	return s.back()
}

func (s *shooter) legacyEmailOnly() error {
	s.version(legacy)
	s.login("dave")
	if err := s.waitShot("legacy email-only message", idle(app.StepNoMethod), "legacy-email-only"); err != nil {
		return err
	}
	if err := s.back(); err != nil {
		return err
	}
	s.version(current)
	return nil
}

func (s *shooter) firstTimeSetup() error {
	s.login("erin")
	if err := s.waitShot("setup start", func(st app.State) bool {
		return st.Step == app.StepSetup && st.Setup.Phase == app.SetupOverview && !st.Busy
	}, "setup-start"); err != nil {
		return err
	}
	onUI(s.b.console.BeginSetup)
	if err := s.shot("setup-first-time"); err != nil {
		return err
	}
	s.ctl.Dispatch(app.StartPairing{})
	st, err := s.wait("pairing", func(st app.State) bool {
		return st.Step == app.StepSetup && st.Setup.Phase == app.SetupPairing && st.Setup.Pairing != nil && !st.Busy
	})
	if err != nil {
		return err
	}
	if err := s.shot("setup-pairing"); err != nil {
		return err
	}
	code, err := totp.GenerateCodeCustom(st.Setup.Pairing.Secret, time.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return err
	}
	s.ctl.Dispatch(app.ConfirmAuthenticator{Code: code})
	if _, err := s.wait("backup entry", func(st app.State) bool {
		return st.Step == app.StepSetup && st.Setup.Phase != app.SetupPairing && !st.Busy
	}); err != nil {
		return err
	}
	if st := s.ctl.State(); st.Setup.Phase != app.SetupBackupEntry {
		s.ctl.Dispatch(app.EditBackup{})
		if _, err := s.wait("backup entry", func(st app.State) bool {
			return st.Step == app.StepSetup && st.Setup.Phase == app.SetupBackupEntry && !st.Busy
		}); err != nil {
			return err
		}
	}
	if err := s.shot("setup-backup"); err != nil {
		return err
	}
	return s.back()
}

func (s *shooter) resetSetup() error {
	s.login("frank")
	// frank's SMS backup survived the reset: setup starts by verifying it.
	if err := s.waitShot("setup after reset", func(st app.State) bool {
		return st.Step == app.StepSetup && st.Setup.Reset && st.Setup.Phase == app.SetupVerifyBackup && !st.Busy
	}, "setup-after-reset"); err != nil {
		return err
	}
	return s.back()
}
