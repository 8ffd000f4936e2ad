// Package store is what the server keeps: the record types, the Store that
// runs transactions, and the small interfaces, one per part of the server,
// that a transaction is made of (combined into Tx in reference.go). It knows
// no SQL: the engines implement it in packages of their own.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by Tx lookups that find nothing.
var ErrNotFound = errors.New("not found")

// ErrDuplicate is returned when a unique name (username, group name) is taken.
var ErrDuplicate = errors.New("already exists")

// Store is the server's whole persistent state. Every piece of state that
// matters (challenges, single-use marks, sessions) lives behind it, so another
// implementation (PostgreSQL) can serve several replicas.
type Store interface {
	// Read runs fn in a read-only transaction.
	Read(ctx context.Context, fn func(Tx) error) error
	// Write runs fn in a transaction that takes the write lock up front
	// (BEGIN IMMEDIATE), so concurrent writers queue instead of failing.
	// fn's error rolls the transaction back, except a refusal (CommitThen):
	// the transaction commits, then Write returns the refusal's answer.
	Write(ctx context.Context, fn func(Tx) error) error
	// Ping says whether the database answers and has every migration this
	// build knows applied (the readiness check).
	Ping(ctx context.Context) error
	Close() error
}

// Migration is one schema migration of a database: one of this build's,
// applied or not, or one applied that this build does not know (Name
// empty: the database is newer than the build).
type Migration struct {
	Version   int64
	Name      string // the migration file's name
	Applied   bool
	AppliedAt time.Time
}
