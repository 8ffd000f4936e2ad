package securitytest

import (
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/server"
)

// Console-side faults: the console's state machine (app.Controller, the same
// one the Fyne screens drive) against a real authserver process that is
// killed with SIGKILL mid-challenge and comes back on the same address and
// database; and a keychain that is missing or hangs.

// states records every state a controller publishes.
type states struct {
	mu   sync.Mutex
	all  []app.State
	wake chan struct{}
}

func watch(t *testing.T, c *app.Controller) *states {
	s := &states{wake: make(chan struct{}, 1)}
	unsub := c.Subscribe(func(st app.State) {
		s.mu.Lock()
		s.all = append(s.all, st)
		s.mu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default:
		}
	})
	t.Cleanup(unsub)
	return s
}

// until waits for a state (published from now on, or the latest) that matches.
func (s *states) until(t *testing.T, what string, timeout time.Duration, ok func(app.State) bool) app.State {
	t.Helper()
	s.mu.Lock()
	from := max(0, len(s.all)-1)
	s.mu.Unlock()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		for ; from < len(s.all); from++ {
			if ok(s.all[from]) {
				st := s.all[from]
				s.mu.Unlock()
				return st
			}
		}
		var last app.State
		if len(s.all) > 0 {
			last = s.all[len(s.all)-1]
		}
		s.mu.Unlock()
		select {
		case <-s.wake:
		case <-deadline:
			t.Fatalf("waiting for %s: last state step=%s busy=%v alert=%+v challenge=%+v", what, last.Step, last.Busy, last.Alert, last.Challenge)
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// procAt runs authserver on a fixed address (so that it can come back there).
func procAt(t *testing.T, db, addr string) *Proc {
	t.Helper()
	var p *Proc
	for try := 0; ; try++ {
		ln, err := net.Listen("tcp", addr) // wait until the address is free again
		if err == nil {
			ln.Close()
			p = StartProc(t, db, procAdminPassword, "--addr", addr)
			return p
		}
		if try > 100 {
			t.Fatalf("address %s stays taken: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func newController(t *testing.T, url string, kc app.Keychain) *app.Controller {
	t.Helper()
	c, err := app.NewController(app.Config{ServerURL: url, Keychain: kc, LongPollWait: 2 * time.Second,
		ClientOptions: []client.Option{client.WithTimeout(3 * time.Second)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestConsoleRecoversWhenServerReturnsMidCode(t *testing.T) {
	db, addr := filepath.Join(t.TempDir(), "auth.db"), freeAddr(t)
	proc := procAt(t, db, addr)
	ctl := newController(t, proc.URL, nil)
	s := watch(t, ctl)
	ctl.Login("bob", server.DemoPassword, false)
	st := s.until(t, "the code prompt", 15*time.Second, func(st app.State) bool { return st.Step == app.StepChallenge && !st.Busy })
	if st.Challenge == nil || st.Challenge.Method != api.MethodAuthenticatorApp {
		t.Fatalf("bob's first method: %+v", st.Challenge)
	}
	proc.Kill()
	ctl.SubmitCode(Code(t, Account(t, "bob").TOTPSecret, time.Now()))
	st = s.until(t, "an alert while the server is gone", 20*time.Second, func(st app.State) bool { return !st.Busy && st.Alert != nil })
	if st.Step != app.StepChallenge || st.Challenge == nil || !st.Challenge.Active || st.Alert.Message.IsZero() {
		t.Fatalf("server gone mid-code: step=%s challenge=%+v alert=%+v, want the same prompt with a message", st.Step, st.Challenge, st.Alert)
	}
	procAt(t, db, addr) // back, same database
	ctl.SubmitCode(Code(t, Account(t, "bob").TOTPSecret, time.Now()))
	st = s.until(t, "signed in after the server returned", 20*time.Second, func(st app.State) bool { return st.Step == app.StepSignedIn })
	if st.User == nil || st.User.Username != "bob" {
		t.Fatalf("signed in as %+v", st.User)
	}
}

func TestConsoleRecoversWhenServerReturnsMidPush(t *testing.T) {
	db, addr := filepath.Join(t.TempDir(), "auth.db"), freeAddr(t)
	proc := procAt(t, db, addr)
	device := proc.DeviceToken(t)
	ctl := newController(t, proc.URL, nil)
	s := watch(t, ctl)
	ctl.Login("alice", server.DemoPassword, false)
	waiting := func(st app.State) bool {
		return st.Step == app.StepChallenge && st.Challenge != nil && st.Challenge.Waiting && st.Challenge.MatchNumber != ""
	}
	st := s.until(t, "the push waiting", 15*time.Second, waiting)
	proc.Kill()
	proc = procAt(t, db, addr)
	phone := proc.Peer()
	// The phone approves the push it sees after the restart. Whether the
	// console's long-poll rode out the restart (it signs in) or gave up with
	// an alert, the member gets through: in the second case by sending a new
	// notification, as the screen offers.
	approveNewest(t, phone, device, st.Challenge.MatchNumber)
	st = s.until(t, "signed in, or the wait given up after the restart", 20*time.Second, func(st app.State) bool {
		return st.Step == app.StepSignedIn || (!st.Busy && (st.Challenge == nil || !st.Challenge.Waiting))
	})
	if st.Step == app.StepSignedIn {
		t.Log("the long-poll rode out the restart")
		return
	}
	if st.Alert == nil || st.Alert.Message.IsZero() {
		t.Fatalf("push wait ended without a message: %+v", st)
	}
	t.Logf("the long-poll gave up while the server was away (%q); the member sends a new notification", st.Alert.Error())
	ctl.ChooseMethod(api.MethodAppNotification)
	st = s.until(t, "a new push waiting", 15*time.Second, waiting)
	approveNewest(t, phone, device, st.Challenge.MatchNumber)
	s.until(t, "signed in by the push", 20*time.Second, func(st app.State) bool { return st.Step == app.StepSignedIn })
}

// approveNewest approves, as the phone, the newest push waiting for it.
func approveNewest(t *testing.T, phone *Peer, device, matchNumber string) {
	t.Helper()
	var pending []api.Notification
	phone.OK(t, "GET", api.PathDeviceNotification+"?wait=5", device, nil, http.StatusOK, &pending)
	if len(pending) == 0 {
		t.Fatal("the phone sees no push")
	}
	newest := pending[0]
	for _, n := range pending {
		if n.ExpiresAt.After(newest.ExpiresAt) {
			newest = n
		}
	}
	phone.OK(t, "POST", api.PathNotification(newest.ID), device,
		api.NotificationDecision{Decision: api.DecisionApprove, MatchNumber: matchNumber}, http.StatusNoContent, nil)
}

// hungBus is a D-Bus address whose socket accepts connections and never
// answers: a keyring that hangs (locked, waiting on a prompt nobody sees).
func hungBus(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bus")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "unix:path=" + path
}

func TestConsoleWorksWithoutKeychain(t *testing.T) {
	proc := StartProc(t, filepath.Join(t.TempDir(), "auth.db"), procAdminPassword)
	for _, tc := range []struct {
		name string
		bus  func(t *testing.T) string
	}{
		{"missing", func(t *testing.T) string { return "unix:path=" + filepath.Join(t.TempDir(), "no-such-bus") }},
		{"hanging", hungBus},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("DBUS_SESSION_BUS_ADDRESS", tc.bus(t))
			ctl := newController(t, proc.URL, app.OSKeychain{Timeout: time.Second})
			s := watch(t, ctl)
			start := time.Now()
			ctl.Login("grace", server.DemoPassword, true) // "Keep me signed in" ticked
			st := s.until(t, "signed in", 20*time.Second, func(st app.State) bool { return st.Step == app.StepSignedIn })
			if took := time.Since(start); took > 8*time.Second {
				t.Errorf("sign-in with a %s keychain took %s", tc.name, took)
			}
			if st.Alert == nil || st.Alert.Kind != app.AlertKeychain || !strings.Contains(strings.ToLower(st.Alert.Error()), "keychain") {
				t.Fatalf("%s keychain: alert %+v, want a clear keychain message", tc.name, st.Alert)
			}
			if strings.Contains(st.Alert.Error(), server.DemoPassword) {
				t.Fatal("the message holds the password")
			}
			// The console still works: sign out and in again.
			ctl.SignOut()
			s.until(t, "signed out", 20*time.Second, func(st app.State) bool { return st.Step == app.StepSignedOut && !st.Busy })
			ctl.Login("grace", server.DemoPassword, false)
			s.until(t, "signed in again", 20*time.Second, func(st app.State) bool { return st.Step == app.StepSignedIn })
		})
	}
}
