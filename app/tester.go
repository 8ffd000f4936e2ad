package app

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/client"
)

// VersionPreset is a shortcut in the tester panel's version switcher; any
// other major.minor.build works too (ParseCapabilities).
type VersionPreset struct {
	Label   string
	Version api.ConsoleVersion
}

// VersionPresets are the switcher's shortcuts around the legacy boundary.
var VersionPresets = []VersionPreset{
	{api.LastLegacyVersion.String() + " (last legacy release)", api.LastLegacyVersion},
	{"7.50.3573 (first with email and primary method)", api.ConsoleVersion{Major: 7, Minor: 50, Build: 3573}},
	{api.CurrentVersion.String() + " (current)", api.CurrentVersion},
}

// Outbox returns the SMS and email messages the server "sent" (newest first;
// to "" for all). It blocks: call it off the UI goroutine. A server without
// --dev answers with an error whose message says so.
func (c *Controller) Outbox(ctx context.Context, to string) ([]api.OutboxMessage, error) {
	cl, _, _, err := c.newClient()
	if err != nil {
		return nil, err
	}
	msgs, err := cl.Outbox(ctx, to)
	if err != nil {
		return nil, alertFor(err, c.now())
	}
	return msgs, nil
}

// VirtualPhone is the phone of the tester panel (app/phone's Tester adapts
// one). Its errors are sentences for people.
type VirtualPhone interface {
	// Codes are the current TOTP codes of the paired accounts.
	Codes(ctx context.Context) ([]PhoneCode, error)
	// Pushes are the app notifications waiting on the phone.
	Pushes(ctx context.Context) ([]PhonePush, error)
	// Decide approves (with the number the member typed) or denies a push.
	Decide(ctx context.Context, p PhonePush, approve bool, number string) error
	// Pair adds the account of an otpauth URI (the QR code being set up).
	Pair(ctx context.Context, otpauthURI string) error
}

// PhoneCode is one paired account's current code.
type PhoneCode struct {
	Account string
	Code    string
	Left    time.Duration // until the code changes
	Period  time.Duration
}

// PhonePush is a pending app notification.
type PhonePush struct {
	ID string
	// Account is the phone's account name; Username the member signing in.
	Account        string
	Username       string
	ConsoleVersion string
	ClientAddress  string
	ExpiresAt      time.Time
}

// NoteKind says how the tester panel shows a note.
type NoteKind string

// Kinds of notes.
const (
	NoteSuccess NoteKind = "success"
	NoteWarning NoteKind = "warning"
	NoteError   NoteKind = "error"
)

// TesterState is what the tester panel shows besides the emulated version
// (State.NextVersion): the virtual phone and the server's outbox. The
// controller refreshes it while someone watches (WatchTester).
type TesterState struct {
	// PhoneReady is true once a virtual phone is attached (AttachPhone).
	PhoneReady bool
	Codes      []PhoneCode
	// Pushes are the phone's pending notifications; answered and expired
	// ones leave within a second.
	Pushes []PhonePush
	// Deciding is the ID of the push being answered ("" when none).
	Deciding string
	// CanPair is true while the pairing QR code is on screen and the phone
	// can scan it (PairPhone); Pairing while it does.
	CanPair bool
	Pairing bool
	// PhoneNote is the phone's last message, "" when none.
	PhoneNote     string
	PhoneNoteKind NoteKind

	// Outbox is what the server "sent", newest first; OutboxRead is true
	// once it was read. NoOutbox: the server runs without --dev and keeps
	// none. OutboxError says why it could not be read.
	Outbox      []api.OutboxMessage
	OutboxRead  bool
	NoOutbox    bool
	OutboxError string

	// Seq increases with every change.
	Seq uint64
}

func (t TesterState) clone() TesterState {
	t.Codes = slices.Clone(t.Codes)
	t.Pushes = slices.Clone(t.Pushes)
	t.Outbox = slices.Clone(t.Outbox)
	return t
}

// How often the tester state is refreshed while watched: pushes often
// enough that an answered or expired one leaves within a second.
const (
	testerTick   = 400 * time.Millisecond
	codesEvery   = 1 * time.Second
	outboxEvery  = 2 * time.Second
	testerIOWait = 5 * time.Second
)

// PairPhone has the virtual phone scan the pairing QR code on screen.
type PairPhone struct{}

// DecidePush approves (with the number shown in the console) or denies a
// push on the virtual phone.
type DecidePush struct {
	ID      string
	Approve bool
	Number  string
}

// RefreshTester reads the phone and the outbox again now.
type RefreshTester struct{}

func (PairPhone) event()     {}
func (DecidePush) event()    {}
func (RefreshTester) event() {}

// tester owns the tester state; its lock comes after Controller.mu.
type tester struct {
	mu      sync.Mutex
	st      TesterState
	phone   VirtualPhone
	subs    map[int]func(TesterState)
	nextSub int
	stop    context.CancelFunc
	polled  map[string]time.Time
	// deliverMu keeps deliveries in order.
	deliverMu sync.Mutex
}

func (c *Controller) testerOf() *tester {
	c.testerOnce.Do(func() { c.tst = &tester{subs: map[int]func(TesterState){}, polled: map[string]time.Time{}} })
	return c.tst
}

// AttachPhone gives the tester panel its virtual phone (it may open after
// the controller).
func (c *Controller) AttachPhone(p VirtualPhone) {
	t := c.testerOf()
	t.mu.Lock()
	t.phone, t.st.PhoneReady = p, p != nil
	t.mu.Unlock()
	c.testerChanged(func(*TesterState) {})
	c.RefreshTester()
}

// TesterState returns the current tester state.
func (c *Controller) TesterState() TesterState {
	t := c.testerOf()
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.st.clone()
}

// WatchTester calls fn with the tester state now and at every change, and
// keeps it fresh (codes, pushes, outbox) while anyone watches; the returned
// func stops watching. fn runs on a controller goroutine: wrap UI work.
func (c *Controller) WatchTester(fn func(TesterState)) (stop func()) {
	t := c.testerOf()
	t.mu.Lock()
	id := t.nextSub
	t.nextSub++
	t.subs[id] = fn
	if t.stop == nil {
		ctx, cancel := context.WithCancel(c.base)
		t.stop = cancel
		go c.pollTester(ctx)
	}
	t.mu.Unlock()
	c.testerChanged(func(*TesterState) {})
	var once sync.Once
	return func() {
		once.Do(func() {
			t.mu.Lock()
			delete(t.subs, id)
			if len(t.subs) == 0 && t.stop != nil {
				t.stop()
				t.stop = nil
			}
			t.mu.Unlock()
		})
	}
}

// testerChanged applies fn to the tester state and hands the result to the
// watchers, in order.
func (c *Controller) testerChanged(fn func(*TesterState)) {
	t := c.testerOf()
	t.deliverMu.Lock()
	defer t.deliverMu.Unlock()
	t.mu.Lock()
	fn(&t.st)
	t.st.Seq++
	s := t.st.clone()
	subs := make([]func(TesterState), 0, len(t.subs))
	for _, id := range slices.Sorted(maps.Keys(t.subs)) {
		subs = append(subs, t.subs[id])
	}
	t.mu.Unlock()
	for _, f := range subs {
		f(s)
	}
}

// canPair: the pairing QR code is on screen and nothing is in flight.
func canPair(s State) bool {
	return s.Step == StepSetup && s.Setup != nil && s.Setup.Pairing != nil && !s.Busy
}

// followMain keeps CanPair in step with the console's state (called with
// c.mu held: the tester's lock comes after it).
func (c *Controller) followMain(s State) {
	t := c.testerOf()
	t.mu.Lock()
	ok := canPair(s) && t.phone != nil
	changed := ok != t.st.CanPair
	t.mu.Unlock()
	if changed {
		go c.testerChanged(func(ts *TesterState) { ts.CanPair = canPair(c.State()) && ts.PhoneReady })
	}
}

// pollTester refreshes what is due until ctx ends (nobody watches).
func (c *Controller) pollTester(ctx context.Context) {
	tick := time.NewTicker(testerTick)
	defer tick.Stop()
	c.refreshDue(ctx, true)
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			c.refreshDue(ctx, false)
		}
	}
}

func (c *Controller) refreshDue(ctx context.Context, all bool) {
	t := c.testerOf()
	due := func(what string, every time.Duration) bool {
		t.mu.Lock()
		defer t.mu.Unlock()
		if !all && time.Since(t.polled[what]) < every {
			return false
		}
		t.polled[what] = time.Now()
		return true
	}
	c.refreshPushes(ctx)
	if due("codes", codesEvery) {
		c.refreshCodes(ctx)
	}
	if due("outbox", outboxEvery) {
		c.refreshOutbox(ctx)
	}
}

// RefreshTester reads the phone and the outbox again now.
func (c *Controller) RefreshTester() {
	go func() {
		ctx, cancel := context.WithTimeout(c.base, testerIOWait)
		defer cancel()
		c.refreshDue(ctx, true)
	}()
}

func (c *Controller) phone() VirtualPhone {
	t := c.testerOf()
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.phone
}

func (c *Controller) refreshCodes(ctx context.Context) {
	ph := c.phone()
	if ph == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, testerIOWait)
	defer cancel()
	codes, err := ph.Codes(ctx)
	if ctx.Err() != nil {
		return
	}
	c.testerChanged(func(ts *TesterState) {
		ts.Codes = codes
		if err != nil && len(codes) == 0 {
			ts.PhoneNote, ts.PhoneNoteKind = err.Error(), NoteWarning
		}
	})
}

func (c *Controller) refreshPushes(ctx context.Context) {
	ph := c.phone()
	if ph == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, testerIOWait)
	defer cancel()
	pushes, err := ph.Pushes(ctx)
	if ctx.Err() != nil {
		return
	}
	now := c.now()
	pushes = slices.DeleteFunc(pushes, func(p PhonePush) bool { return !p.ExpiresAt.IsZero() && !now.Before(p.ExpiresAt) })
	c.testerChanged(func(ts *TesterState) {
		if err != nil {
			ts.PhoneNote, ts.PhoneNoteKind = err.Error(), NoteWarning
			if len(pushes) == 0 {
				return
			}
		}
		ts.Pushes = pushes
	})
}

func (c *Controller) refreshOutbox(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, testerIOWait)
	defer cancel()
	cl, _, _, err := c.newClient()
	var msgs []api.OutboxMessage
	if err == nil {
		msgs, err = cl.Outbox(ctx, "")
	}
	if ctx.Err() != nil {
		return
	}
	c.testerChanged(func(ts *TesterState) {
		ts.NoOutbox, ts.OutboxError = client.IsCode(err, api.CodeNotFound), ""
		switch {
		case ts.NoOutbox:
		case err != nil:
			ts.OutboxError = alertFor(err, c.now()).Message
		default:
			ts.Outbox, ts.OutboxRead = msgs, true
		}
	})
}

// PairPhone has the virtual phone scan the pairing QR code on screen (and
// register for app notifications, as the mobile app does).
func (c *Controller) PairPhone() {
	c.mu.Lock()
	uri := ""
	if canPair(c.st) {
		uri = c.st.Setup.Pairing.OTPAuthURI
	}
	c.mu.Unlock()
	ph := c.phone()
	if uri == "" || ph == nil {
		return
	}
	c.testerChanged(func(ts *TesterState) { ts.Pairing, ts.CanPair = true, false })
	go func() {
		ctx, cancel := context.WithTimeout(c.base, 10*time.Second)
		defer cancel()
		err := ph.Pair(ctx, uri)
		c.testerChanged(func(ts *TesterState) {
			ts.Pairing, ts.CanPair = false, canPair(c.State())
			ts.PhoneNote, ts.PhoneNoteKind = "Paired. Type the new code shown under Codes.", NoteSuccess
			if err != nil {
				ts.PhoneNote, ts.PhoneNoteKind = err.Error(), NoteError
			}
		})
		c.refreshCodes(ctx)
	}()
}

// DecidePush approves (with the two-digit number shown in the console) or
// denies a pending push; it leaves the list as soon as the phone answered.
func (c *Controller) DecidePush(id string, approve bool, number string) {
	ph := c.phone()
	st := c.TesterState()
	i := slices.IndexFunc(st.Pushes, func(p PhonePush) bool { return p.ID == id })
	if ph == nil || i < 0 || st.Deciding != "" {
		return
	}
	if approve && len(api.NormalizeCode(number)) != 2 {
		c.testerChanged(func(ts *TesterState) {
			ts.PhoneNote, ts.PhoneNoteKind = "Type the two-digit number shown in the console.", NoteError
		})
		return
	}
	p := st.Pushes[i]
	c.testerChanged(func(ts *TesterState) { ts.Deciding = id })
	go func() {
		ctx, cancel := context.WithTimeout(c.base, 10*time.Second)
		defer cancel()
		err := ph.Decide(ctx, p, approve, api.NormalizeCode(number))
		c.testerChanged(func(ts *TesterState) {
			ts.Deciding, ts.PhoneNote = "", ""
			if err != nil {
				ts.PhoneNote, ts.PhoneNoteKind = err.Error(), NoteError
				return
			}
			ts.Pushes = slices.DeleteFunc(ts.Pushes, func(q PhonePush) bool { return q.ID == id })
		})
		c.refreshPushes(ctx)
	}()
}

// dispatchTester performs the tester panel's events; false for others.
func (c *Controller) dispatchTester(ev Event) bool {
	switch e := ev.(type) {
	case PairPhone:
		c.PairPhone()
	case DecidePush:
		c.DecidePush(e.ID, e.Approve, e.Number)
	case RefreshTester:
		c.RefreshTester()
	default:
		return false
	}
	return true
}
