package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
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
	st, err := Open(ctx, path)
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
