// Command authserver runs the reference auth server of the Technician Console.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/remotesupport/techconsole/server"
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

// run starts the server as the flags say and serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("authserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	db := fs.String("db", "authserver.db", "SQLite database file (created if missing)")
	key := fs.String("key", "", "TOTP encryption key file (default: the database file + .key; created with mode 0600)")
	dev := fs.Bool("dev", false, "developer mode: keep every SMS and email in the outbox, readable at GET /api/v1/dev/outbox")
	demo := fs.Bool("demo", false, "seed the demo organisation when the database is empty")
	adminPassword := fs.String("admin-password", os.Getenv("AUTHSERVER_ADMIN_PASSWORD"),
		"password of the master administrator \"admin\" (default $AUTHSERVER_ADMIN_PASSWORD; random and printed once when unset)")
	trustedProxy := fs.Bool("trusted-proxy", false, "believe X-Forwarded-For (only behind a proxy you run)")
	publicURL := fs.String("public-url", "", "URL at which phones reach this server, put in pairing QR codes (default: http:// and the listen address)")
	verbose := fs.Bool("v", false, "log debug messages")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	srv, err := server.Open(ctx, server.Config{
		DBPath: *db, KeyPath: *key, Dev: *dev, Demo: *demo,
		AdminPassword: *adminPassword, TrustedProxy: *trustedProxy, Logger: logger, PublicURL: *publicURL,
	})
	if err != nil {
		return err
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if *demo {
		printDemo(stdout, srv.SeededDemo())
	}
	logger.Info("authserver listening", "url", "http://"+ln.Addr().String(), "db", *db, "dev", *dev, "demo", *demo)
	return srv.Serve(ctx, ln)
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
