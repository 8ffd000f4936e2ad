package server_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/internal/pgtest"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/engines"
	"github.com/remotesupport/techconsole/server/store/postgres"
	"github.com/remotesupport/techconsole/server/store/sqlite"
)

type orgCounts struct{ members, groups, audit, factors int }

func countOrg(t *testing.T, st store.Store) orgCounts {
	t.Helper()
	var c orgCounts
	err := st.Read(context.Background(), func(tx store.Tx) error {
		ms, err := tx.ListMembers()
		if err != nil {
			return err
		}
		gs, err := tx.ListGroups()
		if err != nil {
			return err
		}
		audit, err := tx.ListAudit(100000)
		if err != nil {
			return err
		}
		for _, m := range ms {
			fs, err := tx.Factors(m.ID)
			if err != nil {
				return err
			}
			c.factors += len(fs)
		}
		c.members, c.groups, c.audit = len(ms), len(gs), len(audit)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// An organisation copied from SQLite to PostgreSQL keeps its members,
// groups, factors and audit log, and its sealed TOTP secrets open with the
// same key file: a member signs in with an authenticator code there.
func TestCopyFromSQLiteToPostgres(t *testing.T) {
	if servertest.Postgres() {
		t.Skip("engine-independent: runs in the suite's first pass (it always copies into PostgreSQL)")
	}
	file := filepath.Join(t.TempDir(), "auth.db")
	src := start(t, servertest.WithConfig(func(cfg *server.Config) {
		cfg.Engine, cfg.DBPath, cfg.KeyPath = sqlite.Engine{}, file, ""
	}))
	src.signInTOTP("bob")
	before := countOrg(t, src.inst.Server.Store())
	src.inst.Stop()

	pg := pgtest.NewDatabase(t)
	report, err := engines.Copy(context.Background(), file, pg)
	if err != nil {
		t.Fatal(err)
	}
	if report["members"] != before.members || report["audit"] != before.audit {
		t.Fatalf("copied %v, the source had %+v", report, before)
	}
	dst := start(t, servertest.WithConfig(func(cfg *server.Config) {
		cfg.Engine, cfg.DBPath, cfg.KeyPath = postgres.Engine{}, pg, file+".key"
	}))
	if dst.inst.Server.SeededDemo() != nil {
		t.Fatal("the server seeded the demo over the copied organisation")
	}
	after := countOrg(t, dst.inst.Server.Store())
	if after.members != before.members || after.groups != before.groups || after.factors != before.factors || after.audit < before.audit {
		t.Fatalf("after the copy %+v, before %+v", after, before)
	}
	// Past the time steps the source accepted (each code counts once).
	dst.clock.Advance(10 * time.Minute)
	dst.signInTOTP("bob")

	// A second copy into a database that holds an organisation is refused.
	if _, err := engines.Copy(context.Background(), file, pg); err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Fatalf("copy into a database with members: %v, want a refusal", err)
	}
}
