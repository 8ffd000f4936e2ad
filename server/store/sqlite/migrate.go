package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/migrate"
	"github.com/remotesupport/techconsole/server/store/sqlstore"
)

// The schema's migrations, applied by the runner of package migrate (goose).

//go:embed migrations/*.sql
var migrationFiles embed.FS

// legacyTable is where this engine recorded its migrations before the
// runner did (version, applied_at in Unix ms); a database that has it is
// taken over as it stands.
const legacyTable = "schema_migrations"

func newRunner(db *sql.DB) (*migrate.Runner, error) {
	files, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return migrate.New(db, migrate.SQLite, files)
}

// migrateOnOpen brings the database on w to this build's migrations or,
// with o.noMigrate, checks that it is there.
func migrateOnOpen(ctx context.Context, w *sql.DB, o options) error {
	r, err := newRunner(w)
	if err != nil {
		return err
	}
	if err := takeOver(ctx, w, r); err != nil {
		return err
	}
	if o.noMigrate {
		return r.Check(ctx)
	}
	done, err := r.Up(ctx)
	for _, m := range done {
		o.log.Info("database migration applied", "version", m.Version, "name", m.Name)
	}
	return err
}

// takeOver hands the migrations that a database from before the runner
// recorded to the runner, in one transaction, with the times they were
// applied: none runs again. It does nothing to any other database.
func takeOver(ctx context.Context, w *sql.DB, r *migrate.Runner) error {
	legacy, err := legacyApplied(ctx, w, r)
	if err != nil || legacy == nil {
		return err
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrations: take over: %w", err)
	}
	defer tx.Rollback()
	if err := r.Adopt(ctx, tx, slices.Sorted(maps.Keys(legacy))); err != nil {
		return err
	}
	// goose keeps UTC times as SQLite's datetime() text.
	_, err = tx.ExecContext(ctx, `UPDATE `+r.Table()+` SET tstamp = (SELECT datetime(applied_at / 1000, 'unixepoch') FROM `+legacyTable+
		` WHERE version = version_id) WHERE version_id IN (SELECT version FROM `+legacyTable+`)`)
	if err != nil {
		return fmt.Errorf("migrations: take over the times: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DROP TABLE `+legacyTable); err != nil {
		return fmt.Errorf("migrations: take over: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrations: take over: %w", err)
	}
	return nil
}

// legacyApplied reads the legacy record of a database the runner has not
// taken over yet (nil for any other database).
func legacyApplied(ctx context.Context, db *sql.DB, r *migrate.Runner) (map[int64]time.Time, error) {
	legacy, err := hasTable(ctx, db, legacyTable)
	if err != nil || !legacy {
		return nil, err
	}
	if taken, err := hasTable(ctx, db, r.Table()); err != nil || taken {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT version, applied_at FROM `+legacyTable)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	defer rows.Close()
	applied := map[int64]time.Time{}
	for rows.Next() {
		var v, at int64
		if err := rows.Scan(&v, &at); err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		applied[v] = sqlstore.FromMS(at)
	}
	return applied, rows.Err()
}

func hasTable(ctx context.Context, db *sql.DB, name string) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("migrations: %w", err)
	}
	return n > 0, nil
}

// Status lists the migrations of the database file at path, applied or
// not, without changing it (a database from before the runner included).
func Status(ctx context.Context, path string) ([]store.Migration, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(path, "deferred"))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	defer db.Close()
	r, err := newRunner(db)
	if err != nil {
		return nil, err
	}
	legacy, err := legacyApplied(ctx, db, r)
	if err != nil {
		return nil, err
	}
	if legacy != nil {
		return r.StatusOf(legacy), nil
	}
	if taken, err := hasTable(ctx, db, r.Table()); err != nil || !taken {
		return r.StatusOf(nil), err // nothing applied yet
	}
	return r.Status(ctx)
}

// Migrate applies this build's pending migrations to the database file at
// path (creating it if need be) and returns them.
func Migrate(ctx context.Context, path string) ([]store.Migration, error) {
	w, err := openWriter(ctx, path)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	r, err := newRunner(w)
	if err != nil {
		return nil, err
	}
	if err := takeOver(ctx, w, r); err != nil {
		return nil, err
	}
	done, err := r.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return done, nil
}

// Ping checks on a read connection that the file answers and has every
// migration this build knows applied, and none it does not.
func (s *sqliteStore) Ping(ctx context.Context) error {
	if err := s.migrations.Check(ctx); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	return nil
}
