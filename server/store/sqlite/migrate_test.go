package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/migrate"
)

// legacyDatabase makes a database as the release before the runner left
// it: every migration applied by the engine's own loop, recorded in
// schema_migrations at appliedAt, and a member in it.
func legacyDatabase(t *testing.T, appliedAt time.Time) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "legacy.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		version := strings.TrimLeft(strings.SplitN(filepath.Base(name), "_", 2)[0], "0")
		if _, err := db.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, appliedAt.UnixMilli()); err != nil {
			t.Fatal(err)
		}
	}
	_, err = db.ExecContext(ctx, `INSERT INTO members (id, username, username_key, username_skeleton, display_name, password_hash, roles, created_at)
		VALUES ('mbr_kept', 'kept', 'kept', 'kept', 'Kept', '', 'technician', 1)`)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLegacyDatabaseTakenOver: a database of the release before the
// runner shows every migration applied, at its time, and opens without any
// running again (each would fail on its tables being there); its record
// moves to the runner's table.
func TestLegacyDatabaseTakenOver(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	path := legacyDatabase(t, at)
	checkAllApplied := func(when string) {
		t.Helper()
		status, err := Status(ctx, path)
		if err != nil {
			t.Fatalf("%s: status: %v", when, err)
		}
		for _, m := range status {
			if !m.Applied || !m.AppliedAt.Equal(at) || m.Name == "" {
				t.Errorf("%s: migration %d %q applied %t at %v, want applied at %v", when, m.Version, m.Name, m.Applied, m.AppliedAt, at)
			}
		}
	}
	checkAllApplied("before start")
	if !tableThere(t, path, legacyTable) {
		t.Fatal("status changed the database: the legacy table is gone")
	}

	st, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open the legacy database: %v", err)
	}
	defer st.Close()
	if err := st.Ping(ctx); err != nil {
		t.Errorf("ping: %v", err)
	}
	var m store.Member
	if err := st.Read(ctx, func(tx store.Tx) (err error) { m, err = tx.Member("mbr_kept"); return err }); err != nil || m.Username != "kept" {
		t.Errorf("the member from before: %+v %v", m, err)
	}
	checkAllApplied("after start")
	if tableThere(t, path, legacyTable) {
		t.Error("the legacy table is still there after the takeover")
	}
}

func tableThere(t *testing.T, path, name string) bool {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	there, err := hasTable(context.Background(), db, name)
	if err != nil {
		t.Fatal(err)
	}
	return there
}

// TestNewerDatabaseRefused: a database that a newer build migrated
// (a migration applied that this build does not have) does not open, is
// not migrated, fails the readiness check of a server already running on
// it, and its status names the unknown migration.
func TestNewerDatabaseRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	running, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, 1)`); err != nil {
		t.Fatal(err)
	}

	if err := running.Ping(ctx); !errors.Is(err, migrate.ErrNewer) {
		t.Errorf("ping of a running server: %v, want ErrNewer", err)
	}
	if st, err := Open(ctx, path); !errors.Is(err, migrate.ErrNewer) || !strings.Contains(err.Error(), "9999") {
		if st != nil {
			st.Close()
		}
		t.Errorf("open: %v, want ErrNewer naming 9999", err)
	}
	if _, err := Migrate(ctx, path); !errors.Is(err, migrate.ErrNewer) {
		t.Errorf("migrate: %v, want ErrNewer", err)
	}
	status, err := Status(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	last := status[len(status)-1]
	if last.Version != 9999 || last.Name != "" || !last.Applied {
		t.Errorf("last of the status: %+v, want 9999 applied, unknown", last)
	}
}

// TestWithoutMigratingNeedsEveryMigration: a database that lacks
// migrations opens without migrating only once they are applied, and
// Migrate applies each once.
func TestWithoutMigratingNeedsEveryMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	if st, err := Open(ctx, path, WithoutMigrating()); !errors.Is(err, migrate.ErrPending) {
		if st != nil {
			st.Close()
		}
		t.Fatalf("open a new database without migrating: %v, want ErrPending", err)
	}
	done, err := Migrate(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := fs.Glob(migrationFiles, "migrations/*.sql")
	if len(done) != len(files) {
		t.Errorf("migrate applied %d, want %d", len(done), len(files))
	}
	if again, err := Migrate(ctx, path); err != nil || len(again) != 0 {
		t.Errorf("migrate again: applied %d, %v; want none", len(again), err)
	}
	st, err := Open(ctx, path, WithoutMigrating())
	if err != nil {
		t.Fatalf("open a migrated database without migrating: %v", err)
	}
	st.Close()
}
