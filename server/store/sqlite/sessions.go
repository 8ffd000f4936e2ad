package sqlite

import (
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

func (t *sqliteTx) InsertSession(s store.Session) error {
	_, err := t.exec(`INSERT INTO sessions (id, member_id, created_at, expires_at, mfa_at, revoked_at, revoke_reason, console_version, client_address)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.MemberID, ms(s.CreatedAt), ms(s.ExpiresAt), ms(s.MFAAt), ms(s.RevokedAt), s.RevokeReason, s.ConsoleVersion, s.ClientAddress)
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

func (t *sqliteTx) Session(id string) (store.Session, error) {
	var s store.Session
	var created, exp, mfa, revoked int64
	err := t.tx.QueryRowContext(t.ctx, `SELECT id, member_id, created_at, expires_at, mfa_at, revoked_at, revoke_reason, console_version, client_address
		FROM sessions WHERE id = ?`, id).Scan(&s.ID, &s.MemberID, &created, &exp, &mfa, &revoked, &s.RevokeReason, &s.ConsoleVersion, &s.ClientAddress)
	if err != nil {
		return s, noRows("session", err)
	}
	s.CreatedAt, s.ExpiresAt, s.MFAAt, s.RevokedAt = fromMS(created), fromMS(exp), fromMS(mfa), fromMS(revoked)
	return s, nil
}

func (t *sqliteTx) RevokeSession(id string, at time.Time, reason string) error {
	if _, err := t.exec(`UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at = 0`, ms(at), reason, id); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

func (t *sqliteTx) SetSessionMFA(id string, at time.Time) error {
	return t.execOne("set session mfa", `UPDATE sessions SET mfa_at = ? WHERE id = ? AND revoked_at = 0`, ms(at), id)
}

func (t *sqliteTx) RevokeMemberSessions(memberID string, at time.Time, reason string) error {
	if _, err := t.exec(`UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE member_id = ? AND revoked_at = 0`, ms(at), reason, memberID); err != nil {
		return fmt.Errorf("revoke sessions: %w", err)
	}
	// Half-finished sign-ins end too.
	if _, err := t.exec(`UPDATE mfa_tokens SET used_at = ? WHERE member_id = ? AND used_at = 0`, ms(at), memberID); err != nil {
		return fmt.Errorf("revoke mfa tokens: %w", err)
	}
	return nil
}

func (t *sqliteTx) InsertAccessToken(a store.AccessToken) error {
	if _, err := t.exec(`INSERT INTO access_tokens (token_hash, session_id, expires_at) VALUES (?, ?, ?)`, a.Hash, a.SessionID, ms(a.ExpiresAt)); err != nil {
		return fmt.Errorf("insert access token: %w", err)
	}
	return nil
}

func (t *sqliteTx) AccessToken(hash string) (store.AccessToken, error) {
	var a store.AccessToken
	var exp int64
	err := t.tx.QueryRowContext(t.ctx, `SELECT token_hash, session_id, expires_at FROM access_tokens WHERE token_hash = ?`, hash).Scan(&a.Hash, &a.SessionID, &exp)
	if err != nil {
		return a, noRows("access token", err)
	}
	a.ExpiresAt = fromMS(exp)
	return a, nil
}

func (t *sqliteTx) InsertRefreshToken(r store.RefreshToken) error {
	_, err := t.exec(`INSERT INTO refresh_tokens (token_hash, session_id, created_at, used_at) VALUES (?, ?, ?, ?)`, r.Hash, r.SessionID, ms(r.CreatedAt), ms(r.UsedAt))
	if err != nil {
		return fmt.Errorf("insert refresh token: %w", err)
	}
	return nil
}

func (t *sqliteTx) RefreshToken(hash string) (store.RefreshToken, error) {
	var r store.RefreshToken
	var created, used int64
	err := t.tx.QueryRowContext(t.ctx, `SELECT token_hash, session_id, created_at, used_at FROM refresh_tokens WHERE token_hash = ?`, hash).Scan(&r.Hash, &r.SessionID, &created, &used)
	if err != nil {
		return r, noRows("refresh token", err)
	}
	r.CreatedAt, r.UsedAt = fromMS(created), fromMS(used)
	return r, nil
}

func (t *sqliteTx) UseRefreshToken(hash string, at time.Time) error {
	return t.execOne("use refresh token", `UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at = 0`, ms(at), hash)
}

// RevokeOtherSessions ends every session of the member but keepSessionID,
// and every half-finished sign-in.
func (t *sqliteTx) RevokeOtherSessions(memberID, keepSessionID string, at time.Time, reason string) error {
	if _, err := t.exec(`UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE member_id = ? AND id <> ? AND revoked_at = 0`,
		ms(at), reason, memberID, keepSessionID); err != nil {
		return fmt.Errorf("revoke other sessions: %w", err)
	}
	if _, err := t.exec(`UPDATE mfa_tokens SET used_at = ? WHERE member_id = ? AND used_at = 0`, ms(at), memberID); err != nil {
		return fmt.Errorf("revoke mfa tokens: %w", err)
	}
	return nil
}
