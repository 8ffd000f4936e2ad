package postgres

import (
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

// The server key's check value and the secrets sealed with the key.

func (t *pgTx) KeyCheck() ([]byte, error) {
	var sealed []byte
	if err := t.queryRow(`SELECT sealed FROM key_check WHERE id = 1`).Scan(&sealed); err != nil {
		return nil, noRows("key check", err)
	}
	return sealed, nil
}

func (t *pgTx) PutKeyCheck(sealed []byte, at time.Time) error {
	_, err := t.exec(`INSERT INTO key_check (id, sealed, created_at) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET sealed = excluded.sealed, created_at = excluded.created_at`, sealed, ms(at))
	if err != nil {
		return fmt.Errorf("put key check: %w", err)
	}
	return nil
}

func (t *pgTx) SealedSecrets() ([]store.SealedSecret, error) {
	rows, err := t.query(`SELECT id, secret FROM factors WHERE secret IS NOT NULL AND length(secret) > 0 ORDER BY id`)
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

func (t *pgTx) PutSealedSecret(s store.SealedSecret) error {
	return t.execOne("put sealed secret", `UPDATE factors SET secret = ? WHERE id = ?`, s.Sealed, s.FactorID)
}
