package sqlite

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/sqlstore"
)

// indexUsernames fills the key and skeleton of the members that have none
// (those from before migration 0016, and those it could not index before),
// oldest first. A name PRECIS refuses, or one whose key or skeleton an older
// member holds, is left as it is and logged: the member still signs in with
// the name exactly as stored, and an administrator should rename one of the
// pair. Runs in Go because SQL knows neither PRECIS nor TR39.
func (s *sqliteStore) indexUsernames(ctx context.Context, log *slog.Logger) error {
	return s.Write(ctx, func(tx store.Tx) error {
		t := tx.(*sqliteTx)
		rows, err := t.Query(`SELECT id, username FROM members WHERE username_key IS NULL ORDER BY created_at, id`)
		if err != nil {
			return fmt.Errorf("index usernames: %w", err)
		}
		type member struct{ id, username string }
		var todo []member
		for rows.Next() {
			var m member
			if err := rows.Scan(&m.id, &m.username); err != nil {
				rows.Close()
				return fmt.Errorf("index usernames: %w", err)
			}
			todo = append(todo, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("index usernames: %w", err)
		}
		for _, m := range todo {
			key, skeleton := sqlstore.UsernameIndex(m.username)
			if key == nil {
				log.Warn("a member's username is not a valid username (RFC 8265); it signs in only as stored: rename the member",
					"member_id", m.id, "username", m.username)
				continue
			}
			_, err := t.Exec(`UPDATE members SET username_key = ?, username_skeleton = ? WHERE id = ?`, key, skeleton, m.id)
			if errors.Is(err, store.ErrDuplicate) {
				log.Warn("a member's username is the same as, or looks like, an older member's; left as it is (it signs in only as stored): rename one of them",
					"member_id", m.id, "username", m.username)
				continue
			}
			if err != nil {
				return fmt.Errorf("index username of %s: %w", m.id, err)
			}
		}
		return nil
	})
}
