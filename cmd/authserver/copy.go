package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"

	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/engines"
)

const copyHead = `Usage: authserver copy --from FILE [--to postgres://user:password@host/database]

Moves an organisation from a SQLite database to an empty PostgreSQL database
(migrated first): settings, groups, members, their factors with the TOTP
secrets still sealed, paired phones, the audit log. Sign-ins, sessions and
throttle windows stay behind: members sign in again. Stop the server on FILE
first. Then start the servers on the PostgreSQL database with --key pointing
at FILE's key file (default FILE.key): the secrets are sealed with it.
--to defaults to $AUTHSERVER_DB, which keeps the password off the command line.

`

func copyOrganisation(ctx context.Context, args []string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("copy", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	from := fs.String("from", "", "SQLite database `FILE` to copy from")
	to := fs.String("to", "", "PostgreSQL `URL` to copy to (default: $AUTHSERVER_DB)")
	if wantsHelp(args) {
		usage(stdout, copyHead, fs)
		return nil
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("copy: %w (authserver copy --help lists the flags)", err)
	}
	if *to == "" {
		*to, _ = lookupEnv(envName("db"))
	}
	if *from == "" || *to == "" {
		return errors.New("copy: --from FILE and --to URL (or $AUTHSERVER_DB) are required")
	}
	report, err := engines.Copy(ctx, *from, *to)
	if err != nil {
		return err
	}
	tables := make([]string, 0, len(report))
	for t := range report {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	fmt.Fprintf(stdout, "copied %s into %s:\n", *from, store.DisplayName(*to))
	for _, t := range tables {
		fmt.Fprintf(stdout, "  %-15s %d rows\n", t, report[t])
	}
	fmt.Fprintf(stdout, "next: start the servers with --db on that database and --key %s.key (or where FILE's key is)\n", *from)
	return nil
}
