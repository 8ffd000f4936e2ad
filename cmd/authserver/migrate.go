package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/engines"
	"github.com/remotesupport/techconsole/server/store/migrate"
)

const migrateHead = `Usage:
  authserver migrate status [flags]   list the database's migrations: applied (when) or pending
  authserver migrate up [flags]       apply the pending migrations

The server applies pending migrations at start unless --migrate=false; it
refuses a database that a newer build migrated. migrate up does the same
without starting a server (for a server run with --migrate=false).

`

// migrateCmd runs authserver migrate status|up.
func migrateCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "status" && args[0] != "up") {
		if wantsHelp(args) {
			usage(stdout, migrateHead, toolFlags("migrate", &toolOptions{}))
			return nil
		}
		return errors.New("migrate: say status or up (authserver migrate --help)")
	}
	o, ok, err := parseTool("migrate", migrateHead, args[1:], stdout)
	if err != nil || !ok {
		return err
	}
	eng := engines.For(o.db)
	if args[0] == "up" {
		done, err := eng.Migrate(ctx, o.db)
		if err != nil {
			return fmt.Errorf("migrate up: %w", err)
		}
		if len(done) == 0 {
			fmt.Fprintln(stdout, "nothing to apply: the database has every migration of this build")
		}
		for _, m := range done {
			fmt.Fprintf(stdout, "applied %s\n", m.Name)
		}
		return nil
	}
	status, err := eng.Migrations(ctx, o.db)
	if err != nil {
		return fmt.Errorf("migrate status: %w", err)
	}
	printStatus(stdout, status)
	return nil
}

// printStatus writes one line per migration, then what to do, if anything.
func printStatus(w io.Writer, status []store.Migration) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tSTATE\tAPPLIED AT (UTC)\tMIGRATION")
	var pending, unknown int
	for _, m := range status {
		state, at, name := "pending", "-", m.Name
		if m.Applied {
			state, at = "applied", m.AppliedAt.UTC().Format(time.DateTime)
		}
		if name == "" {
			name, unknown = "(unknown to this build: a newer build applied it)", unknown+1
		}
		if !m.Applied {
			pending++
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", m.Version, state, at, name)
	}
	tw.Flush()
	switch {
	case unknown > 0:
		fmt.Fprintf(w, "the database is %v: this build refuses it; run the build that migrated it\n", migrate.ErrNewer)
	case pending > 0:
		fmt.Fprintf(w, "%d pending: the server applies them at start, or run authserver migrate up\n", pending)
	default:
		fmt.Fprintln(w, "up to date")
	}
}
