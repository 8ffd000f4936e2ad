package server

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

func pragmaInt(t *testing.T, db *sql.DB, name string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`PRAGMA ` + name).Scan(&n); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return n
}

// TestExistingDatabaseTurnsIncremental: a file made before incremental
// auto-vacuum is rebuilt once at open, keeping its rows.
func TestExistingDatabaseTurnsIncremental(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec(`CREATE TABLE kept (x TEXT); INSERT INTO kept VALUES ('still here')`); err != nil {
		t.Fatal(err)
	}
	if got := pragmaInt(t, old, "auto_vacuum"); got != 0 {
		t.Fatalf("a plain file has auto_vacuum %d", got)
	}
	old.Close()
	st, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := st.(*sqliteStore)
	if got := pragmaInt(t, s.w, "auto_vacuum"); got != 2 {
		t.Errorf("auto_vacuum = %d after open, want 2 (incremental)", got)
	}
	var x string
	if err := s.w.QueryRow(`SELECT x FROM kept`).Scan(&x); err != nil || x != "still here" {
		t.Errorf("row after the rebuild: %q %v", x, err)
	}
}

// TestSweepGivesSpaceBack: once old audit events are swept, the file's
// free pages above the reserve go back to the file system.
func TestSweepGivesSpaceBack(t *testing.T) {
	ctx := context.Background()
	st, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := st.(*sqliteStore)
	if got := pragmaInt(t, s.w, "auto_vacuum"); got != 2 {
		t.Fatalf("a new database has auto_vacuum %d, want 2 (incremental)", got)
	}
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	detail := strings.Repeat("x", 1000)
	for range 10 {
		err := st.Write(ctx, func(tx store.Tx) error {
			for range 2000 {
				if err := tx.InsertAudit(api.AuditEvent{At: old, Kind: "test", Detail: detail}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	full := pragmaInt(t, s.w, "page_count")
	srv := &Server{store: st, now: func() time.Time { return old.Add(DefaultAuditRetention + time.Hour) }}
	rep, err := srv.Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	after := pragmaInt(t, s.w, "page_count")
	if rep.Deleted[store.SweepAudit] != 20000 || rep.Reclaimed == 0 || after > full-rep.Reclaimed || after > freePagesKept+full/4 {
		t.Errorf("deleted %d, reclaimed %d pages: %d pages before, %d after", rep.Deleted[store.SweepAudit], rep.Reclaimed, full, after)
	}
}
