package app_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/app/phone"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

// testerRec keeps every tester state a controller published to a watcher.
type testerRec struct {
	mu     sync.Mutex
	states []app.TesterState
	signal chan struct{}
}

func watchTester(t *testing.T, ctl *app.Controller) *testerRec {
	r := &testerRec{signal: make(chan struct{}, 1)}
	t.Cleanup(ctl.WatchTester(func(s app.TesterState) {
		r.mu.Lock()
		r.states = append(r.states, s)
		r.mu.Unlock()
		select {
		case r.signal <- struct{}{}:
		default:
		}
	}))
	return r
}

// within waits at most d for a tester state (published from now on, or the
// latest one) that satisfies ok.
func (r *testerRec) within(t *testing.T, d time.Duration, what string, ok func(app.TesterState) bool) app.TesterState {
	t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	r.mu.Lock()
	next := max(len(r.states)-1, 0)
	r.mu.Unlock()
	for {
		r.mu.Lock()
		for ; next < len(r.states); next++ {
			if s := r.states[next]; ok(s) {
				r.mu.Unlock()
				return s
			}
		}
		var last app.TesterState
		if len(r.states) > 0 {
			last = r.states[len(r.states)-1]
		}
		r.mu.Unlock()
		select {
		case <-r.signal:
		case <-deadline.C:
			t.Fatalf("waited %v for %s in vain; last tester state: %+v", d, what, last)
		}
	}
}

func (r *testerRec) waitFor(t *testing.T, what string, ok func(app.TesterState) bool) app.TesterState {
	t.Helper()
	return r.within(t, 20*time.Second, what, ok)
}

func pushFor(user string) func(app.TesterState) bool {
	return func(s app.TesterState) bool { return len(s.Pushes) == 1 && s.Pushes[0].Username == user }
}

func noPush(s app.TesterState) bool { return len(s.Pushes) == 0 }

// TestTesterStateAnswersAPush: the published tester state shows the push of
// a sign-in on the virtual phone; a number that is not two digits is refused
// with a sentence; the right one approves it, and the push leaves the phone
// within a second of the answer.
func TestTesterStateAnswersAPush(t *testing.T) {
	e := newEnv(t)
	ph := alicePhone(t, e)
	ctl, rec := e.controller(t, currentV)
	ctl.AttachPhone(phone.ForTester(ph))
	tr := watchTester(t, ctl)
	ctl.Login("alice", demoPassword, false)
	s := rec.waitFor(t, "push challenge", challengeWith(api.MethodAppNotification))
	ts := tr.waitFor(t, "alice's push", pushFor("alice"))
	if p := ts.Pushes[0]; p.Account == "" || p.ConsoleVersion != currentV.String() || p.ExpiresAt.IsZero() {
		t.Fatalf("push on the phone: %+v", p)
	}
	ctl.Dispatch(app.DecidePush{ID: ts.Pushes[0].ID, Approve: true, Number: "7"})
	ts = tr.waitFor(t, "the refusal", func(s app.TesterState) bool { return s.PhoneNote != "" })
	if ts.PhoneNoteKind != app.NoteError || !strings.Contains(ts.PhoneNote, "two-digit number") || len(ts.Pushes) != 1 {
		t.Fatalf("a one-digit number: %+v", ts)
	}
	ctl.Dispatch(app.DecidePush{ID: ts.Pushes[0].ID, Approve: true, Number: s.Challenge.MatchNumber})
	tr.waitFor(t, "the answer on its way", func(s app.TesterState) bool { return s.Deciding != "" })
	tr.within(t, time.Second, "the push gone", func(s app.TesterState) bool { return noPush(s) && s.Deciding == "" })
	signedIn(t, rec, "alice")
}

// TestAnsweredOrExpiredPushesLeaveThePhoneWithinASecond: a push answered
// elsewhere (the phone itself, as cmd/authenticator does) and one that
// expired both leave the published tester state within a second.
func TestAnsweredOrExpiredPushesLeaveThePhoneWithinASecond(t *testing.T) {
	e := newEnv(t)
	ph := alicePhone(t, e)
	var ahead atomic.Int64
	ctl, rec := e.controller(t, currentV, func(c *app.Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	})
	ctl.AttachPhone(phone.ForTester(ph))
	tr := watchTester(t, ctl)

	ctl.Login("alice", demoPassword, false)
	rec.waitFor(t, "push challenge", challengeWith(api.MethodAppNotification))
	ts := tr.waitFor(t, "alice's push", pushFor("alice"))
	if err := ph.Deny(context.Background(), ts.Pushes[0].Account, ts.Pushes[0].ID); err != nil {
		t.Fatal(err)
	}
	tr.within(t, time.Second, "the denied push gone", noPush)
	rec.waitFor(t, "denied", func(s app.State) bool { return s.Alert != nil && s.Alert.Kind == app.AlertDenied })

	ctl.ChooseMethod(api.MethodAppNotification)
	rec.waitFor(t, "another push", challengeWith(api.MethodAppNotification))
	ts = tr.waitFor(t, "alice's new push", pushFor("alice"))
	ahead.Store(int64(time.Until(ts.Pushes[0].ExpiresAt) + time.Second))
	tr.within(t, time.Second, "the expired push gone", noPush)
}

// TestTesterStatePairsTheQRCodeOnScreen: while the pairing QR code is on
// screen the phone can scan it (PairPhone), and its code then shows.
func TestTesterStatePairsTheQRCodeOnScreen(t *testing.T) {
	e := newEnv(t)
	ph, err := phone.Open(filepath.Join(t.TempDir(), "phone.json"), &app.MemoryKeychain{})
	if err != nil {
		t.Fatal(err)
	}
	ctl, rec := e.controller(t, currentV)
	tr := watchTester(t, ctl)
	ctl.AttachPhone(phone.ForTester(ph))
	ts := tr.waitFor(t, "the phone", func(s app.TesterState) bool { return s.PhoneReady })
	if ts.CanPair {
		t.Fatal("the phone can pair with no QR code on screen")
	}
	ctl.Login("erin", demoPassword, false)
	rec.waitFor(t, "overview", setupPhase(app.SetupOverview))
	ctl.StartPairing()
	rec.waitFor(t, "pairing", setupPhase(app.SetupPairing))
	tr.waitFor(t, "the QR code to scan", func(s app.TesterState) bool { return s.CanPair })
	ctl.Dispatch(app.PairPhone{})
	ts = tr.waitFor(t, "erin's code", func(s app.TesterState) bool {
		return !s.Pairing && len(s.Codes) == 1 && strings.HasSuffix(s.Codes[0].Account, ":erin")
	})
	if ts.PhoneNoteKind != app.NoteSuccess || !strings.HasPrefix(ts.PhoneNote, "Paired.") {
		t.Fatalf("after pairing: %q (%s)", ts.PhoneNote, ts.PhoneNoteKind)
	}
	ctl.ConfirmAuthenticator(ts.Codes[0].Code)
	rec.waitFor(t, "backup entry", setupPhase(app.SetupBackupEntry))
	tr.waitFor(t, "no QR code to scan", func(s app.TesterState) bool { return !s.CanPair })
}

// TestTesterStateReadsTheOutbox: a dev server's outbox shows the code it
// sent; a server without --dev is said to keep none.
func TestTesterStateReadsTheOutbox(t *testing.T) {
	e := newEnv(t)
	ctl, rec := e.controller(t, currentV)
	tr := watchTester(t, ctl)
	ctl.Login("dave", demoPassword, false)
	rec.waitFor(t, "email challenge", challengeWith(api.MethodEmail))
	ctl.Dispatch(app.RefreshTester{})
	ts := tr.waitFor(t, "the email in the outbox", func(s app.TesterState) bool { return len(s.Outbox) > 0 })
	if m := ts.Outbox[0]; m.Channel != api.MethodEmail || m.Code == "" || ts.NoOutbox || ts.OutboxError != "" {
		t.Fatalf("outbox: %+v", ts)
	}

	plain := newEnv(t, servertest.WithConfig(func(c *server.Config) { c.Dev = false }))
	ctl2, _ := plain.controller(t, currentV)
	tr2 := watchTester(t, ctl2)
	ts = tr2.waitFor(t, "no outbox", func(s app.TesterState) bool { return s.NoOutbox })
	if ts.OutboxRead || ts.OutboxError != "" {
		t.Fatalf("without --dev: %+v", ts)
	}
}

// TestSetVersionAndSetServerAreEvents: both are events like the others; a
// refused address changes nothing and says why.
func TestSetVersionAndSetServerAreEvents(t *testing.T) {
	e := newEnv(t)
	ctl, rec := e.controller(t, currentV)
	ctl.Dispatch(app.SetVersion{Version: legacyV})
	s := rec.waitFor(t, "the legacy version", func(s app.State) bool { return s.NextVersion == legacyV })
	if s.Version != legacyV || !s.Caps.Legacy {
		t.Fatalf("signed out, the version applies at once: %v", s.Version)
	}
	if v, _ := e.prefs.Version(); v != legacyV {
		t.Fatalf("version not remembered: %v", v)
	}
	ctl.Dispatch(app.SetServer{URL: "http://auth.example.com"})
	s = rec.waitFor(t, "the refusal", func(s app.State) bool { return s.Alert != nil })
	if s.Server != e.srv.URL || !strings.Contains(s.Alert.Message, "https://auth.example.com") {
		t.Fatalf("a plain-http address: server %q, alert %+v", s.Server, s.Alert)
	}
	ctl.Dispatch(app.SetServer{URL: "http://127.0.0.1:1"})
	s = rec.waitFor(t, "the new server", func(s app.State) bool { return s.Server == "http://127.0.0.1:1" })
	if s.Alert != nil || e.prefs.ServerURL() != "http://127.0.0.1:1" {
		t.Fatalf("a loopback address: alert %+v, remembered %q", s.Alert, e.prefs.ServerURL())
	}
}
