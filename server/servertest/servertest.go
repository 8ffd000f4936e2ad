// Package servertest runs a real reference auth server for tests: on
// 127.0.0.1 with a fresh SQLite file, the demo organisation and the dev
// outbox, stopped when the test ends.
package servertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/internal/pgtest"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/store/engines"
)

// AdminPassword is the master administrator's password in every Instance.
const AdminPassword = "Test-Admin-Pass-2026"

// Clock is a controllable clock for the server: it stands still until
// Advance or Set moves it.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now is the clock's time; pass it as Config.Now.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

type options struct {
	clock  *Clock
	logger *slog.Logger
	tweak  []func(*server.Config)
}

// Option changes how Start sets the server up.
type Option func(*options)

// WithClock makes the server read time from c.
func WithClock(c *Clock) Option { return func(o *options) { o.clock = c } }

// WithLogger sends the server's log to l (default: discarded).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithConfig lets a test change the configuration (for example Dev or Demo
// off) before the server opens.
func WithConfig(fn func(*server.Config)) Option {
	return func(o *options) { o.tweak = append(o.tweak, fn) }
}

// EnvEngine names the engine the tests' servers run on: "postgres" gives
// each server a fresh database on the test cluster (internal/pgtest) instead
// of a SQLite file; `make test` runs the server and attack suites both ways.
const EnvEngine = "AUTHSERVER_TEST_ENGINE"

// Postgres reports whether the tests' servers run on PostgreSQL.
func Postgres() bool { return os.Getenv(EnvEngine) == "postgres" }

// SQLiteOnly skips a test of what only the SQLite engine has (its file, its
// backups) when the suite runs on PostgreSQL; why says what.
func SQLiteOnly(t testing.TB, why string) {
	t.Helper()
	if Postgres() {
		t.Skip("SQLite engine only: " + why)
	}
}

// Instance is one running server.
type Instance struct {
	URL           string // http://127.0.0.1:port (https with Config.TLS), no trailing slash
	Server        *server.Server
	DBPath        string
	AdminPassword string
	Config        server.Config

	addr   string
	cancel context.CancelFunc
	done   chan error
	// seeded: the demo accounts with the device tokens made when the
	// database was seeded (kept across Restart, which does not seed again).
	seeded []server.DemoAccount
}

// Start opens a server on a fresh database in t.TempDir() with Demo and Dev
// on and serves it on 127.0.0.1:0 until the test ends.
func Start(t testing.TB, opts ...Option) *Instance {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	dir := t.TempDir()
	cfg := server.Config{
		DBPath:        filepath.Join(dir, "auth.db"),
		Dev:           true,
		Demo:          true,
		AdminPassword: AdminPassword,
		Logger:        o.logger,
	}
	if Postgres() {
		cfg.DBPath, cfg.KeyPath = pgtest.NewDatabase(t), filepath.Join(dir, "auth.db.key")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.clock != nil {
		cfg.Now = o.clock.Now
	}
	for _, fn := range o.tweak {
		fn(&cfg)
	}
	if cfg.Engine == nil {
		cfg.Engine = engines.For(cfg.DBPath)
	}
	i := &Instance{DBPath: cfg.DBPath, AdminPassword: cfg.AdminPassword, Config: cfg}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("servertest: listen: %v", err)
	}
	if err := i.start(ln); err != nil {
		ln.Close()
		t.Fatalf("servertest: %v", err)
	}
	t.Cleanup(i.stop)
	return i
}

func (i *Instance) start(ln net.Listener) error {
	srv, err := server.Open(context.Background(), i.Config)
	if err != nil {
		return fmt.Errorf("open server: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	i.Server, i.cancel, i.done = srv, cancel, make(chan error, 1)
	if d := srv.SeededDemo(); d != nil {
		i.seeded = d
	}
	i.addr = ln.Addr().String()
	i.URL = "http://" + i.addr
	if i.Config.TLS != nil {
		i.URL = "https://" + i.addr
	}
	go func() { i.done <- srv.Serve(ctx, ln) }()
	return nil
}

// Stop shuts the server down as SIGTERM does (long-polls answered, requests
// in flight finished) and waits until it has; the test's cleanup then has
// nothing left to do.
func (i *Instance) Stop() { i.stop() }

func (i *Instance) stop() {
	if i.cancel == nil {
		return
	}
	i.cancel()
	<-i.done
	i.Server.Close()
	i.cancel = nil
}

// Restart closes the server and opens it again on the same files, on the
// same address when it can be had again (else a new one; URL says which).
func (i *Instance) Restart(t testing.TB) {
	t.Helper()
	i.stop()
	var ln net.Listener
	var err error
	for try := 0; try < 20; try++ {
		if ln, err = net.Listen("tcp", i.addr); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatalf("servertest: listen: %v", err)
		}
	}
	if err := i.start(ln); err != nil {
		ln.Close()
		t.Fatalf("servertest: restart: %v", err)
	}
}

// Outbox returns the messages sent to a phone or email, newest first.
func (i *Instance) Outbox(t testing.TB, to string) []api.OutboxMessage {
	t.Helper()
	resp, err := http.Get(i.URL + api.PathDevOutbox + "?to=" + url.QueryEscape(to))
	if err != nil {
		t.Fatalf("servertest: outbox: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("servertest: outbox: HTTP %d", resp.StatusCode)
	}
	var msgs []api.OutboxMessage
	if err := json.NewDecoder(resp.Body).Decode(&msgs); err != nil {
		t.Fatalf("servertest: outbox: %v", err)
	}
	return msgs
}

// LastCode is the newest code sent to a phone or email, read through
// GET /dev/outbox. The test fails if nothing was sent there.
func (i *Instance) LastCode(t testing.TB, to string) string {
	t.Helper()
	msgs := i.Outbox(t, to)
	if len(msgs) == 0 {
		t.Fatalf("servertest: no message was sent to %s", to)
	}
	return msgs[0].Code
}

// ErrNoDemo is returned by Demo for a username outside the demo organisation.
var ErrNoDemo = errors.New("not a demo account")

// Demo returns the demo account with the username as this instance seeded it,
// with its device token (alice's demo push device). The test fails for a
// username outside the demo organisation.
func (i *Instance) Demo(t testing.TB, username string) server.DemoAccount {
	t.Helper()
	for _, a := range i.seeded {
		if a.Username == username {
			return a
		}
	}
	t.Fatalf("servertest: %s: %v (or this instance did not seed the demo)", username, ErrNoDemo)
	return server.DemoAccount{}
}

// Demo returns the demo account with the username, without a device token
// (those are made at seeding: see Instance.Demo).
func Demo(username string) (server.DemoAccount, error) {
	for _, a := range server.DemoAccounts() {
		if a.Username == username {
			return a, nil
		}
	}
	return server.DemoAccount{}, fmt.Errorf("%s: %w", username, ErrNoDemo)
}
