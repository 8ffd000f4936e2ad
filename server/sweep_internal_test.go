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
	"github.com/remotesupport/techconsole/server/store/sqlite"
)

func pragmaInt(t *testing.T, db *sql.DB, name string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`PRAGMA ` + name).Scan(&n); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return n
}

// TestSweepGivesSpaceBack: once old audit events are swept, the file's
// free pages above the reserve go back to the file system.
func TestSweepGivesSpaceBack(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// A connection of its own on the file, to look at it from outside.
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if got := pragmaInt(t, raw, "auto_vacuum"); got != 2 {
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
	full := pragmaInt(t, raw, "page_count")
	srv := &Server{store: st, now: func() time.Time { return old.Add(DefaultAuditRetention + time.Hour) }}
	rep, err := srv.Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	after := pragmaInt(t, raw, "page_count")
	if rep.Deleted[store.SweepAudit] != 20000 || rep.Reclaimed == 0 || after > full-rep.Reclaimed || after > freePagesKept+full/4 {
		t.Errorf("deleted %d, reclaimed %d pages: %d pages before, %d after", rep.Deleted[store.SweepAudit], rep.Reclaimed, full, after)
	}
}
