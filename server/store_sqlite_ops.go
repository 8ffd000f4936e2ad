package server

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// Ping reads the newest applied migration on a read connection: it fails
// when the file cannot be read or a migration this build knows is missing.
func (s *sqliteStore) Ping(ctx context.Context) error {
	var applied sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&applied); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	want, err := latestMigration()
	if err != nil {
		return err
	}
	if applied.Int64 < int64(want) {
		return fmt.Errorf("database: schema at migration %d, this build needs %d", applied.Int64, want)
	}
	return nil
}

// latestMigration is the number of the newest embedded migration.
func latestMigration() (int, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return 0, fmt.Errorf("list migrations: %w", err)
	}
	latest := 0
	for _, name := range names {
		num, _, _ := strings.Cut(strings.TrimPrefix(name, "migrations/"), "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return 0, fmt.Errorf("migration %s: name must start with a number", name)
		}
		latest = max(latest, v)
	}
	return latest, nil
}

// vacuumInto writes a consistent copy of the database file at path into to
// (SQLite VACUUM INTO: one read transaction, so a server may keep writing
// meanwhile) and syncs it to disk. It opens the file without migrating it,
// so a newer build never changes the schema under a running server.
func vacuumInto(ctx context.Context, path, to string) error {
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
