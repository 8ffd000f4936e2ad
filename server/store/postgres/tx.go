package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/remotesupport/techconsole/server/store"
)

// pgTx is one transaction's view of the store.
type pgTx struct {
	ctx context.Context
	tx  *sql.Tx
	// conflict: a statement failed with a serialization failure or deadlock;
	// the transaction is aborted and Write runs it again.
	conflict bool
}

var _ store.Tx = (*pgTx)(nil)

func (t *pgTx) note(err error) error {
	if err != nil && isConflict(err) {
		t.conflict = true
	}
	return err
}

func (t *pgTx) exec(q string, args ...any) (sql.Result, error) {
	res, err := t.tx.ExecContext(t.ctx, rebind(q), args...)
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" { // unique_violation
			return nil, store.ErrDuplicate
		}
		return nil, t.note(err)
	}
	return res, nil
}

func (t *pgTx) execOne(what, q string, args ...any) error {
	res, err := t.exec(q, args...)
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

func (t *pgTx) query(q string, args ...any) (*sql.Rows, error) {
	rows, err := t.tx.QueryContext(t.ctx, rebind(q), args...)
	return rows, t.note(err)
}

// row is a *sql.Row whose Scan error marks the transaction's conflicts.
type row struct {
	t *pgTx
	r *sql.Row
}

func (r row) Scan(dest ...any) error { return r.t.note(r.r.Scan(dest...)) }

func (t *pgTx) queryRow(q string, args ...any) row {
	return row{t, t.tx.QueryRowContext(t.ctx, rebind(q), args...)}
}

func noRows(what string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// rebound caches rebind's results: the queries are constants.
var rebound sync.Map

// rebind turns the ? placeholders the engine's queries share with the
// SQLite engine into PostgreSQL's $1, $2, ... (none of the queries has a ?
// inside a string literal).
func rebind(q string) string {
	if v, ok := rebound.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	out := b.String()
	rebound.Store(q, out)
	return out
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

type counter struct{ n atomic.Int64 }

func (c *counter) add()        { c.n.Add(1) }
func (c *counter) load() int64 { return c.n.Load() }
