package sqlstore

import (
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// What a sign-in holds on the way: its MFA token, the step-up tokens of fresh
// challenges, and the backup verifications of setups after a reset.

func (t *Tx) InsertMFAToken(m store.MFAToken) error {
	_, err := t.Exec(`INSERT INTO mfa_tokens (token_hash, member_id, kind, expires_at, used_at, console_version, client_address) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		m.Hash, m.MemberID, m.Kind, MS(m.ExpiresAt), MS(m.UsedAt), m.ConsoleVersion, m.ClientAddress)
	if err != nil {
		return fmt.Errorf("insert mfa token: %w", err)
	}
	return nil
}

func (t *Tx) MFAToken(hash string) (store.MFAToken, error) {
	var m store.MFAToken
	var exp, used int64
	err := t.QueryRow(`SELECT token_hash, member_id, kind, expires_at, used_at, console_version, client_address, failures
		FROM mfa_tokens WHERE token_hash = ?`, hash).
		Scan(&m.Hash, &m.MemberID, &m.Kind, &exp, &used, &m.ConsoleVersion, &m.ClientAddress, &m.Failures)
	if err != nil {
		return m, NoRows("mfa token", err)
	}
	m.ExpiresAt, m.UsedAt = FromMS(exp), FromMS(used)
	return m, nil
}

func (t *Tx) UseMFAToken(hash string, at time.Time) error {
	return t.ExecOne("use mfa token", `UPDATE mfa_tokens SET used_at = ? WHERE token_hash = ? AND used_at = 0`, MS(at), hash)
}

func (t *Tx) FailMFAToken(hash string) (int, error) {
	if err := t.ExecOne("fail mfa token", `UPDATE mfa_tokens SET failures = failures + 1 WHERE token_hash = ?`, hash); err != nil {
		return 0, err
	}
	var n int
	if err := t.QueryRow(`SELECT failures FROM mfa_tokens WHERE token_hash = ?`, hash).Scan(&n); err != nil {
		return 0, fmt.Errorf("fail mfa token: %w", err)
	}
	return n, nil
}

func (t *Tx) InsertBackupCheck(c store.BackupCheck) error {
	_, err := t.Exec(`INSERT INTO setup_backup_checks (mfa_token_hash, member_id, factor_id, verified_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (mfa_token_hash) DO UPDATE SET factor_id = excluded.factor_id, verified_at = excluded.verified_at`,
		c.MFATokenHash, c.MemberID, c.FactorID, MS(c.VerifiedAt))
	if err != nil {
		return fmt.Errorf("insert backup check: %w", err)
	}
	return nil
}

func (t *Tx) BackupCheck(mfaTokenHash string) (store.BackupCheck, error) {
	var c store.BackupCheck
	var at int64
	err := t.QueryRow(`SELECT mfa_token_hash, member_id, factor_id, verified_at FROM setup_backup_checks WHERE mfa_token_hash = ?`, mfaTokenHash).
		Scan(&c.MFATokenHash, &c.MemberID, &c.FactorID, &at)
	if err != nil {
		return c, NoRows("backup check", err)
	}
	c.VerifiedAt = FromMS(at)
	return c, nil
}

func (t *Tx) InsertStepUpToken(s store.StepUpToken) error {
	_, err := t.Exec(`INSERT INTO step_up_tokens (token_hash, member_id, session_id, purpose, challenge_id, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.Hash, s.MemberID, s.SessionID, string(s.Purpose), s.ChallengeID, MS(s.ExpiresAt), MS(s.UsedAt))
	if err != nil {
		return fmt.Errorf("insert step-up token: %w", err)
	}
	return nil
}

func (t *Tx) StepUpToken(hash string) (store.StepUpToken, error) {
	var s store.StepUpToken
	var purpose string
	var exp, used int64
	err := t.QueryRow(`SELECT token_hash, member_id, session_id, purpose, challenge_id, expires_at, used_at FROM step_up_tokens WHERE token_hash = ?`, hash).
		Scan(&s.Hash, &s.MemberID, &s.SessionID, &purpose, &s.ChallengeID, &exp, &used)
	if err != nil {
		return s, NoRows("step-up token", err)
	}
	s.Purpose, s.ExpiresAt, s.UsedAt = api.Purpose(purpose), FromMS(exp), FromMS(used)
	return s, nil
}

func (t *Tx) UseStepUpToken(hash string, at time.Time) error {
	return t.ExecOne("use step-up token", `UPDATE step_up_tokens SET used_at = ? WHERE token_hash = ? AND used_at = 0`, MS(at), hash)
}
