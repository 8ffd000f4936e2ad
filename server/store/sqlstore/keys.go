package sqlstore

import (
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

// The server key's check value and the secrets sealed with the key.

func (t *Tx) KeyCheck() ([]byte, error) {
	var sealed []byte
	if err := t.QueryRow(`SELECT sealed FROM key_check WHERE id = 1`).Scan(&sealed); err != nil {
		return nil, NoRows("key check", err)
	}
	return sealed, nil
}

func (t *Tx) PutKeyCheck(sealed []byte, at time.Time) error {
	_, err := t.Exec(`INSERT INTO key_check (id, sealed, created_at) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET sealed = excluded.sealed, created_at = excluded.created_at`, sealed, MS(at))
	if err != nil {
		return fmt.Errorf("put key check: %w", err)
	}
	return nil
}

func (t *Tx) SealedSecrets() ([]store.SealedSecret, error) {
	rows, err := t.Query(`SELECT id, secret FROM factors WHERE secret IS NOT NULL AND length(secret) > 0 ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list sealed secrets: %w", err)
	}
	defer rows.Close()
	var out []store.SealedSecret
	for rows.Next() {
		var s store.SealedSecret
		if err := rows.Scan(&s.FactorID, &s.Sealed); err != nil {
			return nil, fmt.Errorf("list sealed secrets: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func (t *Tx) PutSealedSecret(s store.SealedSecret) error {
	return t.ExecOne("put sealed secret", `UPDATE factors SET secret = ? WHERE id = ?`, s.Sealed, s.FactorID)
}
