// Command authserver runs the reference auth server of the Technician Console.
//
//	authserver [flags]                      serve (authserver --help lists the flags)
//	authserver backup --to FILE [flags]     copy the database and its key, online
//	authserver rotate-key [flags]           seal the secrets under a new key (server stopped)
//	authserver migrate status|up [flags]    list or apply the database's migrations
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/internal/buildinfo"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/engines"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		stop()
		fmt.Fprintln(os.Stderr, "authserver:", err)
		os.Exit(1)
	}
}

// lookupEnv reads the environment (a variable, so tests can give their own).
var lookupEnv = os.LookupEnv

// run dispatches to a subcommand, or serves.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "backup":
			return backup(ctx, args[1:], stdout, stderr)
		case "rotate-key":
			return rotateKey(ctx, args[1:], stdout, stderr)
		case "migrate":
			return migrateCmd(ctx, args[1:], stdout)
		case "copy":
			return copyOrganisation(ctx, args[1:], stdout, stderr)
		}
	}
	return serve(ctx, args, stdout, stderr)
}

// serveOptions are the flags of the server itself.
type serveOptions struct {
	config, addr, db, key, adminPassword string
	publicURL                            string
	dev, demo, trustedProxy, verbose     bool
	migrate                              bool
	metricsAddr, tlsCert, tlsKey         string
	logFormat                            string
	shutdownTimeout                      time.Duration
	auditRetention                       time.Duration
	version                              bool
}

func serveFlags(o *serveOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("authserver", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.config, "config", "", "`FILE` of KEY=value settings (the environment names below)")
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "`ADDRESS` to listen on")
	fs.StringVar(&o.db, "db", "authserver.db", "SQLite database `FILE`, or a PostgreSQL postgres://user:password@host/database URL (created or migrated at start; prefer the environment or the config file for a URL with a password: ps shows command lines)")
	fs.StringVar(&o.key, "key", "", "server key `FILE` sealing the TOTP secrets (default: the database file + .key; required with PostgreSQL, the same file on every replica; created with mode 0600 for a new database)")
	fs.BoolVar(&o.dev, "dev", false, "developer mode: keep every SMS and email in the outbox, readable at GET /api/v1/dev/outbox")
	fs.BoolVar(&o.migrate, "migrate", true, "apply the database's pending migrations at start; with --migrate=false a database that lacks one is refused (run authserver migrate up)")
	fs.BoolVar(&o.demo, "demo", false, "seed the demo organisation when the database is empty")
	fs.StringVar(&o.adminPassword, "admin-password", "", "`PASSWORD` of the master administrator \"admin\" (random and logged once when unset on a new database); prefer the environment or the config file: ps shows command lines")
	fs.StringVar(&o.publicURL, "public-url", "", "`URL` at which phones reach this server, put in pairing QR codes (default: http:// and the listen address; never taken from a request)")
	fs.BoolVar(&o.trustedProxy, "trusted-proxy", false, "run behind a reverse proxy you control: believe its X-Forwarded-For and X-Forwarded-Proto")
	fs.StringVar(&o.metricsAddr, "metrics-addr", "", "`ADDRESS` of a separate listener serving Prometheus metrics at /metrics (off when empty)")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "certificate chain `FILE` (PEM): serve HTTPS and HTTP/2; reloaded on SIGHUP")
	fs.StringVar(&o.tlsKey, "tls-key", "", "private key `FILE` (PEM) of --tls-cert")
	fs.StringVar(&o.logFormat, "log-format", "text", "log `FORMAT`: text or json")
	fs.DurationVar(&o.auditRetention, "audit-retention", server.DefaultAuditRetention, "how long audit events are kept before the background sweep deletes them")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", server.DefaultShutdownTimeout, "how long requests in flight may finish after SIGTERM")
	fs.BoolVar(&o.verbose, "v", false, "log debug messages (health checks included)")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	return fs
}

const serveHead = `Usage:
  authserver [flags]                    serve the REST API, the Admin Center and the health checks
  authserver backup --to FILE [flags]   copy the database and its key while the server runs
  authserver rotate-key [flags]         seal the secrets under a new key (stop the server first)
  authserver migrate status|up [flags]  list or apply the database's migrations
  authserver copy --from FILE --to URL  move an organisation from SQLite to PostgreSQL

Every flag can also come from its environment variable, or from the --config file
(KEY=value lines, # comments) under the same name. The command line wins over the
environment, which wins over the file.

`

// knownSettings is every key a config file may hold: the flags of every
// command, so that one file serves them all.
func knownSettings() []string {
	var names []string
	add := func(fs *flag.FlagSet) {
		fs.VisitAll(func(f *flag.Flag) {
			if !flagOnly[f.Name] {
				names = append(names, envName(f.Name))
			}
		})
	}
	add(serveFlags(&serveOptions{}))
	add(toolFlags("backup", &toolOptions{}))
	return names
}

// serve runs the server as the settings say until ctx ends.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o serveOptions
	fs := serveFlags(&o)
	if wantsHelp(args) {
		usage(stdout, serveHead, fs)
		return nil
	}
	warnings, err := settings{fs: fs, lookup: lookupEnv, known: knownSettings()}.parse(args)
	if err != nil {
		return fmt.Errorf("%w (authserver --help lists the flags)", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if o.version {
		fmt.Fprintln(stdout, buildinfo.Read().String("authserver"))
		return nil
	}
	logger, err := newLogger(stderr, o.logFormat, o.verbose)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		logger.Warn(w)
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "admin-password" {
			logger.Warn("--admin-password on the command line is visible to every local user (ps); set " + envName("admin-password") + " or put it in the --config file")
		}
	})
	tlsConfig, certs, err := loadTLS(o.tlsCert, o.tlsKey)
	if err != nil {
		return err
	}

	engine := engines.For(o.db)
	srv, err := server.Open(ctx, server.Config{
		Engine: engine, NoMigrate: !o.migrate, DBPath: o.db, KeyPath: o.key, Dev: o.dev, Demo: o.demo, AdminPassword: o.adminPassword,
		TrustedProxy: o.trustedProxy, Logger: logger, TLS: tlsConfig, ShutdownTimeout: o.shutdownTimeout,
		PublicURL: o.publicURL, AuditRetention: o.auditRetention,
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	metricsDone, metricsURL, err := startMetrics(ctx, o.metricsAddr, srv.MetricsHandler(), logger)
	if err != nil {
		ln.Close()
		return err
	}
	defer func() { <-metricsDone }()
	if certs != nil {
		defer reloadOnHangup(certs, logger)()
	}
	if o.demo {
		printDemo(stdout, srv.SeededDemo())
	}
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
	}
	bi := buildinfo.Read()
	logger.Info("authserver starting", "version", bi.Version, "revision", bi.Revision, "engine", engine.Name(), "db", store.DisplayName(o.db),
		"addr", ln.Addr().String(), "url", scheme+"://"+ln.Addr().String()+api.Prefix, "tls", tlsConfig != nil,
		"dev", o.dev, "demo", o.demo, "trusted_proxy", o.trustedProxy, "metrics", metricsURL)
	if tlsConfig == nil && !o.trustedProxy && !loopback(ln.Addr()) {
		logger.Warn("listening on a non-loopback address without TLS: passwords, codes and tokens cross the network in clear; " +
			"give --tls-cert and --tls-key, or serve behind a TLS reverse proxy with --trusted-proxy")
	}
	err = srv.Serve(ctx, ln)
	logger.Info("authserver stopped")
	return err
}

func newLogger(w io.Writer, format string, verbose bool) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if verbose {
		opts.Level = slog.LevelDebug
	}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

// loadTLS reads the certificate pair when one is given.
func loadTLS(certFile, keyFile string) (*tls.Config, *server.CertReloader, error) {
	if certFile == "" && keyFile == "" {
		return nil, nil, nil
	}
	if certFile == "" || keyFile == "" {
		return nil, nil, errors.New("--tls-cert and --tls-key go together")
	}
	certs, err := server.NewCertReloader(certFile, keyFile)
	if err != nil {
		return nil, nil, err
	}
	return certs.TLSConfig(), certs, nil
}

// reloadOnHangup reads the certificate again on each SIGHUP (a renewal),
// until the returned func runs.
func reloadOnHangup(certs *server.CertReloader, logger *slog.Logger) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-hup:
				if err := certs.Reload(); err != nil {
					logger.Error("TLS certificate not reloaded; the previous one stays in use", "err", err)
				} else {
					logger.Info("TLS certificate reloaded")
				}
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		close(done)
	}
}

// startMetrics serves /metrics on its own listener until ctx ends; the
// returned channel closes once it has stopped.
func startMetrics(ctx context.Context, addr string, h http.Handler, logger *slog.Logger) (<-chan struct{}, string, error) {
	done := make(chan struct{})
	if addr == "" {
		close(done)
		return done, "", nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("metrics listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	go func() {
		defer close(done)
		errc := make(chan error, 1)
		go func() { errc <- hs.Serve(ln) }()
		select {
		case err := <-errc:
			logger.Error("metrics listener stopped", "err", err)
			return
		case <-ctx.Done():
		}
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		hs.Shutdown(shutdown)
		<-errc
	}()
	return done, "http://" + ln.Addr().String() + "/metrics", nil
}

// loopback reports whether a listener only takes connections from this
// machine.
func loopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// printDemo lists the demo accounts and their authenticator URIs (public demo
// data, the same in every build) so a tester can pair a phone app; seeded is
// the seeding's result, with the demo push device's token (made at random
// and stored hashed: shown this once), or nil when the database was there
// already.
func printDemo(w io.Writer, seeded []server.DemoAccount) {
	accounts := seeded
	if accounts == nil {
		accounts = server.DemoAccounts()
	}
	fmt.Fprintf(w, "Demo organisation (password %q for every technician):\n", server.DemoPassword)
	for _, a := range accounts {
		fmt.Fprintf(w, "  %-6s %s\n", a.Username, a.Note)
		if a.OTPAuthURI != "" {
			fmt.Fprintf(w, "         %s\n", a.OTPAuthURI)
		}
		if a.DeviceToken != "" {
			fmt.Fprintf(w, "         demo phone device token (shown once): %s\n", a.DeviceToken)
		}
	}
	if seeded == nil {
		fmt.Fprintln(w, "The demo phone's device token was shown when this database was seeded.")
	}
}
