package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/app/phone"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/internal/desktop"
	"github.com/remotesupport/techconsole/screens"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/store/sqlite"
)

// backend is what runs behind the window: the embedded server (unless
// --server), the controller and the virtual phone it is given.
type backend struct {
	prefs     *app.Preferences
	log       *slog.Logger
	embedded  bool
	serverURL string
	dataDir   string
	// adminPassword opens the embedded server's Admin Center; "" keeps it
	// closed (a random password nobody sees).
	adminPassword string
	// clientOpts go to every client (a private CA's roots).
	clientOpts []client.Option
	// adminOut is told where the Admin Center is (stderr; a buffer in tests).
	adminOut io.Writer
	console  *screens.Console

	mu     sync.Mutex
	local  string // the embedded server's URL
	ctl    *app.Controller
	srv    *server.Server
	stop   context.CancelFunc
	served chan error
	closed bool
	// startedAt is when the controller was attached to the window; signedIn
	// (nil: not watched) is told when the first sign-in is through (start-up
	// measurement).
	startedAt time.Time
	signedIn  chan time.Time
}

// dataFolder is where the embedded server keeps its SQLite file and the
// virtual phone its accounts: --data-dir, else the user's data folder.
func dataFolder(override string) (string, error) {
	if override != "" {
		return override, nil
	}
	dir, err := desktop.DataDir()
	if err != nil {
		return "", fmt.Errorf("no folder for the console's data: %w", err)
	}
	return dir, nil
}

// serverStart is how starting the embedded server went.
type serverStart struct {
	url string
	err error
}

// startServerAsync starts the embedded server, when there is one, on a
// goroutine of its own, so that it starts while Fyne opens the window.
func (b *backend) startServerAsync() <-chan serverStart {
	up := make(chan serverStart, 1)
	if !b.embedded {
		up <- serverStart{}
		return up
	}
	go func() {
		url, err := b.startServer()
		up <- serverStart{url, err}
	}()
	return up
}

// start waits for the embedded server (when there is one), makes the
// controller and hands it to the window.
func (b *backend) start(up <-chan serverStart) error {
	url := b.serverURL
	if b.embedded {
		r := <-up
		if r.err != nil {
			fyne.Do(func() { b.console.StartFailed("The embedded server did not start: " + r.err.Error()) })
			return r.err
		}
		url = r.url
	} else if url == "" {
		url = b.prefs.ServerURL()
	}
	ctl, err := app.NewController(app.Config{
		ServerURL: url,
		Prefs:     b.prefs,
		Keychain:  app.OSKeychain{},
		Logger:    b.log,

		ClientOptions: b.clientOpts,
	})
	if err != nil {
		fyne.Do(func() { b.console.StartFailed("Cannot talk to the server: " + err.Error()) })
		return fmt.Errorf("controller: %w", err)
	}
	b.mu.Lock()
	b.ctl = ctl
	b.mu.Unlock()
	if b.embedded {
		ctl.Subscribe(releaseHashMemory(b.srv))
	}
	if b.signedIn != nil {
		ctl.Subscribe(firstSignIn(b.signedIn))
	}
	fyne.Do(func() {
		typed := b.console.SignInWaiting() // the user's sign-in wins over a remembered session
		ctl.Subscribe(b.console.Update)
		b.console.Start(ctl)
		b.mu.Lock()
		b.startedAt = time.Now()
		b.mu.Unlock()
		if b.prefs.KeepSignedIn() && !typed {
			ctl.Dispatch(app.Resume{})
		}
	})
	{
		// after sign-in is enabled: pairing the phone talks to the keychain
		ph, err := b.openPhone(url)
		if err != nil {
			b.log.Warn("virtual phone unavailable", "err", err)
		}
		if ph != nil {
			ctl.AttachPhone(phone.ForTester(ph))
		}
	}
	return nil
}

func (b *backend) startServer() (string, error) {
	dir, err := dataFolder(b.dataDir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	ln, err := listenStable(dir, b.log)
	if err != nil {
		return "", err
	}
	url := "http://" + ln.Addr().String()
	adminPassword, closes, err := embeddedAdminPassword(dir, b.adminPassword)
	if err != nil {
		ln.Close()
		return "", err
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := server.Open(ctx, server.Config{
		Engine:        sqlite.Engine{}, // the console's own server keeps a file
		DBPath:        filepath.Join(dir, dbFile),
		Dev:           true,
		Demo:          true,
		AdminPassword: adminPassword,
		Logger:        slog.New(atLeast{b.log.Handler(), slog.LevelWarn}),
		PublicURL:     url,
	})
	if err != nil {
		cancel()
		ln.Close()
		return "", fmt.Errorf("open server: %w", err)
	}
	if closes {
		if err := os.WriteFile(filepath.Join(dir, adminClosedFile), nil, 0o600); err != nil {
			b.log.Warn("the embedded Admin Center's random password is set again at the next start", "err", err)
		}
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	b.mu.Lock()
	b.srv, b.stop, b.served, b.local = srv, cancel, served, url
	b.mu.Unlock()
	if b.adminPassword != "" && b.adminOut != nil {
		// where, never the password: it is the one the tester chose
		fmt.Fprintf(b.adminOut, "Admin Center: %s/admin/ (user admin, the password given with --admin-password)\n", url)
	}
	return url, nil
}

// dbFile is the embedded server's database in the data folder.
const dbFile = "auth.db"

// adminClosedFile says that the embedded server's master administrator has a
// random password nobody was shown, set by an earlier start without
// --admin-password; a start with one removes it first.
const adminClosedFile = "admin-closed"

// embeddedAdminPassword is the master administrator's password for this
// start: the one given; else a new random one (the Admin Center closed), and
// closes is true; else "" (keep the stored one) when an earlier start already
// closed it. Setting a random password costs two argon2id hashes (check the
// old, hash the new) and 38 MiB of scratch memory on the way to the sign-in
// form, for nothing when the stored one is already random.
func embeddedAdminPassword(dir, given string) (password string, closes bool, err error) {
	marker := filepath.Join(dir, adminClosedFile)
	if given != "" {
		if err := os.Remove(marker); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", false, fmt.Errorf("open the Admin Center: %w", err)
		}
		return given, false, nil
	}
	if _, err := os.Stat(marker); err == nil {
		if fi, err := os.Stat(filepath.Join(dir, dbFile)); err == nil && fi.Size() > 0 {
			return "", false, nil
		}
	}
	return rand.Text(), true, nil
}

// addressFile keeps the embedded server's address in its data folder, so that
// the next start listens on the same port: the Admin Center link and the
// phone's pairings stay valid across restarts.
const addressFile = "embedded-address"

// listenStable listens on the address of the last start, or on a new port on
// 127.0.0.1 when there was none or it is taken now (and remembers that one).
func listenStable(dir string, log *slog.Logger) (net.Listener, error) {
	path := filepath.Join(dir, addressFile)
	if b, err := os.ReadFile(path); err == nil {
		if host, _, err := net.SplitHostPort(string(b)); err == nil && host == "127.0.0.1" {
			ln, err := net.Listen("tcp", string(b))
			if err == nil {
				return ln, nil
			}
			log.Warn("the embedded server's usual port is taken; it listens on a new one (phone pairings move with it)", "err", err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	if err := os.WriteFile(path, []byte(ln.Addr().String()), 0o600); err != nil {
		log.Warn("the embedded server's port is not remembered", "err", err)
	}
	return ln, nil
}

// releaseHashMemory returns the embedded server's password-hashing scratch
// memory (argon2id, 19 MiB per hash, which the server keeps for the next
// hash) to the OS once a sign-in or password change is over, instead of
// leaving it to the background scavenger: a desktop app should not sit on it.
func releaseHashMemory(srv *server.Server) func(app.State) {
	var last app.Step
	return func(s app.State) {
		if s.Step != last && (s.Step == app.StepSignedIn || s.Step == app.StepChallenge || s.Step == app.StepSetup) {
			go func() {
				srv.ReleaseHashMemory()
				debug.FreeOSMemory()
			}()
		}
		last = s.Step
	}
}

// openPhone opens the virtual phone and pairs it with the demo accounts, as
// the demo technicians' phones would be (alice's with her push device).
// Secrets go to the OS keychain; without one the phone keeps them in memory.
func (b *backend) openPhone(serverURL string) (*phone.Phone, error) {
	path := phone.DefaultPath() // the same phone as cmd/authenticator
	if b.dataDir != "" {
		path = filepath.Join(b.dataDir, "phone.json") // the default data folder's is DefaultPath
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var kc app.Keychain = app.OSKeychain{}
	if err := kc.Set(ctx, phone.KeychainService, "probe", "ok"); err != nil {
		b.log.Warn("no OS keychain: the virtual phone keeps its secrets in memory", "err", err)
		kc = &app.MemoryKeychain{}
	} else {
		_ = kc.Delete(ctx, phone.KeychainService, "probe")
	}
	ph, err := phone.Open(path, kc, phone.WithClientOptions(b.clientOpts...))
	if err != nil {
		return nil, fmt.Errorf("open the virtual phone: %w", err)
	}
	// Accounts paired with this server (during setup, say) follow it when it
	// answers at another address than at pairing.
	if id := b.serverID(ctx, serverURL); id != "" {
		moved, err := ph.Follow(id, serverURL)
		if err != nil {
			b.log.Warn("the virtual phone did not follow the server", "err", err)
		} else if len(moved) > 0 {
			b.log.Info("the virtual phone follows the server to its new address", "accounts", len(moved), "url", serverURL)
		}
	}
	if !b.embedded {
		return ph, nil // pair accounts with the QR code on screen or cmd/authenticator
	}
	for _, d := range b.demoAccounts() {
		if err := b.pairDemo(ctx, ph, d, serverURL); err != nil {
			return ph, fmt.Errorf("pair %s: %w", d.Username, err)
		}
	}
	return ph, nil
}

// serverID is the stable id of the server at url ("" when it reports none).
func (b *backend) serverID(ctx context.Context, url string) string {
	b.mu.Lock()
	srv := b.srv
	b.mu.Unlock()
	if srv != nil {
		return srv.ID()
	}
	cl, err := client.New(url, b.clientOpts...)
	if err != nil {
		return ""
	}
	info, err := cl.ServerInfo(ctx)
	if err != nil {
		return ""
	}
	return info.ID
}

// demoAccounts is the embedded server's demo organisation: with the demo
// phone's device token when this start seeded it (a new database), without
// it otherwise (it was stored only hashed).
func (b *backend) demoAccounts() []server.DemoAccount {
	b.mu.Lock()
	srv := b.srv
	b.mu.Unlock()
	if srv != nil {
		if seeded := srv.SeededDemo(); seeded != nil {
			return seeded
		}
	}
	return server.DemoAccounts()
}

// pairDemo puts one demo account on the virtual phone: with the device token
// that seeding made, or, on a database seeded before, keeping the device the
// phone already holds (the embedded server listens on a new port each start).
func (b *backend) pairDemo(ctx context.Context, ph *phone.Phone, d server.DemoAccount, serverURL string) error {
	if d.OTPAuthURI == "" {
		return nil
	}
	if d.DeviceToken != "" {
		_, err := ph.AddDevice(ctx, d.OTPAuthURI, serverURL, d.DeviceToken)
		return err
	}
	if a, err := ph.Find(d.Username); err == nil && a.Push() {
		err := ph.MoveDevice(ctx, a.Name, serverURL)
		if err == nil {
			return nil
		}
		b.log.Warn("the demo phone lost its push device; it shows codes only (remove the data folder to seed the demo again)", "account", d.Username, "err", err)
	}
	_, err := ph.Pair(ctx, d.OTPAuthURI)
	return err
}

func (b *backend) close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	ctl, srv, stop, served := b.ctl, b.srv, b.stop, b.served
	b.mu.Unlock()
	if ctl != nil {
		ctl.Close()
	}
	if stop != nil {
		stop()
		select {
		case <-served:
		case <-time.After(3 * time.Second):
		}
		srv.Close()
	}
}

func (b *backend) controller() *app.Controller {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ctl
}

// chooseServer is File > Server…: addr "" is the built-in demo organisation.
// The choice is remembered (the next start honours it unless --server is
// given) and applies at the next sign-in.
func (b *backend) chooseServer(addr string) (string, error) {
	ctl := b.controller()
	if ctl == nil {
		return "", errors.New("the console is still starting: try again in a moment")
	}
	if addr != "" {
		if _, err := app.CheckServerURL(addr); err != nil {
			return "", err
		}
		ctl.Dispatch(app.SetServer{URL: addr}) // remembered
		return "", nil
	}
	b.mu.Lock()
	local := b.local
	b.mu.Unlock()
	if local == "" {
		b.prefs.SetServerURL("")
		return "The built-in demo organisation starts with the console: quit and start it again to use it.", nil
	}
	ctl.Dispatch(app.SetServer{URL: local})
	b.prefs.SetServerURL("") // "built-in", not this start's address
	return "", nil
}

// atLeast passes on records of level min and above: the embedded server logs
// every request and audit event at Info, which a desktop app's log need not
// hold (a standalone authserver keeps them).
type atLeast struct {
	slog.Handler
	min slog.Level
}

func (h atLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h atLeast) WithAttrs(attrs []slog.Attr) slog.Handler {
	return atLeast{h.Handler.WithAttrs(attrs), h.min}
}

func (h atLeast) WithGroup(name string) slog.Handler {
	return atLeast{h.Handler.WithGroup(name), h.min}
}
