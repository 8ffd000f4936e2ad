package store

import (
	"context"
	"log/slog"
)

// Engine is one kind of database the store lives in. The caller picks it
// (package engines chooses by the database's name) and hands it to the
// server, whose handlers and tools reach the database only through it.
type Engine interface {
	// Open opens the database that db names, applying the migrations this
	// build has.
	Open(ctx context.Context, db string, o OpenOptions) (Store, error)
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
}
