package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/remotesupport/techconsole/server/store"
)

func TestSQLiteSettings(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := st.(*sqliteStore)
	for _, tt := range []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"synchronous", "1"}, // NORMAL
		{"busy_timeout", "10000"},
		{"foreign_keys", "1"},
	} {
		for name, db := range map[string]*sql.DB{"write": s.w, "read": s.r} {
			var got string
			if err := db.QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&got); err != nil {
				t.Fatalf("%s %s: %v", name, tt.pragma, err)
			}
			if got != tt.want {
				t.Errorf("%s connection: PRAGMA %s = %s, want %s", name, tt.pragma, got, tt.want)
			}
		}
	}
	// Migrations are applied once: opening again is a no-op.
	st.Close()
	st2, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	files, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	st2.Close()
	status, err := Status(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if len(status) != len(files) {
		t.Errorf("%d migrations in the status, want %d", len(status), len(files))
	}
	for _, m := range status {
		if !m.Applied || m.AppliedAt.IsZero() {
			t.Errorf("migration %d %s: applied %t at %v", m.Version, m.Name, m.Applied, m.AppliedAt)
		}
	}
}

func TestSQLiteUniqueAndMissing(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g := store.Group{ID: newID(prefixGroup), Name: "Same"}
	if err := st.Write(ctx, func(tx store.Tx) error { return tx.InsertGroup(g) }); err != nil {
		t.Fatal(err)
	}
	g.ID = newID(prefixGroup)
	err = st.Write(ctx, func(tx store.Tx) error { return tx.InsertGroup(g) })
	if !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("duplicate name: %v, want ErrDuplicate", err)
	}
	err = st.Read(ctx, func(tx store.Tx) error { _, err := tx.Member("mbr_nobody"); return err })
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing member: %v, want ErrNotFound", err)
	}
	// A failed write leaves nothing behind.
	boom := errors.New("boom")
	err = st.Write(ctx, func(tx store.Tx) error {
		if err := tx.InsertGroup(store.Group{ID: newID(prefixGroup), Name: "Rolled back"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("write: %v", err)
	}
	var groups []store.Group
	if err := st.Read(ctx, func(tx store.Tx) error { groups, err = tx.ListGroups(); return err }); err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 {
		t.Errorf("groups after a rolled-back write: %+v", groups)
	}
}
