// Package engines chooses the store's engine by the database's name: the one
// place that knows every engine.
package engines

import (
	"strings"

	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/postgres"
	"github.com/remotesupport/techconsole/server/store/sqlite"
)

// For returns the engine of the database that db names: a postgres:// or
// postgresql:// URL is a PostgreSQL database, a file path a SQLite one.
func For(db string) store.Engine {
	if IsPostgres(db) {
		return postgres.Engine{}
	}
	return sqlite.Engine{}
}

// IsPostgres reports whether db names a PostgreSQL database.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}
