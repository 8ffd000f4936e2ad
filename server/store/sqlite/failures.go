package sqlite

import (
	"fmt"

	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/sqlstore"
)

// InsertFailure records f, returns its id and drops a few of the oldest
// failures past store.FailureRetention, so the table stays bounded at a constant
// cost per insert.
func (t *sqliteTx) InsertFailure(f store.Failure) (int64, error) {
	res, err := t.Exec(`INSERT INTO failures (at, kind, subject, client_address, provisional) VALUES (?, ?, ?, ?, ?)`,
		sqlstore.MS(f.At), f.Kind, f.Subject, f.ClientAddress, f.Provisional)
	if err != nil {
		return 0, fmt.Errorf("insert failure: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("insert failure: %w", err)
	}
	_, err = t.Exec(`DELETE FROM failures WHERE id IN (SELECT id FROM (SELECT id, at FROM failures ORDER BY id LIMIT 16) WHERE at < ?)`,
		sqlstore.MS(f.At.Add(-store.FailureRetention)))
	if err != nil {
		return 0, fmt.Errorf("prune failures: %w", err)
	}
	return id, nil
}
