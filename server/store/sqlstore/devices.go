package sqlstore

import (
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

// Phones registered for pushes, and their registration tokens.

func (t *Tx) InsertDevice(d store.Device) error {
	_, err := t.Exec(`INSERT INTO devices (id, member_id, factor_id, name, token_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.MemberID, d.FactorID, d.Name, d.TokenHash, MS(d.CreatedAt), MS(d.RevokedAt))
	if err != nil {
		return fmt.Errorf("insert device: %w", err)
	}
	return nil
}

func (t *Tx) RevokeDevices(memberID string, at time.Time) error {
	if _, err := t.Exec(`UPDATE devices SET revoked_at = ? WHERE member_id = ? AND revoked_at = 0`, MS(at), memberID); err != nil {
		return fmt.Errorf("revoke devices: %w", err)
	}
	if _, err := t.Exec(`DELETE FROM push_tokens WHERE member_id = ?`, memberID); err != nil {
		return fmt.Errorf("revoke push tokens: %w", err)
	}
	return nil
}

func (t *Tx) RevokeFactorDevices(factorID string, at time.Time) error {
	if _, err := t.Exec(`UPDATE devices SET revoked_at = ? WHERE factor_id = ? AND revoked_at = 0`, MS(at), factorID); err != nil {
		return fmt.Errorf("revoke factor devices: %w", err)
	}
	return nil
}

func (t *Tx) InsertPushToken(p store.PushToken) error {
	_, err := t.Exec(`INSERT INTO push_tokens (token_hash, member_id, factor_id, expires_at, used_at) VALUES (?, ?, ?, ?, ?)`,
		p.Hash, p.MemberID, p.FactorID, MS(p.ExpiresAt), MS(p.UsedAt))
	if err != nil {
		return fmt.Errorf("insert push token: %w", err)
	}
	return nil
}

func (t *Tx) DeletePushTokens(factorID string) error {
	if _, err := t.Exec(`DELETE FROM push_tokens WHERE factor_id = ?`, factorID); err != nil {
		return fmt.Errorf("delete push tokens: %w", err)
	}
	return nil
}

func (t *Tx) PushToken(hash string) (store.PushToken, error) {
	var p store.PushToken
	var exp, used int64
	err := t.QueryRow(`SELECT token_hash, member_id, factor_id, expires_at, used_at FROM push_tokens WHERE token_hash = ?`, hash).
		Scan(&p.Hash, &p.MemberID, &p.FactorID, &exp, &used)
	if err != nil {
		return p, NoRows("push token", err)
	}
	p.ExpiresAt, p.UsedAt = FromMS(exp), FromMS(used)
	return p, nil
}

func (t *Tx) UsePushToken(hash string, at time.Time) error {
	return t.ExecOne("use push token", `UPDATE push_tokens SET used_at = ? WHERE token_hash = ? AND used_at = 0`, MS(at), hash)
}

func (t *Tx) DeviceByToken(hash string) (store.Device, error) {
	var d store.Device
	var created, revoked int64
	err := t.QueryRow(`SELECT id, member_id, factor_id, name, token_hash, created_at, revoked_at FROM devices WHERE token_hash = ?`, hash).
		Scan(&d.ID, &d.MemberID, &d.FactorID, &d.Name, &d.TokenHash, &created, &revoked)
	if err != nil {
		return d, NoRows("device", err)
	}
	d.CreatedAt, d.RevokedAt = FromMS(created), FromMS(revoked)
	return d, nil
}
