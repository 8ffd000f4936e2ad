// Package engines chooses the store's engine by the database's name: the one
// place that knows every engine.
package engines

import (
	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/sqlite"
)

// For returns the engine of the database that db names: a file path is a
// SQLite database.
func For(db string) store.Engine {
	return sqlite.Engine{}
}
