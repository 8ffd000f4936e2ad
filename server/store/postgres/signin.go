package postgres

import (
	"fmt"
	"math"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// MFA tokens, challenges, sessions and their tokens.

func (t *pgTx) InsertMFAToken(m store.MFAToken) error {
	_, err := t.exec(`INSERT INTO mfa_tokens (token_hash, member_id, kind, expires_at, used_at, console_version, client_address) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		m.Hash, m.MemberID, m.Kind, ms(m.ExpiresAt), ms(m.UsedAt), m.ConsoleVersion, m.ClientAddress)
	if err != nil {
		return fmt.Errorf("insert mfa token: %w", err)
	}
	return nil
}

func (t *pgTx) MFAToken(hash string) (store.MFAToken, error) {
	var m store.MFAToken
	var exp, used int64
	err := t.queryRow(`SELECT token_hash, member_id, kind, expires_at, used_at, console_version, client_address, failures
		FROM mfa_tokens WHERE token_hash = ?`, hash).
		Scan(&m.Hash, &m.MemberID, &m.Kind, &exp, &used, &m.ConsoleVersion, &m.ClientAddress, &m.Failures)
	if err != nil {
		return m, noRows("mfa token", err)
	}
	m.ExpiresAt, m.UsedAt = fromMS(exp), fromMS(used)
	return m, nil
}

func (t *pgTx) UseMFAToken(hash string, at time.Time) error {
	return t.execOne("use mfa token", `UPDATE mfa_tokens SET used_at = ? WHERE token_hash = ? AND used_at = 0`, ms(at), hash)
}

func (t *pgTx) FailMFAToken(hash string) (int, error) {
	if err := t.execOne("fail mfa token", `UPDATE mfa_tokens SET failures = failures + 1 WHERE token_hash = ?`, hash); err != nil {
		return 0, err
	}
	var n int
	if err := t.queryRow(`SELECT failures FROM mfa_tokens WHERE token_hash = ?`, hash).Scan(&n); err != nil {
		return 0, fmt.Errorf("fail mfa token: %w", err)
	}
	return n, nil
}

const challengeCols = `id, member_id, factor_id, method, purpose, bearer_hash, status, code_hash, attempts, match_number, resend_after, expires_at, created_at, closed_at, console_version, client_address`

func (t *pgTx) InsertChallenge(c store.Challenge) error {
	_, err := t.exec(`INSERT INTO challenges (`+challengeCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.MemberID, c.FactorID, string(c.Method), string(c.Purpose), c.BearerHash, c.Status, c.CodeHash, c.Attempts,
		c.MatchNumber, ms(c.ResendAt), ms(c.ExpiresAt), ms(c.CreatedAt), ms(c.ClosedAt), c.ConsoleVersion, c.ClientAddress)
	if err != nil {
		return fmt.Errorf("insert challenge: %w", err)
	}
	return nil
}

func scanChallenge(r scanner) (store.Challenge, error) {
	var c store.Challenge
	var method, purpose string
	var resend, exp, created, closed int64
	err := r.Scan(&c.ID, &c.MemberID, &c.FactorID, &method, &purpose, &c.BearerHash, &c.Status, &c.CodeHash, &c.Attempts,
		&c.MatchNumber, &resend, &exp, &created, &closed, &c.ConsoleVersion, &c.ClientAddress)
	if err != nil {
		return c, err
	}
	c.Method, c.Purpose = api.Method(method), api.Purpose(purpose)
	c.ResendAt, c.ExpiresAt, c.CreatedAt, c.ClosedAt = fromMS(resend), fromMS(exp), fromMS(created), fromMS(closed)
	return c, nil
}

func (t *pgTx) Challenge(id string) (store.Challenge, error) {
	c, err := scanChallenge(t.queryRow(`SELECT `+challengeCols+` FROM challenges WHERE id = ?`, id))
	if err != nil {
		return c, noRows("challenge", err)
	}
	return c, nil
}

func (t *pgTx) ChallengesByBearer(bearerHash string) ([]store.Challenge, error) {
	rows, err := t.query(`SELECT `+challengeCols+` FROM challenges WHERE bearer_hash = ? ORDER BY created_at, id`, bearerHash)
	if err != nil {
		return nil, fmt.Errorf("list challenges: %w", err)
	}
	defer rows.Close()
	var out []store.Challenge
	for rows.Next() {
		c, err := scanChallenge(rows)
		if err != nil {
			return nil, fmt.Errorf("list challenges: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (t *pgTx) UpdateChallenge(c store.Challenge) error {
	return t.execOne("update challenge", `UPDATE challenges SET status = ?, code_hash = ?, attempts = ?, match_number = ?, resend_after = ?,
		expires_at = ?, closed_at = ? WHERE id = ?`,
		c.Status, c.CodeHash, c.Attempts, c.MatchNumber, ms(c.ResendAt), ms(c.ExpiresAt), ms(c.ClosedAt), c.ID)
}

func (t *pgTx) InsertSession(s store.Session) error {
	_, err := t.exec(`INSERT INTO sessions (id, member_id, created_at, expires_at, mfa_at, revoked_at, revoke_reason, console_version, client_address)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.MemberID, ms(s.CreatedAt), ms(s.ExpiresAt), ms(s.MFAAt), ms(s.RevokedAt), s.RevokeReason, s.ConsoleVersion, s.ClientAddress)
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

func (t *pgTx) Session(id string) (store.Session, error) {
	var s store.Session
	var created, exp, mfa, revoked int64
	err := t.queryRow(`SELECT id, member_id, created_at, expires_at, mfa_at, revoked_at, revoke_reason, console_version, client_address
		FROM sessions WHERE id = ?`, id).Scan(&s.ID, &s.MemberID, &created, &exp, &mfa, &revoked, &s.RevokeReason, &s.ConsoleVersion, &s.ClientAddress)
	if err != nil {
		return s, noRows("session", err)
	}
	s.CreatedAt, s.ExpiresAt, s.MFAAt, s.RevokedAt = fromMS(created), fromMS(exp), fromMS(mfa), fromMS(revoked)
	return s, nil
}

func (t *pgTx) RevokeSession(id string, at time.Time, reason string) error {
	if _, err := t.exec(`UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at = 0`, ms(at), reason, id); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

func (t *pgTx) SetSessionMFA(id string, at time.Time) error {
	return t.execOne("set session mfa", `UPDATE sessions SET mfa_at = ? WHERE id = ? AND revoked_at = 0`, ms(at), id)
}

func (t *pgTx) RevokeMemberSessions(memberID string, at time.Time, reason string) error {
	if _, err := t.exec(`UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE member_id = ? AND revoked_at = 0`, ms(at), reason, memberID); err != nil {
		return fmt.Errorf("revoke sessions: %w", err)
	}
	// Half-finished sign-ins end too.
	if _, err := t.exec(`UPDATE mfa_tokens SET used_at = ? WHERE member_id = ? AND used_at = 0`, ms(at), memberID); err != nil {
		return fmt.Errorf("revoke mfa tokens: %w", err)
	}
	return nil
}

func (t *pgTx) InsertAccessToken(a store.AccessToken) error {
	if _, err := t.exec(`INSERT INTO access_tokens (token_hash, session_id, expires_at) VALUES (?, ?, ?)`, a.Hash, a.SessionID, ms(a.ExpiresAt)); err != nil {
		return fmt.Errorf("insert access token: %w", err)
	}
	return nil
}

func (t *pgTx) AccessToken(hash string) (store.AccessToken, error) {
	var a store.AccessToken
	var exp int64
	err := t.queryRow(`SELECT token_hash, session_id, expires_at FROM access_tokens WHERE token_hash = ?`, hash).Scan(&a.Hash, &a.SessionID, &exp)
	if err != nil {
		return a, noRows("access token", err)
	}
	a.ExpiresAt = fromMS(exp)
	return a, nil
}

func (t *pgTx) InsertRefreshToken(r store.RefreshToken) error {
	_, err := t.exec(`INSERT INTO refresh_tokens (token_hash, session_id, created_at, used_at) VALUES (?, ?, ?, ?)`, r.Hash, r.SessionID, ms(r.CreatedAt), ms(r.UsedAt))
	if err != nil {
		return fmt.Errorf("insert refresh token: %w", err)
	}
	return nil
}

func (t *pgTx) RefreshToken(hash string) (store.RefreshToken, error) {
	var r store.RefreshToken
	var created, used int64
	err := t.queryRow(`SELECT token_hash, session_id, created_at, used_at FROM refresh_tokens WHERE token_hash = ?`, hash).Scan(&r.Hash, &r.SessionID, &created, &used)
	if err != nil {
		return r, noRows("refresh token", err)
	}
	r.CreatedAt, r.UsedAt = fromMS(created), fromMS(used)
	return r, nil
}

func (t *pgTx) UseRefreshToken(hash string, at time.Time) error {
	return t.execOne("use refresh token", `UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at = 0`, ms(at), hash)
}

// Outbox and audit.

func (t *pgTx) InsertOutbox(m api.OutboxMessage) error {
	_, err := t.exec(`INSERT INTO outbox (at, channel, to_addr, body, code) VALUES (?, ?, ?, ?, ?)`, ms(m.At), string(m.Channel), m.To, m.Body, m.Code)
	if err != nil {
		return fmt.Errorf("insert outbox: %w", err)
	}
	return nil
}

func (t *pgTx) ListOutbox(to string, limit int) ([]api.OutboxMessage, error) {
	q := `SELECT id, at, channel, to_addr, body, code FROM outbox`
	args := []any{}
	if to != "" {
		q += ` WHERE to_addr = ?`
		args = append(args, to)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	defer rows.Close()
	out := []api.OutboxMessage{}
	for rows.Next() {
		var m api.OutboxMessage
		var at int64
		var ch string
		if err := rows.Scan(&m.ID, &at, &ch, &m.To, &m.Body, &m.Code); err != nil {
			return nil, fmt.Errorf("list outbox: %w", err)
		}
		m.At, m.Channel = fromMS(at), api.Method(ch)
		out = append(out, m)
	}
	return out, rows.Err()
}

func (t *pgTx) InsertAudit(e api.AuditEvent) error {
	_, err := t.exec(`INSERT INTO audit (at, kind, member_id, username, actor_id, client_address, console_version, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		ms(e.At), e.Kind, e.MemberID, e.Username, e.ActorID, e.ClientAddress, e.ConsoleVersion, e.Detail)
	if err != nil {
		return fmt.Errorf("insert audit: %w", err)
	}
	return nil
}

func (t *pgTx) ListAudit(limit int) ([]api.AuditEvent, error) { return t.AuditBefore(0, limit) }

func (t *pgTx) AuditBefore(beforeID int64, limit int) ([]api.AuditEvent, error) {
	if beforeID <= 0 {
		beforeID = math.MaxInt64
	}
	rows, err := t.query(`SELECT id, at, kind, member_id, username, actor_id, client_address, console_version, detail
		FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?`, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	out := []api.AuditEvent{}
	for rows.Next() {
		var e api.AuditEvent
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Kind, &e.MemberID, &e.Username, &e.ActorID, &e.ClientAddress, &e.ConsoleVersion, &e.Detail); err != nil {
			return nil, fmt.Errorf("list audit: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
