package postgres

import (
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// Push registration, devices and open pushes.

func (t *pgTx) PushToken(hash string) (store.PushToken, error) {
	var p store.PushToken
	var exp, used int64
	err := t.queryRow(`SELECT token_hash, member_id, factor_id, expires_at, used_at FROM push_tokens WHERE token_hash = ?`, hash).
		Scan(&p.Hash, &p.MemberID, &p.FactorID, &exp, &used)
	if err != nil {
		return p, noRows("push token", err)
	}
	p.ExpiresAt, p.UsedAt = fromMS(exp), fromMS(used)
	return p, nil
}

func (t *pgTx) UsePushToken(hash string, at time.Time) error {
	return t.execOne("use push token", `UPDATE push_tokens SET used_at = ? WHERE token_hash = ? AND used_at = 0`, ms(at), hash)
}

func (t *pgTx) DeviceByToken(hash string) (store.Device, error) {
	var d store.Device
	var created, revoked int64
	err := t.queryRow(`SELECT id, member_id, factor_id, name, token_hash, created_at, revoked_at FROM devices WHERE token_hash = ?`, hash).
		Scan(&d.ID, &d.MemberID, &d.FactorID, &d.Name, &d.TokenHash, &created, &revoked)
	if err != nil {
		return d, noRows("device", err)
	}
	d.CreatedAt, d.RevokedAt = fromMS(created), fromMS(revoked)
	return d, nil
}

// OpenPushes are the member's pending app notifications that have not
// expired, oldest first.
func (t *pgTx) OpenPushes(memberID string, now time.Time) ([]store.Challenge, error) {
	return t.pushes(`member_id = ?`, memberID, now)
}

// RecentPushes returns the send times of at most limit of the member's
// pushes sent after since, whatever their status, newest first.
func (t *pgTx) RecentPushes(memberID string, since time.Time, limit int) ([]time.Time, error) {
	rows, err := t.query(`SELECT created_at FROM challenges WHERE member_id = ? AND method = ? AND created_at > ?
		ORDER BY created_at DESC LIMIT ?`, memberID, string(api.MethodAppNotification), ms(since), limit)
	if err != nil {
		return nil, fmt.Errorf("recent pushes: %w", err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return nil, fmt.Errorf("recent pushes: %w", err)
		}
		out = append(out, fromMS(at))
	}
	return out, rows.Err()
}

// FactorPushes are the pending, unexpired pushes sent to one app
// notification factor (one phone), oldest first.
func (t *pgTx) FactorPushes(factorID string, now time.Time) ([]store.Challenge, error) {
	return t.pushes(`factor_id = ?`, factorID, now)
}

func (t *pgTx) pushes(where, arg string, now time.Time) ([]store.Challenge, error) {
	ids := []string{}
	rows, err := t.query(`SELECT id FROM challenges WHERE `+where+` AND method = ? AND status = ? AND expires_at > ?
		ORDER BY created_at, id`, arg, string(api.MethodAppNotification), store.ChallengeStatusPending, ms(now))
	if err != nil {
		return nil, fmt.Errorf("list pushes: %w", err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list pushes: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list pushes: %w", err)
	}
	out := make([]store.Challenge, 0, len(ids))
	for _, id := range ids {
		c, err := t.Challenge(id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// RevokeOtherSessions ends every session of the member but keepSessionID,
// and every half-finished sign-in.
func (t *pgTx) RevokeOtherSessions(memberID, keepSessionID string, at time.Time, reason string) error {
	if _, err := t.exec(`UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE member_id = ? AND id <> ? AND revoked_at = 0`,
		ms(at), reason, memberID, keepSessionID); err != nil {
		return fmt.Errorf("revoke other sessions: %w", err)
	}
	if _, err := t.exec(`UPDATE mfa_tokens SET used_at = ? WHERE member_id = ? AND used_at = 0`, ms(at), memberID); err != nil {
		return fmt.Errorf("revoke mfa tokens: %w", err)
	}
	return nil
}
