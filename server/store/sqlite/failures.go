package sqlite

import (
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

// InsertFailure records f, returns its id and drops a few of the oldest
// failures past store.FailureRetention, so the table stays bounded at a constant
// cost per insert.
func (t *sqliteTx) InsertFailure(f store.Failure) (int64, error) {
	res, err := t.exec(`INSERT INTO failures (at, kind, subject, client_address, provisional) VALUES (?, ?, ?, ?, ?)`,
		ms(f.At), f.Kind, f.Subject, f.ClientAddress, f.Provisional)
	if err != nil {
		return 0, fmt.Errorf("insert failure: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("insert failure: %w", err)
	}
	_, err = t.exec(`DELETE FROM failures WHERE id IN (SELECT id FROM (SELECT id, at FROM failures ORDER BY id LIMIT 16) WHERE at < ?)`,
		ms(f.At.Add(-store.FailureRetention)))
	if err != nil {
		return 0, fmt.Errorf("prune failures: %w", err)
	}
	return id, nil
}

// ConfirmFailure counts a provisional failure from at, when it became known
// to be one. A failure already pruned is not an error.
func (t *sqliteTx) ConfirmFailure(id int64, at time.Time) error {
	if _, err := t.exec(`UPDATE failures SET provisional = 0, at = ? WHERE id = ?`, ms(at), id); err != nil {
		return fmt.Errorf("confirm failure: %w", err)
	}
	return nil
}

// DeleteFailure removes one failure (a provisional one whose attempt
// turned out right). A failure already pruned is not an error.
func (t *sqliteTx) DeleteFailure(id int64) error {
	if _, err := t.exec(`DELETE FROM failures WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete failure: %w", err)
	}
	return nil
}

// RecentFailures reads one limit's window: by subject and kind, or (Subject
// empty) every failure from the client address.
func (t *sqliteTx) RecentFailures(f store.FailureFilter, since, staleBefore time.Time, limit int) (store.FailureWindow, error) {
	where, args := `subject = ? AND kind = ?`, []any{f.Subject, f.Kind}
	if f.Subject == "" {
		where, args = `client_address = ?`, []any{f.ClientAddress}
	}
	var w store.FailureWindow
	rows, err := t.tx.QueryContext(t.ctx, `SELECT at FROM failures WHERE `+where+` AND at > ? AND (provisional = 0 OR at < ?) ORDER BY at DESC LIMIT ?`,
		append(args, ms(since), ms(staleBefore), limit)...)
	if err != nil {
		return w, fmt.Errorf("recent failures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return w, fmt.Errorf("recent failures: %w", err)
		}
		w.Counted = append(w.Counted, fromMS(at))
	}
	if err := rows.Err(); err != nil {
		return w, fmt.Errorf("recent failures: %w", err)
	}
	err = t.tx.QueryRowContext(t.ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM failures WHERE `+where+` AND provisional = 1 AND at > ? AND at >= ? LIMIT ?)`,
		append(args, ms(since), ms(staleBefore), limit)...).Scan(&w.InFlight)
	if err != nil {
		return w, fmt.Errorf("failures in flight: %w", err)
	}
	return w, nil
}
