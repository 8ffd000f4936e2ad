package postgres

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/sqlstore"
)

// pgTx is one transaction's view of the store: the statements shared with
// the other SQL engines (sqlstore), rebound to $n placeholders, and the
// engine's own (search).
type pgTx struct{ *sqlstore.Tx }

var _ store.Tx = (*pgTx)(nil)

// dialect is PostgreSQL's side of the shared statements. A serialization
// failure or deadlock marks the transaction for Write to run again.
var dialect = &sqlstore.Dialect{
	Rebind: rebind,
	Duplicate: func(err error) bool {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "23505" // unique_violation
	},
	Conflict:     isConflict,
	DerivedAlias: func(name string) string { return " AS " + name },
	InList: func(ids []string) (string, any, error) {
		return `= ANY(?::text[])`, ids, nil
	},
	SweepQueries: sweepQueries,
}

func newTx(ctx context.Context, tx *sql.Tx) *pgTx {
	return &pgTx{sqlstore.NewTx(ctx, tx, dialect)}
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

type counter struct{ n atomic.Int64 }

func (c *counter) add()        { c.n.Add(1) }
func (c *counter) load() int64 { return c.n.Load() }
