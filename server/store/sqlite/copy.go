package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
)

// Copy writes a consistent copy of the database file at path into to
// (SQLite VACUUM INTO: one read transaction, so a server may keep writing
// meanwhile) and syncs it to disk. It opens the file without migrating it,
// so a newer build never changes the schema under a running server.
func Copy(ctx context.Context, path, to string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, to); err != nil {
		return fmt.Errorf("copy %s into %s: %w", path, to, err)
	}
	f, err := os.Open(to)
	if err != nil {
		return fmt.Errorf("sync %s: %w", to, err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", to, err)
	}
	return nil
}
