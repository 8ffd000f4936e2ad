package sqlstore

import (
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

// ConfirmFailure counts a provisional failure from at, when it became known
// to be one. A failure already pruned is not an error.
func (t *Tx) ConfirmFailure(id int64, at time.Time) error {
	if _, err := t.Exec(`UPDATE failures SET provisional = 0, at = ? WHERE id = ?`, MS(at), id); err != nil {
		return fmt.Errorf("confirm failure: %w", err)
	}
	return nil
}

// DeleteFailure removes one failure (a provisional one whose attempt
// turned out right). A failure already pruned is not an error.
func (t *Tx) DeleteFailure(id int64) error {
	if _, err := t.Exec(`DELETE FROM failures WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete failure: %w", err)
	}
	return nil
}

// RecentFailures reads one limit's window: by subject and kind, or (Subject
// empty) every failure from the client address.
func (t *Tx) RecentFailures(f store.FailureFilter, since, staleBefore time.Time, limit int) (store.FailureWindow, error) {
	where, args := `subject = ? AND kind = ?`, []any{f.Subject, f.Kind}
	if f.Subject == "" {
		where, args = `client_address = ?`, []any{f.ClientAddress}
	}
	var w store.FailureWindow
	rows, err := t.Query(`SELECT at FROM failures WHERE `+where+` AND at > ? AND (provisional = 0 OR at < ?) ORDER BY at DESC LIMIT ?`,
		append(args, MS(since), MS(staleBefore), limit)...)
	if err != nil {
		return w, fmt.Errorf("recent failures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return w, fmt.Errorf("recent failures: %w", err)
		}
		w.Counted = append(w.Counted, FromMS(at))
	}
	if err := rows.Err(); err != nil {
		return w, fmt.Errorf("recent failures: %w", err)
	}
	err = t.QueryRow(`SELECT COUNT(*) FROM (SELECT 1 FROM failures WHERE `+where+` AND provisional = 1 AND at > ? AND at >= ? LIMIT ?)`+t.derived("in_flight"),
		append(args, MS(since), MS(staleBefore), limit)...).Scan(&w.InFlight)
	if err != nil {
		return w, fmt.Errorf("failures in flight: %w", err)
	}
	return w, nil
}
