package sqlite

import (
	"context"

	"github.com/remotesupport/techconsole/server/store"
)

// Engine is the SQLite engine: a database is named by its file's path.
type Engine struct{}

// Name is "sqlite".
func (Engine) Name() string { return "sqlite" }

// Open opens the database file at path (see Open).
func (Engine) Open(ctx context.Context, path string, o store.OpenOptions) (store.Store, error) {
	var opts []Option
	if o.Log != nil {
		opts = append(opts, WithLogger(o.Log))
	}
	if o.NoMigrate {
		opts = append(opts, WithoutMigrating())
	}
	return Open(ctx, path, opts...)
}

// Copy writes a consistent copy of the database file at path into to (see Copy).
func (Engine) Copy(ctx context.Context, path, to string) error { return Copy(ctx, path, to) }

// Migrations lists the migrations of the database file at path (see Status).
func (Engine) Migrations(ctx context.Context, path string) ([]store.Migration, error) {
	return Status(ctx, path)
}

// Migrate applies the pending migrations to the database file at path (see Migrate).
func (Engine) Migrate(ctx context.Context, path string) ([]store.Migration, error) {
	return Migrate(ctx, path)
}
