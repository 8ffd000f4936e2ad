package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/engines"
)

// toolOptions are the flags of backup, rotate-key and migrate.
type toolOptions struct {
	config, db, key, to string
}

func toolFlags(name string, o *toolOptions) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.config, "config", "", "`FILE` of KEY=value settings (the same file as the server's)")
	fs.StringVar(&o.db, "db", "authserver.db", "SQLite database `FILE`")
	if name != "migrate" {
		fs.StringVar(&o.key, "key", "", "server key `FILE` (default: the database file + .key)")
	}
	if name == "backup" {
		fs.StringVar(&o.to, "to", "", "`FILE` to write the copy to (its key goes to FILE.key); must not exist")
	}
	return fs
}

// parseTool reads a tool's settings.
func parseTool(name, head string, args []string, stdout io.Writer) (toolOptions, bool, error) {
	var o toolOptions
	fs := toolFlags(name, &o)
	if wantsHelp(args) {
		usage(stdout, head, fs)
		return o, false, nil
	}
	if _, err := (settings{fs: fs, lookup: lookupEnv, known: knownSettings()}).parse(args); err != nil {
		return o, false, fmt.Errorf("%s: %w (authserver %s --help lists the flags)", name, err, name)
	}
	if fs.NArg() > 0 {
		return o, false, fmt.Errorf("%s: unexpected arguments: %v", name, fs.Args())
	}
	if o.key == "" && name != "migrate" && store.IsURL(o.db) {
		// The default, the database's name + .key, would put a connection
		// string (and its password) in a file name and in messages.
		return o, false, fmt.Errorf("%s: --key FILE is required with a database server", name)
	}
	return o, true, nil
}

const backupHead = `Usage: authserver backup --to FILE [flags]

Writes a consistent copy of the database (SQLite VACUUM INTO) to FILE and its
key to FILE.key, while the server keeps running. Keep both together, away from
the server's disk, and guard FILE.key like a password.

`

func backup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, ok, err := parseTool("backup", backupHead, args, stdout)
	if err != nil || !ok {
		return err
	}
	if o.to == "" {
		return errors.New("backup: --to FILE is required")
	}
	if err := server.Backup(ctx, engines.For(o.db), o.db, o.key, o.to); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written: %s (database) and %s.key (its key, mode 0600)\n", o.to, o.to)
	fmt.Fprintf(stdout, "to restore: stop the server, put %s where --db points and %s.key where --key points (default: the database file + .key), start it\n", o.to, o.to)
	return nil
}

const rotateHead = `Usage: authserver rotate-key [flags]

Seals every TOTP secret again under a new server key, in one transaction, and
puts the new key in the key file; the old key is kept beside it as
KEY.old-TIMESTAMP. Stop the server first: a running server keeps the old key.
If it is interrupted, run it again: it finishes the job.

`

func rotateKey(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, ok, err := parseTool("rotate-key", rotateHead, args, stdout)
	if err != nil || !ok {
		return err
	}
	key := o.key
	if key == "" {
		key = o.db + ".key"
	}
	res, err := server.RotateKey(ctx, engines.For(o.db), o.db, key, time.Now())
	if err != nil {
		return err
	}
	if res.Secrets == 0 && res.OldKeyPath == "" {
		fmt.Fprintf(stdout, "finished an interrupted rotation: %s is the database's key\n", key)
		return nil
	}
	fmt.Fprintf(stdout, "sealed %d secrets under a new key, now in %s\n", res.Secrets, key)
	if res.OldKeyPath != "" {
		fmt.Fprintf(stdout, "the old key is kept in %s\n", res.OldKeyPath)
	}
	fmt.Fprintln(stdout, "next: start the server; take a new backup (older backups keep their own key beside them);")
	fmt.Fprintln(stdout, "delete the old key file once no copy of the database from before the rotation needs it")
	return nil
}
