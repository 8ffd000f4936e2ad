package sqlstore

import (
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

func (t *Tx) InsertSession(s store.Session) error {
	_, err := t.Exec(`INSERT INTO sessions (id, member_id, created_at, expires_at, mfa_at, revoked_at, revoke_reason, console_version, client_address)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.MemberID, MS(s.CreatedAt), MS(s.ExpiresAt), MS(s.MFAAt), MS(s.RevokedAt), s.RevokeReason, s.ConsoleVersion, s.ClientAddress)
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

func (t *Tx) Session(id string) (store.Session, error) {
	var s store.Session
	var created, exp, mfa, revoked int64
	err := t.QueryRow(`SELECT id, member_id, created_at, expires_at, mfa_at, revoked_at, revoke_reason, console_version, client_address
		FROM sessions WHERE id = ?`, id).Scan(&s.ID, &s.MemberID, &created, &exp, &mfa, &revoked, &s.RevokeReason, &s.ConsoleVersion, &s.ClientAddress)
	if err != nil {
		return s, NoRows("session", err)
	}
	s.CreatedAt, s.ExpiresAt, s.MFAAt, s.RevokedAt = FromMS(created), FromMS(exp), FromMS(mfa), FromMS(revoked)
	return s, nil
}

func (t *Tx) RevokeSession(id string, at time.Time, reason string) error {
	if _, err := t.Exec(`UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at = 0`, MS(at), reason, id); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

func (t *Tx) SetSessionMFA(id string, at time.Time) error {
	return t.ExecOne("set session mfa", `UPDATE sessions SET mfa_at = ? WHERE id = ? AND revoked_at = 0`, MS(at), id)
}

func (t *Tx) RevokeMemberSessions(memberID string, at time.Time, reason string) error {
	if _, err := t.Exec(`UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE member_id = ? AND revoked_at = 0`, MS(at), reason, memberID); err != nil {
		return fmt.Errorf("revoke sessions: %w", err)
	}
	// Half-finished sign-ins end too.
	if _, err := t.Exec(`UPDATE mfa_tokens SET used_at = ? WHERE member_id = ? AND used_at = 0`, MS(at), memberID); err != nil {
		return fmt.Errorf("revoke mfa tokens: %w", err)
	}
	return nil
}

func (t *Tx) InsertAccessToken(a store.AccessToken) error {
	if _, err := t.Exec(`INSERT INTO access_tokens (token_hash, session_id, expires_at) VALUES (?, ?, ?)`, a.Hash, a.SessionID, MS(a.ExpiresAt)); err != nil {
		return fmt.Errorf("insert access token: %w", err)
	}
	return nil
}

func (t *Tx) AccessToken(hash string) (store.AccessToken, error) {
	var a store.AccessToken
	var exp int64
	err := t.QueryRow(`SELECT token_hash, session_id, expires_at FROM access_tokens WHERE token_hash = ?`, hash).Scan(&a.Hash, &a.SessionID, &exp)
	if err != nil {
		return a, NoRows("access token", err)
	}
	a.ExpiresAt = FromMS(exp)
	return a, nil
}

func (t *Tx) InsertRefreshToken(r store.RefreshToken) error {
	_, err := t.Exec(`INSERT INTO refresh_tokens (token_hash, session_id, created_at, used_at) VALUES (?, ?, ?, ?)`, r.Hash, r.SessionID, MS(r.CreatedAt), MS(r.UsedAt))
	if err != nil {
		return fmt.Errorf("insert refresh token: %w", err)
	}
	return nil
}

func (t *Tx) RefreshToken(hash string) (store.RefreshToken, error) {
	var r store.RefreshToken
	var created, used int64
	err := t.QueryRow(`SELECT token_hash, session_id, created_at, used_at FROM refresh_tokens WHERE token_hash = ?`, hash).Scan(&r.Hash, &r.SessionID, &created, &used)
	if err != nil {
		return r, NoRows("refresh token", err)
	}
	r.CreatedAt, r.UsedAt = FromMS(created), FromMS(used)
	return r, nil
}

func (t *Tx) UseRefreshToken(hash string, at time.Time) error {
	return t.ExecOne("use refresh token", `UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at = 0`, MS(at), hash)
}

// RevokeOtherSessions ends every session of the member but keepSessionID,
// and every half-finished sign-in.
func (t *Tx) RevokeOtherSessions(memberID, keepSessionID string, at time.Time, reason string) error {
	if _, err := t.Exec(`UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE member_id = ? AND id <> ? AND revoked_at = 0`,
		MS(at), reason, memberID, keepSessionID); err != nil {
		return fmt.Errorf("revoke other sessions: %w", err)
	}
	if _, err := t.Exec(`UPDATE mfa_tokens SET used_at = ? WHERE member_id = ? AND used_at = 0`, MS(at), memberID); err != nil {
		return fmt.Errorf("revoke mfa tokens: %w", err)
	}
	return nil
}
