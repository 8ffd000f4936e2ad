package sqlstore

import (
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

// Sweep deletes one bounded batch of what is past before (see the server's
// sweep.go), with the dialect's statement for the target.
func (t *Tx) Sweep(what store.SweepTarget, before time.Time, limit int) (int, error) {
	q, ok := t.d.SweepQueries[what]
	if !ok {
		return 0, fmt.Errorf("sweep: unknown target %d", what)
	}
	res, err := t.Exec(q, MS(before), limit)
	if err != nil {
		return 0, fmt.Errorf("sweep %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sweep %s: %w", what, err)
	}
	return int(n), nil
}
