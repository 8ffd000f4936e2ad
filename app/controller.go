package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/client"
)

// Config sets a Controller up.
type Config struct {
	// ServerURL is the server to talk to (overridden by SetServer).
	ServerURL string
	// Version is the emulated console version; the zero value means the
	// version remembered in Prefs, else client.DefaultVersion.
	Version api.ConsoleVersion
	// Prefs remembers server, username, version and "Keep me signed in"
	// (nil: in memory only).
	Prefs *Preferences
	// Keychain keeps refresh tokens (nil: "Keep me signed in" is unavailable).
	Keychain Keychain
	// Logger gets what happens, never a secret (nil: discarded).
	Logger *slog.Logger
	// ClientOptions are passed to every client.New (timeouts, HTTP client).
	ClientOptions []client.Option
	// LongPollWait is how long one push long-poll waits (default client.DefaultWait).
	LongPollWait time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Controller is the console's sign-in state machine. All methods are safe to
// call from any goroutine, return at once and report through subscribers.
type Controller struct {
	cfg     Config
	log     *slog.Logger
	secrets *Secrets
	prefs   *Preferences
	now     func() time.Time

	base     context.Context
	stopBase context.CancelFunc

	mu       sync.Mutex
	st       State
	server   string
	version  api.ConsoleVersion
	gen      uint64
	cancelOp context.CancelFunc
	opDone   chan struct{}
	closed   bool
	sess     session
	// submitted names the code being checked, or checked and accepted
	// (see claimCode).
	submitted string
	// serverKeys caches serverKey by server URL.
	serverKeys map[string]string

	// tst is the tester panel's state (testerOf).
	testerOnce sync.Once
	tst        *tester

	subMu   sync.Mutex
	subs    map[int]func(State)
	nextSub int
	queue   []delivery
	wake    chan struct{}
	stopped chan struct{}
}

// session is what the controller keeps of a sign-in, never in State.
type session struct {
	cl *client.Client
	// mfaToken is the mfa_token of mfa_required or mfa_setup_required.
	mfaToken string
	// setupBearer is the token setup calls use (mfa_token or access token).
	setupBearer string
	primary     api.Method
	enrolled    []api.Method
	purpose     api.Purpose
	challengeID string
	// backupFactorID is the SMS/email factor waiting for its code.
	backupFactorID string
	tokens         *api.Tokens
	user           *api.User
	keep           bool
	// pwCurrent/pwNew are held in memory only while a step-up runs.
	pwCurrent, pwNew string
	// afterStepUp is the factor change waiting for a manage_two_step step-up.
	afterStepUp setupCall
}

// NewController makes a controller; call Close when done.
func NewController(cfg Config) (*Controller, error) {
	if cfg.Prefs == nil {
		cfg.Prefs = NewPreferences(nil)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.LongPollWait <= 0 {
		cfg.LongPollWait = client.DefaultWait
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	server := cfg.ServerURL
	if server == "" {
		server = cfg.Prefs.ServerURL()
	}
	if server == "" {
		return nil, errors.New("no server URL")
	}
	server, err := CheckServerURL(server)
	if err != nil {
		return nil, err
	}
	version := cfg.Version
	if version == (api.ConsoleVersion{}) {
		if v, ok := cfg.Prefs.Version(); ok {
			version = v
		} else {
			version = client.DefaultVersion
		}
	}
	c := &Controller{
		cfg: cfg, log: cfg.Logger, prefs: cfg.Prefs, now: cfg.Now,
		server: server, version: version,
		subs: map[int]func(State){}, wake: make(chan struct{}, 1), stopped: make(chan struct{}),
	}
	if cfg.Keychain != nil {
		c.secrets = NewSecrets(cfg.Keychain)
	}
	c.base, c.stopBase = context.WithCancel(context.Background())
	c.st = State{
		Step: StepSignedOut, Server: server, Version: version, Caps: CapabilitiesOf(version),
		Username: cfg.Prefs.LastUsername(), KeepSignedIn: cfg.Prefs.KeepSignedIn(), NextVersion: version,
	}
	go c.deliver()
	return c, nil
}

// State returns the current state.
func (c *Controller) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.st.clone()
}

// Subscribe calls fn with the current state and then with every change, in
// order, on the controller's delivery goroutine. The returned func unsubscribes.
func (c *Controller) Subscribe(fn func(State)) (unsubscribe func()) {
	// Lock order: mu, then subMu (as publishLocked), so that the first state
	// the subscriber gets is never older than the next one queued.
	c.mu.Lock()
	c.subMu.Lock()
	id := c.nextSub
	c.nextSub++
	c.subs[id] = fn
	c.queue = append(c.queue, delivery{state: c.st.clone(), only: id, one: true})
	c.subMu.Unlock()
	c.mu.Unlock()
	c.kick()
	return func() {
		c.subMu.Lock()
		delete(c.subs, id)
		c.subMu.Unlock()
	}
}

// Close cancels whatever runs and stops delivering states.
func (c *Controller) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	done := c.opDone
	c.mu.Unlock()
	c.stopBase()
	if done != nil {
		<-done
	}
	close(c.stopped)
}

// Wait blocks until the action running now (and those before it) has finished
// or ctx ends. A push challenge's action finishes when the phone answers.
func (c *Controller) Wait(ctx context.Context) error {
	c.mu.Lock()
	done := c.opDone
	c.mu.Unlock()
	if done == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// SetVersion changes the emulated console version. It is remembered and takes
// effect at the next sign-in (at once when signed out).
func (c *Controller) SetVersion(v api.ConsoleVersion) {
	c.prefs.SetVersion(v)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.version = v
	if c.st.Step == StepSignedOut && !c.st.Busy {
		c.st.Version, c.st.Caps = v, CapabilitiesOf(v)
	}
	c.publishLocked()
}

// SetServer changes the server URL (remembered; takes effect at the next
// sign-in). A refused address changes nothing and shows an Alert when signed
// out (CheckServerURL gives the same answer at once).
func (c *Controller) SetServer(raw string) {
	u, err := CheckServerURL(raw)
	if err == nil {
		c.prefs.SetServerURL(u)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.st.Step != StepSignedOut || c.st.Busy {
		if err == nil {
			c.server = u
		}
		return
	}
	if err != nil {
		c.st.Alert = localAlert(AlertError, err.Error())
	} else {
		c.server, c.st.Server, c.st.Alert = u, u, nil
	}
	c.publishLocked()
}

// Dispatch performs an event; it is the same as calling the method of the same name.
func (c *Controller) Dispatch(ev Event) {
	switch e := ev.(type) {
	case Login:
		c.Login(e.Username, e.Password, e.KeepSignedIn)
	case ChooseMethod:
		c.ChooseMethod(e.Method)
	case SubmitCode:
		c.SubmitCode(e.Code)
	case Resend:
		c.Resend()
	case Cancel:
		c.Cancel()
	case StartPairing:
		c.StartPairing()
	case ConfirmAuthenticator:
		c.ConfirmAuthenticator(e.Code)
	case StartBackup:
		c.StartBackup(e.Method, e.Destination)
	case ConfirmBackup:
		c.ConfirmBackup(e.Code)
	case EditBackup:
		c.EditBackup()
	case SendBackupCode:
		c.SendBackupCode()
	case Activate:
		c.Activate()
	case OpenChangePassword:
		c.OpenChangePassword()
	case ChangePassword:
		c.ChangePassword(e.Current, e.New)
	case Resume:
		c.Resume()
	case SignOut:
		c.SignOut()
	case SetVersion:
		c.SetVersion(e.Version)
	case SetServer:
		c.SetServer(e.URL)
	default:
		if c.dispatchTwoStep(ev) || c.dispatchTester(ev) {
			return
		}
		c.log.Warn("unknown event", "type", fmt.Sprintf("%T", ev))
	}
}

// op is one running action.
type op struct {
	c   *Controller
	gen uint64
	ctx context.Context
}

// start cancels the running action and runs fn after it on a new goroutine.
// busy, when set, marks the state busy at once.
func (c *Controller) start(busy string, fn func(o *op)) { c.startOp(true, busy, fn) }

// startIfNotWaiting is start for actions that must not end a push that is
// waiting for the phone (a stray SubmitCode or Resend is ignored then).
func (c *Controller) startIfNotWaiting(busy string, fn func(o *op)) { c.startOp(false, busy, fn) }

func (c *Controller) startOp(interrupt bool, busy string, fn func(o *op)) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	if !interrupt && c.st.Step == StepChallenge && c.st.Challenge != nil && c.st.Challenge.Waiting {
		c.mu.Unlock()
		c.log.Debug("action ignored while a push waits for the phone")
		return
	}
	if c.cancelOp != nil {
		c.cancelOp()
	}
	c.gen++
	ctx, cancel := context.WithCancel(c.base)
	o := &op{c: c, gen: c.gen, ctx: ctx}
	prev := c.opDone
	done := make(chan struct{})
	c.cancelOp, c.opDone = cancel, done
	if busy != "" {
		c.st.Busy, c.st.Activity, c.st.Notice = true, busy, ""
		c.publishLocked()
	}
	c.mu.Unlock()
	go func() {
		defer close(done)
		defer cancel()
		if prev != nil {
			<-prev
		}
		if ctx.Err() != nil {
			return
		}
		fn(o)
	}()
}

// update applies fn to the state and the session if o is still the current
// action; busy ends unless fn sets it again. It reports whether it applied.
func (o *op) update(fn func(s *State, ss *session)) bool {
	c := o.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if o.gen != c.gen || c.closed {
		return false
	}
	c.st.Busy, c.st.Activity = false, ""
	fn(&c.st, &c.sess)
	c.publishLocked()
	return true
}

// busy marks the state busy with an activity, if o is current.
func (o *op) busy(activity string) {
	o.update(func(s *State, _ *session) { s.Busy, s.Activity = true, activity })
}

// session returns a copy of the session (safe: actions run one at a time).
func (o *op) session() session {
	o.c.mu.Lock()
	defer o.c.mu.Unlock()
	return o.c.sess
}

func (c *Controller) publishLocked() {
	c.st.Seq++
	c.st.NextVersion = c.version
	s := c.st.clone()
	c.followMain(s)
	c.subMu.Lock()
	c.queue = append(c.queue, delivery{state: s})
	c.subMu.Unlock()
	c.kick()
	c.log.Debug("state", "state", s)
}

// delivery is one state for every subscriber, or for one new subscriber.
type delivery struct {
	state State
	only  int
	one   bool
}

func (c *Controller) kick() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *Controller) deliver() {
	for {
		select {
		case <-c.stopped:
			return
		case <-c.wake:
		}
		for {
			c.subMu.Lock()
			if len(c.queue) == 0 {
				c.subMu.Unlock()
				break
			}
			d := c.queue[0]
			c.queue = c.queue[1:]
			subs := make([]func(State), 0, len(c.subs))
			ids := make([]int, 0, len(c.subs))
			for id := range c.subs {
				if !d.one || id == d.only {
					ids = append(ids, id)
				}
			}
			slices.Sort(ids)
			for _, id := range ids {
				subs = append(subs, c.subs[id])
			}
			c.subMu.Unlock()
			for _, fn := range subs {
				fn(d.state)
			}
		}
	}
}

// newClient makes a client for the current server and version.
func (c *Controller) newClient() (*client.Client, api.ConsoleVersion, string, error) {
	c.mu.Lock()
	server, version := c.server, c.version
	c.mu.Unlock()
	opts := append([]client.Option{client.WithVersion(version), client.WithLogger(c.log)}, c.cfg.ClientOptions...)
	cl, err := client.New(server, opts...)
	return cl, version, server, err
}
