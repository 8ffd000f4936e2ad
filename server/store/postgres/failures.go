package postgres

import (
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/sqlstore"
)

// failureRetention is how long failures are kept (the throttle looks back
// 15 minutes; the audit log keeps the story).
const failureRetention = 24 * time.Hour

// InsertFailure records f, returns its id and drops a few of the oldest
// failures past failureRetention, so the table stays bounded at a constant
// cost per insert.
func (t *pgTx) InsertFailure(f store.Failure) (int64, error) {
	var id int64
	err := t.QueryRow(`INSERT INTO failures (at, kind, subject, client_address, provisional) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		sqlstore.MS(f.At), f.Kind, f.Subject, f.ClientAddress, sqlstore.B2I(f.Provisional)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert failure: %w", err)
	}
	_, err = t.Exec(`DELETE FROM failures WHERE id IN (SELECT id FROM (SELECT id, at FROM failures ORDER BY id LIMIT 16) AS oldest WHERE at < ?)`,
		sqlstore.MS(f.At.Add(-failureRetention)))
	if err != nil {
		return 0, fmt.Errorf("prune failures: %w", err)
	}
	return id, nil
}
