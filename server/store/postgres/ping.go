package postgres

import (
	"context"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// versionTable is where the migrations runner (goose) records what it applied.
const versionTable = "goose_db_version"

// Ping reads the newest applied migration: it fails when the database does
// not answer or a migration this build knows is missing.
func (s *Store) Ping(ctx context.Context) error {
	var applied int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM `+versionTable+` WHERE is_applied`).Scan(&applied); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	want, err := latestMigration()
	if err != nil {
		return err
	}
	if applied < want {
		return fmt.Errorf("database: schema at migration %d, this build needs %d", applied, want)
	}
	return nil
}

// latestMigration is the number of the newest embedded migration.
func latestMigration() (int64, error) {
	names, err := fs.Glob(Migrations(), "*.sql")
	if err != nil {
		return 0, fmt.Errorf("list migrations: %w", err)
	}
	var latest int64
	for _, name := range names {
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("migration %s: name must start with a number", name)
		}
		latest = max(latest, v)
	}
	return latest, nil
}
