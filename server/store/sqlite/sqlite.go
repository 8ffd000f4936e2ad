package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"strconv"

	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/migrate"
	"github.com/remotesupport/techconsole/server/store/sqlstore"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteStore keeps everything in one SQLite file: one connection for writes
// (BEGIN IMMEDIATE, so writers queue in order) and a pool for reads.
type sqliteStore struct {
	w      *sql.DB
	r      *sql.DB
	wStmts *stmtCache // prepared statements (stmts.go)
	rStmts *stmtCache
	// migrations checks the schema on a read connection (Ping).
	migrations *migrate.Runner
	// stopCheckpoints ends the background WAL checkpoints (checkpoint.go).
	stopCheckpoints func()
}

// Open opens (creating if needed) the database file and applies the
// embedded migrations (unless WithoutMigrating).
func Open(ctx context.Context, path string, opts ...Option) (store.Store, error) {
	o := optionsOf(opts)
	w, err := openWriter(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := incrementalAutoVacuum(ctx, w, o.log); err != nil {
		w.Close()
		return nil, err
	}
	if err := migrateOnOpen(ctx, w, o); err != nil {
		w.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, "deferred"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r.SetMaxOpenConns(max(2, runtime.NumCPU()))
	s := &sqliteStore{w: w, r: r, wStmts: newStmtCache(w), rStmts: newStmtCache(r)}
	if s.migrations, err = newRunner(r); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.indexUsernames(ctx, o.log); err != nil {
		s.Close()
		return nil, err
	}
	s.stopCheckpoints = startCheckpointer(r)
	return s, nil
}

// dsn names the database file at path with the connection settings every
// connection has; txlock is how its transactions begin.
func dsn(path, txlock string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "wal_autocheckpoint("+strconv.Itoa(walBackstopPages)+")")
	q.Set("_txlock", txlock)
	return "file:" + path + "?" + q.Encode()
}

// openWriter opens the one write connection to the file at path, creating
// the file (private to the server's user) if need be.
func openWriter(ctx context.Context, path string) (*sql.DB, error) {
	if err := privateDBFiles(path); err != nil {
		return nil, err
	}
	w, err := sql.Open("sqlite", dsn(path, "immediate"))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return w, nil
}

// privateDBFiles makes the database file (creating it empty, which SQLite
// takes as a new database) and any companions left from a run before readable
// by the server's user alone. SQLite gives the -wal, -shm and -journal files
// it creates the main file's mode exactly (it sets the mode after opening, so
// the umask does not widen it): a 0600 main file keeps them all 0600 without
// touching the process-wide umask.
func privateDBFiles(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("open sqlite %s: %w", path, err)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		st, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("database file %s: %w", name, err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(name, 0o600); err != nil {
				return fmt.Errorf("database file %s is readable by others and cannot be fixed: %w", name, err)
			}
		}
	}
	return nil
}

func (s *sqliteStore) Read(ctx context.Context, fn func(store.Tx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer s.rStmts.prepareWanted(ctx)
	defer tx.Rollback()
	return fn(newTx(ctx, tx, s.rStmts))
}

func (s *sqliteStore) Write(ctx context.Context, fn func(store.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin write: %w", err)
	}
	defer s.wStmts.prepareWanted(ctx)
	var answer error
	if err := store.SetRefusalAside(fn, newTx(ctx, tx, s.wStmts), &answer); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return answer
}

func (s *sqliteStore) Close() error {
	var errs []error
	if s.stopCheckpoints != nil {
		s.stopCheckpoints()
	}
	if s.wStmts != nil {
		s.wStmts.close()
		s.rStmts.close()
	}
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	errs = append(errs, s.w.Close())
	return errors.Join(errs...)
}

// sqliteTx is one transaction: the statements shared with the other SQL
// engines (sqlstore), run through the prepared-statement cache, and the
// engine's own (search, vacuum).
type sqliteTx struct{ *sqlstore.Tx }

// dialect is SQLite's side of the shared statements.
var dialect = &sqlstore.Dialect{
	Duplicate: func(err error) bool {
		var se *sqlite.Error
		return errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
	},
	InList: func(ids []string) (string, any, error) {
		list, err := idsJSON(ids)
		return `IN (SELECT value FROM json_each(?))`, list, err
	},
	SweepQueries: sweepQueries,
}

func newTx(ctx context.Context, tx *sql.Tx, cache *stmtCache) *sqliteTx {
	return &sqliteTx{sqlstore.NewTx(ctx, cachedTx{tx: tx, cache: cache}, dialect)}
}

// Option changes how Open opens the store.
type Option func(*options)

type options struct {
	log       *slog.Logger
	noMigrate bool
}

// WithoutMigrating opens a database only if it already has every migration
// of this build applied, rather than applying them.
func WithoutMigrating() Option {
	return func(o *options) { o.noMigrate = true }
}

// WithLogger sends what the store finds while opening (migrations applied,
// usernames it cannot index) to l; the default discards it.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.log = l }
}

func optionsOf(opts []Option) options {
	o := options{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}
