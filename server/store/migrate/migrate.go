// Package migrate runs an engine's schema migrations: goose (as a library,
// over the engine's embedded files), plus what the server asks of it on top:
// a database newer than the build is refused, never migrated, and a database
// whose migrations an earlier runner recorded is taken over as it stands.
// It knows no engine: each gives it a *sql.DB, its dialect and its files.
package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"

	"github.com/remotesupport/techconsole/server/store"
)

// Dialect is the SQL dialect of an engine's database.
type Dialect string

const (
	SQLite   Dialect = "sqlite3"
	Postgres Dialect = "postgres"
)

// ErrNewer: the database has a migration applied that this build does not
// know; a newer build migrated it.
var ErrNewer = errors.New("newer than this build")

// ErrPending: the database lacks migrations this build has.
var ErrPending = errors.New("migrations pending")

// Runner migrates one database.
type Runner struct {
	db       *sql.DB
	provider *goose.Provider
	versions database.Store // goose's version table
	sources  []*goose.Source
}

// New makes a Runner over db for the migrations in fsys (files named
// NNNN_what.sql at its root, in goose's format).
func New(db *sql.DB, d Dialect, fsys fs.FS) (*Runner, error) {
	versions, err := database.NewStore(goose.Dialect(d), goose.DefaultTablename)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectCustom, db, fsys, goose.WithStore(versions), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return &Runner{db: db, provider: p, versions: versions, sources: p.ListSources()}, nil
}

// Newest is the version of the build's newest migration.
func (r *Runner) Newest() int64 {
	if len(r.sources) == 0 {
		return 0
	}
	return r.sources[len(r.sources)-1].Version
}

// Status lists the build's migrations, applied or not, then any applied
// one the build does not know.
func (r *Runner) Status(ctx context.Context) ([]store.Migration, error) {
	applied, err := r.applied(ctx, true)
	if err != nil {
		return nil, err
	}
	return r.StatusOf(applied), nil
}

// StatusOf is Status for a database whose applied migrations (version:
// when) are applied.
func (r *Runner) StatusOf(applied map[int64]time.Time) []store.Migration {
	var out []store.Migration
	known := map[int64]bool{}
	for _, s := range r.sources {
		at, ok := applied[s.Version]
		out = append(out, store.Migration{Version: s.Version, Name: path.Base(s.Path), Applied: ok, AppliedAt: at})
		known[s.Version] = true
	}
	var unknown []int64
	for v := range applied {
		if !known[v] {
			unknown = append(unknown, v)
		}
	}
	slices.Sort(unknown)
	for _, v := range unknown {
		out = append(out, store.Migration{Version: v, Applied: true, AppliedAt: applied[v]})
	}
	return out
}

// applied reads the version table: each applied migration and, if
// withTimes, when (one query more per migration).
func (r *Runner) applied(ctx context.Context, withTimes bool) (map[int64]time.Time, error) {
	if _, err := r.provider.GetDBVersion(ctx); err != nil { // creates the table if need be
		return nil, fmt.Errorf("migrations: %w", err)
	}
	list, err := r.versions.ListMigrations(ctx, r.db)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	applied := map[int64]time.Time{}
	for _, m := range list {
		if m.Version == 0 || !m.IsApplied {
			continue // goose's own starting row
		}
		if !withTimes {
			applied[m.Version] = time.Time{}
			continue
		}
		got, err := r.versions.GetMigration(ctx, r.db, m.Version)
		if err != nil {
			return nil, fmt.Errorf("migrations: version %d: %w", m.Version, err)
		}
		applied[m.Version] = got.Timestamp
	}
	return applied, nil
}

// Check says whether the database is exactly at the build's migrations:
// ErrNewer or ErrPending (wrapped in a sentence) otherwise. It reads the
// version table once (it is the readiness check).
func (r *Runner) Check(ctx context.Context) error {
	applied, err := r.applied(ctx, false)
	if err != nil {
		return err
	}
	return r.CheckStatus(r.StatusOf(applied))
}

// CheckStatus is Check over a status already read.
func (r *Runner) CheckStatus(st []store.Migration) error {
	var pending []int64
	for _, m := range st {
		switch {
		case m.Name == "":
			return fmt.Errorf("%w: it has migration %d applied, and this build knows migrations up to %d only; "+
				"a newer version of the server migrated it: run that version, or restore a backup taken before",
				ErrNewer, m.Version, r.Newest())
		case !m.Applied:
			pending = append(pending, m.Version)
		}
	}
	if len(pending) > 0 {
		return fmt.Errorf("%w: %v of this build are not applied; apply them (authserver migrate up)", ErrPending, pending)
	}
	return nil
}

// Up applies the build's pending migrations in order, each in its own
// transaction, after refusing a database newer than the build, and returns
// those it applied.
func (r *Runner) Up(ctx context.Context) ([]store.Migration, error) {
	before, err := r.Status(ctx)
	if err != nil {
		return nil, err
	}
	if err := r.CheckStatus(before); err == nil || !errors.Is(err, ErrPending) {
		return nil, err
	}
	if _, err := r.provider.Up(ctx); err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	after, err := r.Status(ctx)
	if err != nil {
		return nil, err
	}
	var done []store.Migration
	for i, m := range after {
		if m.Applied && i < len(before) && !before[i].Applied {
			done = append(done, m)
		}
	}
	return done, nil
}

// Adopt records in tx that versions are applied, in a database that has
// no version table yet because an earlier runner applied its migrations:
// none of them runs again. The caller drops the earlier runner's record in
// the same transaction. Each is recorded as applied now; Table names the
// version table, should the engine keep the original times.
func (r *Runner) Adopt(ctx context.Context, tx *sql.Tx, versions []int64) error {
	if err := r.versions.CreateVersionTable(ctx, tx); err != nil {
		return fmt.Errorf("migrations: take over: %w", err)
	}
	for _, v := range append([]int64{0}, versions...) {
		if err := r.versions.Insert(ctx, tx, database.InsertRequest{Version: v}); err != nil {
			return fmt.Errorf("migrations: take over version %d: %w", v, err)
		}
	}
	return nil
}

// Table is the name of the version table.
func (r *Runner) Table() string { return r.versions.Tablename() }
