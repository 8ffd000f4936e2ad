package store

import (
	"context"
	"log/slog"
)

// Engine is one kind of database the store lives in. The caller picks it
// (package engines chooses by the database's name) and hands it to the
// server, whose handlers and tools reach the database only through it.
type Engine interface {
	// Name names the engine in logs ("sqlite").
	Name() string
	// Open opens the database that db names, applying the migrations this
	// build has first (unless o.NoMigrate). It refuses a database that has
	// a migration applied that this build does not know (a newer build's).
	Open(ctx context.Context, db string, o OpenOptions) (Store, error)
	// Migrations lists the database's migrations, without changing it.
	Migrations(ctx context.Context, db string) ([]Migration, error)
	// Migrate applies this build's pending migrations and returns them;
	// like Open, it refuses a database newer than the build.
	Migrate(ctx context.Context, db string) ([]Migration, error)
	// Copy writes a consistent copy of the database into the file to, while
	// servers may keep using it (a backup). An engine whose own tools make
	// backups answers errors.ErrUnsupported.
	Copy(ctx context.Context, db, to string) error
}

// OpenOptions says how an Engine opens a store.
type OpenOptions struct {
	// Log receives what the engine finds while opening (usernames it cannot
	// index); nil discards it.
	Log *slog.Logger
	// NoMigrate opens only a database that has every migration of this
	// build applied, rather than applying them.
	NoMigrate bool
}
