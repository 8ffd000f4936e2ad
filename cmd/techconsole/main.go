// Command techconsole is the Technician Console desktop app.
//
// Without --server it runs the reference auth server in-process on
// 127.0.0.1 (demo organisation, dev outbox, SQLite in the user's data
// folder); with --server URL it talks to a standalone authserver.
package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/assets"
	"github.com/remotesupport/techconsole/client"
	_ "github.com/remotesupport/techconsole/cmd/techconsole/internal/quietlocale" // before Fyne reads the locale
	"github.com/remotesupport/techconsole/internal/buildinfo"
	"github.com/remotesupport/techconsole/internal/desktop"
	"github.com/remotesupport/techconsole/screens"
	"github.com/remotesupport/techconsole/server"
)

const appID = "com.remotesupport.techconsole"

type flags struct {
	server         string
	caFile         string
	version        string
	dataDir        string
	adminPassword  string
	script         string
	shotsDir       string
	measureStartup bool
	emptyWindow    bool
	showVersion    bool
}

func parseFlags() flags {
	var f flags
	flag.StringVar(&f.server, "server", "", "URL of a standalone authserver (default: run the reference server in-process)")
	flag.StringVar(&f.caFile, "ca-file", "", "PEM file of a private certificate authority to trust for https:// servers, besides the system's")
	flag.StringVar(&f.version, "console-version", "", "emulated console version major.minor.build (default: the remembered one, else "+client.DefaultVersion.String()+")")
	flag.StringVar(&f.dataDir, "data-dir", "", "folder of the embedded server's database, the virtual phone and the one-console lock (default: the user's data folder + techconsole, ~/.local/share/techconsole)")
	flag.StringVar(&f.adminPassword, "admin-password", os.Getenv("AUTHSERVER_ADMIN_PASSWORD"),
		"embedded server only: password of the master administrator \"admin\", to use the Admin Center at /admin (default $AUTHSERVER_ADMIN_PASSWORD; unset: random, never shown)")
	flag.StringVar(&f.script, "script", "", "drive the window through a script and exit: screenshots")
	flag.StringVar(&f.shotsDir, "screenshots-dir", "build/screenshots", "where --script screenshots writes its PNGs")
	flag.BoolVar(&f.measureStartup, "measure-startup", false, "print the time to the first drawn sign-in window and the memory after sign-in as JSON, then exit")
	flag.BoolVar(&f.emptyWindow, "empty-window", false, "with --measure-startup: measure an empty Fyne window instead (the benchmark's baseline)")
	flag.BoolVar(&f.showVersion, "version", false, "print the build's version and exit")
	flag.Parse()
	return f
}

func main() {
	start := time.Now()
	f := parseFlags()
	if f.showVersion {
		fmt.Println(buildinfo.Read().String("techconsole"))
		return
	}
	if err := startConsole(f, start); err != nil {
		fmt.Fprintln(os.Stderr, "techconsole:", err)
		os.Exit(1)
	}
}

// startConsole takes the data folder's lock (one console per user), opens
// the log, moves an older console's data to the data folder and runs the
// window.
func startConsole(f flags, start time.Time) error {
	if f.measureStartup && f.emptyWindow {
		// no console at all: the benchmark's baseline runs beside one
		return run(f, start, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	}
	if f.script != "" && f.dataDir == "" {
		// a script starts from the documented demo organisation every time
		dir, err := os.MkdirTemp("", "techconsole-script-")
		if err != nil {
			return fmt.Errorf("script data folder: %w", err)
		}
		defer os.RemoveAll(dir)
		f.dataDir = dir
	}
	dir, err := dataFolder(f.dataDir)
	if err != nil {
		return err
	}
	lock, err := desktop.Lock(dir)
	if err != nil {
		return err
	}
	defer lock.Close()
	log, closeLog := openLog()
	defer closeLog()
	if f.dataDir == "" {
		desktop.MoveOldData(dir, log)
	}
	log.Info("techconsole started", "version", buildinfo.Read().String("techconsole"), "data", dir, "pid", os.Getpid())
	f.dataDir = dir
	return run(f, start, log)
}

// openLog logs to stderr and to the state folder's console.log; to stderr
// alone when that file cannot be written.
func openLog() (*slog.Logger, func()) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	dir, err := desktop.StateDir()
	var file *os.File
	if err == nil {
		file, err = desktop.OpenLog(dir)
	}
	if err != nil {
		log := slog.New(slog.NewTextHandler(os.Stderr, opts))
		log.Warn("the console logs to stderr only", "err", err)
		return log, func() {}
	}
	return slog.New(slog.NewTextHandler(io.MultiWriter(os.Stderr, file), opts)), func() { file.Close() }
}

func run(f flags, start time.Time, log *slog.Logger) error {
	a := fyneapp.NewWithID(appID)
	a.SetIcon(assets.Icon)
	if f.measureStartup && f.emptyWindow {
		return measureEmpty(a, start)
	}
	prefs := app.NewPreferences(a.Preferences())
	version, err := pickVersion(f.version, prefs)
	if err != nil {
		return err
	}
	// --server wins; else the server chosen in File > Server…, else the
	// built-in demo organisation (always for a script)
	embedded := f.server == "" && (f.script != "" || prefs.ServerURL() == "")
	b := &backend{prefs: prefs, log: log, embedded: embedded, serverURL: f.server, dataDir: f.dataDir, adminPassword: f.adminPassword, adminOut: os.Stderr}
	if f.measureStartup {
		b.signedIn = make(chan time.Time, 1)
	}
	if f.caFile != "" {
		cfg, err := app.TLSConfig(f.caFile)
		if err != nil {
			return fmt.Errorf("--ca-file: %w", err)
		}
		b.clientOpts = append(b.clientOpts, client.WithTLSConfig(cfg))
	}
	up := b.startServerAsync()
	opts := screens.Options{
		Embedded:     b.embedded,
		ServerURL:    shownServer(f.server, embedded, prefs),
		ChooseServer: b.chooseServer,
		Tester:       screens.TesterOptions{Version: version},
	}
	if b.embedded {
		for _, d := range server.DemoAccounts() {
			opts.DemoAccounts = append(opts.DemoAccounts, screens.DemoAccount{Username: d.Username, Password: d.Password, Note: d.Note})
		}
	}
	fp := newFirstPaint()
	opts.OnFirstPaint = fp.painted
	w, con := screens.NewMainWindow(a, opts)
	setWindowClass()
	b.console = con
	w.SetMaster()
	w.SetOnClosed(b.close)

	// The embedded server started before the window (on a goroutine of its
	// own); it is attached once the window's first frame is painted. The
	// form is usable at once: a sign-in pressed earlier waits for it.
	ready := make(chan error, 1)
	go func() {
		select {
		case <-fp.done:
		case <-time.After(2 * time.Second): // no paint (minimised, odd driver)
		}
		ready <- b.start(up)
	}()
	switch {
	case f.measureStartup:
		go measureConsole(a, fp, b, start, ready)
	case f.script == "screenshots":
		go runScreenshots(a, w, b, f.shotsDir, ready)
	case f.script != "":
		return fmt.Errorf("unknown --script %q (known: screenshots)", f.script)
	default:
		go func() {
			if err := <-ready; err != nil {
				log.Error("console backend", "err", err)
			}
		}()
	}
	w.ShowAndRun()
	b.close()
	return nil
}

// shownServer is the address the sign-in screen and File > Server… show:
// --server, else the remembered choice; "" for the built-in organisation.
func shownServer(flagValue string, embedded bool, prefs *app.Preferences) string {
	if flagValue != "" || embedded {
		return flagValue
	}
	return prefs.ServerURL()
}

// pickVersion is --console-version, else the remembered version, else the default.
func pickVersion(flagValue string, prefs *app.Preferences) (api.ConsoleVersion, error) {
	if flagValue != "" {
		v, err := api.ParseConsoleVersion(flagValue)
		if err != nil {
			return v, fmt.Errorf("--console-version: %w", err)
		}
		prefs.SetVersion(v)
		return v, nil
	}
	if v, ok := prefs.Version(); ok {
		return v, nil
	}
	return client.DefaultVersion, nil
}

// onUI runs fn on the UI goroutine and waits for it.
func onUI(fn func()) { fyne.DoAndWait(fn) }
