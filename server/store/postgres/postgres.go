// Package postgres keeps the server's state in PostgreSQL, so that several
// server replicas can share it. Queries go through pgx's database/sql driver:
// the migrations runner takes a *sql.DB, and the statements and scans the
// engine shares with the SQLite engine live once, in sqlstore (rebound to $n
// placeholders here); pgx still prepares and caches each statement per
// connection.
//
// Every write transaction is SERIALIZABLE and is run again when PostgreSQL
// reports a serialization failure or a deadlock: the server's rules were
// written against SQLite's one writer at a time, and serializable isolation
// gives the same outcome (as if the transactions ran one after the other)
// without a global lock, across replicas.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/remotesupport/techconsole/server/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the engine's goose migrations (at the root of the FS).
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err) // the embedded folder exists at build time
	}
	return sub
}

// Store is the PostgreSQL engine of store.Store.
type Store struct {
	db     *sql.DB
	config *pgx.ConnConfig
	// retries counts write transactions run again after a conflict (tests
	// and benchmarks read it).
	retries counter
}

// Open connects to the database at dsn (a postgres:// URL or key=value
// string). It does not migrate: see Migrate and DB. Errors never carry the
// DSN's password.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse connection string %s: %w", Redact(dsn), errorWithoutDSN(err))
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(max(8, 4*runtime.NumCPU()))
	db.SetMaxIdleConns(max(8, 4*runtime.NumCPU()))
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect to %s: %w", Redact(dsn), errorWithoutDSN(err))
	}
	return &Store{db: db, config: cfg}, nil
}

// DB is the store's connection pool, for the migrations runner and tools.
func (s *Store) DB() *sql.DB { return s.db }

// ConnConfig is the parsed connection string (for the listener).
func (s *Store) ConnConfig() *pgx.ConnConfig { return s.config.Copy() }

// Retries is how many write transactions ran again after a conflict.
func (s *Store) Retries() int64 { return s.retries.load() }

// Read runs fn in a read-only transaction on one snapshot.
func (s *Store) Read(ctx context.Context, fn func(store.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(newTx(ctx, tx))
}

// maxWriteAttempts bounds the runs of one write transaction; under the
// worst contention the tests make (50 requests on one row) a few suffice.
const maxWriteAttempts = 30

// Write runs fn in a serializable transaction, again (from the start) while
// PostgreSQL reports that it conflicted with another one.
func (s *Store) Write(ctx context.Context, fn func(store.Tx) error) error {
	for attempt := 1; ; attempt++ {
		answer, err, conflict := s.writeOnce(ctx, fn)
		if !conflict {
			if err != nil {
				return err
			}
			return answer
		}
		if attempt == maxWriteAttempts {
			return fmt.Errorf("write: still conflicting after %d attempts: %w", attempt, err)
		}
		s.retries.add()
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
}

// writeOnce runs fn once. conflict: the transaction hit a serialization
// failure or deadlock anywhere (whatever fn made of that error), so its
// outcome does not count and it should run again.
func (s *Store) writeOnce(ctx context.Context, fn func(store.Tx) error) (answer, err error, conflict bool) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return nil, fmt.Errorf("begin write: %w", err), isConflict(err)
	}
	t := newTx(ctx, tx)
	if err := store.SetRefusalAside(fn, t, &answer); err != nil {
		tx.Rollback()
		return nil, err, t.Conflicted() || isConflict(err)
	}
	if t.Conflicted() {
		tx.Rollback()
		return nil, errors.New("write: serialization conflict"), true
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err), isConflict(err)
	}
	return answer, nil, false
}

// backoff waits a short random time, longer after each attempt, so that
// transactions that conflicted do not meet again at once.
func backoff(ctx context.Context, attempt int) error {
	ceiling := time.Duration(min(attempt, 8)) * time.Millisecond
	t := time.NewTimer(time.Duration(rand.Int64N(int64(ceiling))) + 100*time.Microsecond)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// isConflict reports a serialization failure or a deadlock: the
// transaction may succeed when run again.
func isConflict(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}

// Close closes the pool.
func (s *Store) Close() error { return s.db.Close() }

// Engine opens PostgreSQL databases for the server (store.Engine).
type Engine struct{}

// Open connects to the database dsn names and applies the migrations it
// lacks (with o.NoMigrate, refuses it if it lacks one).
func (Engine) Open(ctx context.Context, dsn string, o store.OpenOptions) (store.Store, error) {
	s, err := Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if o.NoMigrate {
		err = s.Ping(ctx)
	} else {
		_, err = s.Migrate(ctx)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Migrations lists the migrations of the database dsn names.
func (Engine) Migrations(ctx context.Context, dsn string) ([]store.Migration, error) {
	s, err := Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.Migrations(ctx)
}

// Migrate applies the pending migrations to the database dsn names.
func (Engine) Migrate(ctx context.Context, dsn string) ([]store.Migration, error) {
	s, err := Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.Migrate(ctx)
}

// Copy is left to PostgreSQL's own tools (pg_dump, base backups).
func (Engine) Copy(context.Context, string, string) error {
	return fmt.Errorf("postgres: back up with pg_dump or your provider's backups: %w", errors.ErrUnsupported)
}

// Name names the engine in logs.
func (Engine) Name() string { return "postgres" }
