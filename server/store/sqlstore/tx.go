// Package sqlstore is what the SQL engines of the store share: the
// statements both SQLite and PostgreSQL run as written, the Go that runs them
// and scans their rows, behind one transaction type (Tx). Each engine wraps
// its own transaction in a Tx, with its Dialect for the few fragments that
// differ, and keeps only what is its own (how transactions begin and retry,
// search, vacuum, notifications). Queries are written with ? placeholders;
// the dialect rebinds them for engines that number theirs.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

// Conn is what a Tx runs its statements on: a *sql.Tx, or an engine's
// wrapper of one (SQLite's prepared-statement cache).
type Conn interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// Dialect is what differs between the engines in the shared statements.
type Dialect struct {
	// Rebind turns the ? placeholders into the engine's own; nil keeps them.
	Rebind func(q string) string
	// Duplicate reports a unique-constraint violation (store.ErrDuplicate).
	Duplicate func(err error) bool
	// Conflict reports an error after which the transaction must run again
	// (Tx.Conflicted); nil: none does.
	Conflict func(err error) bool
	// DerivedAlias names a subquery in FROM where the engine requires it
	// (" AS name"), or is empty.
	DerivedAlias func(name string) string
	// InList is the condition " IN (...)" or alike that matches a column
	// against ids, with the one argument it takes: one parameter keeps the
	// query text, and its prepared statement, the same for every list.
	InList func(ids []string) (cond string, arg any, err error)
	// SweepQueries are the engine's bounded DELETEs of Sweep: each takes the
	// cutoff (Unix ms) then the batch size.
	SweepQueries map[store.SweepTarget]string
}

// Tx is one transaction's view of the store, shared by the SQL engines.
type Tx struct {
	ctx      context.Context
	conn     Conn
	d        *Dialect
	conflict bool
}

// NewTx wraps conn, a transaction of ctx, in the dialect d.
func NewTx(ctx context.Context, conn Conn, d *Dialect) *Tx {
	return &Tx{ctx: ctx, conn: conn, d: d}
}

// Conflicted says whether a statement failed with an error the dialect
// counts as a conflict: the transaction is aborted and should run again.
func (t *Tx) Conflicted() bool { return t.conflict }

func (t *Tx) rebind(q string) string {
	if t.d.Rebind == nil {
		return q
	}
	return t.d.Rebind(q)
}

func (t *Tx) note(err error) error {
	if err != nil && t.d.Conflict != nil && t.d.Conflict(err) {
		t.conflict = true
	}
	return err
}

func (t *Tx) derived(name string) string {
	if t.d.DerivedAlias == nil {
		return ""
	}
	return t.d.DerivedAlias(name)
}

// Exec runs a statement; a unique-constraint violation is store.ErrDuplicate.
func (t *Tx) Exec(q string, args ...any) (sql.Result, error) {
	res, err := t.conn.ExecContext(t.ctx, t.rebind(q), args...)
	if err != nil {
		if t.d.Duplicate != nil && t.d.Duplicate(err) {
			return nil, store.ErrDuplicate
		}
		return nil, t.note(err)
	}
	return res, nil
}

// ExecOne runs a statement that must change a row: none is store.ErrNotFound.
func (t *Tx) ExecOne(what, q string, args ...any) error {
	res, err := t.Exec(q, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

// Query runs a query.
func (t *Tx) Query(q string, args ...any) (*sql.Rows, error) {
	rows, err := t.conn.QueryContext(t.ctx, t.rebind(q), args...)
	return rows, t.note(err)
}

// QueryStrings runs a query of one text column and returns its values in
// order; what names the query in errors.
func (t *Tx) QueryStrings(what, q string, args ...any) ([]string, error) {
	rows, err := t.Query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("%s: %w", what, t.note(err))
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, t.note(err))
	}
	return out, nil
}

// Row is a *sql.Row whose Scan error marks the transaction's conflicts.
type Row struct {
	t *Tx
	r *sql.Row
}

// Scan is sql.Row's.
func (r Row) Scan(dest ...any) error { return r.t.note(r.r.Scan(dest...)) }

// QueryRow runs a query of one row.
func (t *Tx) QueryRow(q string, args ...any) Row {
	return Row{t, t.conn.QueryRowContext(t.ctx, t.rebind(q), args...)}
}

// NoRows wraps err with what was looked up; no row is store.ErrNotFound.
func NoRows(what string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Scanner is a row (*sql.Row, Row or *sql.Rows).
type Scanner interface{ Scan(...any) error }

// MS is t in Unix milliseconds, the time columns' unit; zero is 0.
func MS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// FromMS is MS's inverse.
func FromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// B2I is b as the 0 or 1 the flag columns hold.
func B2I(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
