// Command authenticator is the virtual phone on the command line: it pairs
// with otpauth URIs, prints current codes, and approves or denies pushes.
//
//	authenticator pair OTPAUTH_URI
//	authenticator import-device OTPAUTH_URI --server URL   (device token on stdin)
//	authenticator list
//	authenticator code ACCOUNT
//	authenticator approve ACCOUNT --number N [--timeout 2m]
//	authenticator deny ACCOUNT [--timeout 2m]
//	authenticator remove ACCOUNT
//
// Secrets live in the OS keychain; the account list (no secrets) in
// --accounts (default: phone.DefaultPath(), the same virtual phone as the
// console's tester panel).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/app/phone"
	"github.com/remotesupport/techconsole/internal/buildinfo"
	"github.com/remotesupport/techconsole/internal/desktop"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], deps{stdin: os.Stdin, stdout: os.Stdout, keychain: app.OSKeychain{}}); err != nil {
		fmt.Fprintln(os.Stderr, "authenticator:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type deps struct {
	stdin    io.Reader
	stdout   io.Writer
	keychain app.Keychain
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg + "\n" + usage }

const usage = `usage:
  authenticator --version
  authenticator [--accounts FILE] pair OTPAUTH_URI
  authenticator [--accounts FILE] pair --qr FILE.png
  authenticator [--accounts FILE] import-device OTPAUTH_URI --server URL   (device token on stdin)
  authenticator [--accounts FILE] list
  authenticator [--accounts FILE] code ACCOUNT
  authenticator [--accounts FILE] approve ACCOUNT --number N [--timeout 2m]
  authenticator [--accounts FILE] deny ACCOUNT [--timeout 2m]
  authenticator [--accounts FILE] remove ACCOUNT`

func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// pairingURI is the otpauth URI to pair: the one argument, or the text of
// the QR code image given with --qr.
func pairingURI(qrFile string, args []string) (string, error) {
	switch {
	case qrFile != "" && len(args) == 0:
		return readQR(qrFile)
	case qrFile == "" && len(args) == 1:
		return args[0], nil
	}
	return "", usageError{"pair takes an otpauth URI or --qr FILE.png"}
}

func run(ctx context.Context, args []string, d deps) error {
	global := flag.NewFlagSet("authenticator", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	accounts := global.String("accounts", phone.DefaultPath(), "account list file (no secrets)")
	showVersion := global.Bool("version", false, "print the build's version and exit")
	if err := global.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *showVersion {
		fmt.Fprintln(d.stdout, buildinfo.Read().String("authenticator"))
		return nil
	}
	rest := global.Args()
	if len(rest) == 0 {
		return usageError{"no command"}
	}
	if !flagGiven(global, "accounts") {
		// the phone of an older console, in the configuration folder, moves
		// to the data folder as the console moves it
		if _, err := desktop.MoveOldFiles(filepath.Dir(*accounts), filepath.Base(*accounts)); err != nil {
			return fmt.Errorf("move the virtual phone to the data folder: %w", err)
		}
	}
	p, err := phone.Open(*accounts, d.keychain, phone.WithDeviceName("authenticator CLI"))
	if err != nil {
		return err
	}
	cmd, rest := rest[0], rest[1:]
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	number := fs.String("number", "", "the number shown on the console")
	timeout := fs.Duration("timeout", 2*time.Minute, "how long to wait for a push")
	server := fs.String("server", "", "server URL (import-device)")
	qr := fs.String("qr", "", "image (PNG or JPEG) of the pairing QR code, instead of the URI")
	pos, err := parseInterspersed(fs, rest)
	if err != nil {
		return usageError{err.Error()}
	}
	one := func() (string, error) {
		if len(pos) != 1 {
			return "", usageError{cmd + " takes exactly one argument"}
		}
		return pos[0], nil
	}

	switch cmd {
	case "pair":
		uri, err := pairingURI(*qr, pos)
		if err != nil {
			return err
		}
		a, err := p.Pair(ctx, uri)
		if err != nil {
			return err
		}
		fmt.Fprintf(d.stdout, "paired %s%s\n", a.Name, pushNote(a))
	case "import-device":
		uri, err := one()
		if err != nil {
			return err
		}
		if *server == "" {
			return usageError{"import-device needs --server"}
		}
		tok, err := bufio.NewReader(d.stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read the device token: %w", err)
		}
		a, err := p.AddDevice(ctx, uri, *server, strings.TrimSpace(tok))
		if err != nil {
			return err
		}
		fmt.Fprintf(d.stdout, "paired %s%s\n", a.Name, pushNote(a))
	case "list":
		for _, a := range p.Accounts() {
			fmt.Fprintf(d.stdout, "%s%s\n", a.Name, pushNote(a))
		}
	case "code":
		name, err := one()
		if err != nil {
			return err
		}
		c, err := p.Code(ctx, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(d.stdout, "%s (%ds left)\n", c.Code, int(c.Remaining.Seconds()+0.5))
	case "approve", "deny":
		name, err := one()
		if err != nil {
			return err
		}
		if cmd == "approve" && *number == "" {
			return usageError{"approve needs --number N (the number shown on the console)"}
		}
		wctx, cancel := context.WithTimeout(ctx, *timeout)
		defer cancel()
		fmt.Fprintf(d.stdout, "waiting for a notification for %s…\n", name)
		n, err := p.Next(wctx, name)
		if err != nil {
			return fmt.Errorf("no notification: %w", err)
		}
		fmt.Fprintf(d.stdout, "sign-in request for %s from %s (console %s)\n", n.Username, n.ClientAddress, n.ConsoleVersion)
		if cmd == "approve" {
			err = p.Approve(ctx, name, n.ID, *number)
		} else {
			err = p.Deny(ctx, name, n.ID)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(d.stdout, map[string]string{"approve": "approved", "deny": "denied"}[cmd])
	case "remove":
		name, err := one()
		if err != nil {
			return err
		}
		if err := p.Remove(ctx, name); err != nil {
			return err
		}
		fmt.Fprintf(d.stdout, "removed %s\n", name)
	default:
		return usageError{"unknown command " + cmd}
	}
	return nil
}

func pushNote(a phone.Account) string {
	if a.Push() {
		return " (notifications from " + a.Server + ")"
	}
	return ""
}

// parseInterspersed allows flags after positional arguments ("approve alice --number 42").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
