package postgres

import (
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// Factors, devices and push registration tokens.

const factorCols = `id, member_id, method, status, secret, target, parent_id, last_step, code_hash, code_expires_at, code_attempts, resend_after, created_at, confirmed_at, step_up_session, step_up_until`

func scanFactor(r scanner) (store.Factor, error) {
	var f store.Factor
	var method, status string
	var until, resend, created, confirmed, stepUpUntil int64
	if err := r.Scan(&f.ID, &f.MemberID, &method, &status, &f.Secret, &f.Target, &f.ParentID, &f.LastStep,
		&f.CodeHash, &until, &f.Attempts, &resend, &created, &confirmed, &f.StepUpSession, &stepUpUntil); err != nil {
		return f, err
	}
	f.Method, f.Status = api.Method(method), api.FactorStatus(status)
	f.CodeUntil, f.ResendAt, f.CreatedAt, f.Confirmed = fromMS(until), fromMS(resend), fromMS(created), fromMS(confirmed)
	f.StepUpUntil = fromMS(stepUpUntil)
	return f, nil
}

func (t *pgTx) Factors(memberID string) ([]store.Factor, error) {
	rows, err := t.query(`SELECT `+factorCols+` FROM factors WHERE member_id = ? ORDER BY created_at, id`, memberID)
	if err != nil {
		return nil, fmt.Errorf("list factors: %w", err)
	}
	defer rows.Close()
	var out []store.Factor
	for rows.Next() {
		f, err := scanFactor(rows)
		if err != nil {
			return nil, fmt.Errorf("list factors: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func (t *pgTx) Factor(id string) (store.Factor, error) {
	f, err := scanFactor(t.queryRow(`SELECT `+factorCols+` FROM factors WHERE id = ?`, id))
	if err != nil {
		return f, noRows("factor", err)
	}
	return f, nil
}

func (t *pgTx) InsertFactor(f store.Factor) error {
	_, err := t.exec(`INSERT INTO factors (`+factorCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.MemberID, string(f.Method), string(f.Status), f.Secret, f.Target, f.ParentID, f.LastStep,
		f.CodeHash, ms(f.CodeUntil), f.Attempts, ms(f.ResendAt), ms(f.CreatedAt), ms(f.Confirmed), f.StepUpSession, ms(f.StepUpUntil))
	if err != nil {
		return fmt.Errorf("insert factor: %w", err)
	}
	return nil
}

func (t *pgTx) UpdateFactor(f store.Factor) error {
	return t.execOne("update factor", `UPDATE factors SET status = ?, secret = ?, target = ?, parent_id = ?, last_step = ?, code_hash = ?,
		code_expires_at = ?, code_attempts = ?, resend_after = ?, confirmed_at = ?, step_up_session = ?, step_up_until = ? WHERE id = ?`,
		string(f.Status), f.Secret, f.Target, f.ParentID, f.LastStep, f.CodeHash, ms(f.CodeUntil), f.Attempts, ms(f.ResendAt), ms(f.Confirmed),
		f.StepUpSession, ms(f.StepUpUntil), f.ID)
}

func (t *pgTx) DeleteFactor(id string) error {
	if _, err := t.exec(`DELETE FROM push_tokens WHERE factor_id = ?`, id); err != nil {
		return fmt.Errorf("delete factor: %w", err)
	}
	return t.execOne("delete factor", `DELETE FROM factors WHERE id = ?`, id)
}

func (t *pgTx) InsertDevice(d store.Device) error {
	_, err := t.exec(`INSERT INTO devices (id, member_id, factor_id, name, token_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.MemberID, d.FactorID, d.Name, d.TokenHash, ms(d.CreatedAt), ms(d.RevokedAt))
	if err != nil {
		return fmt.Errorf("insert device: %w", err)
	}
	return nil
}

func (t *pgTx) RevokeDevices(memberID string, at time.Time) error {
	if _, err := t.exec(`UPDATE devices SET revoked_at = ? WHERE member_id = ? AND revoked_at = 0`, ms(at), memberID); err != nil {
		return fmt.Errorf("revoke devices: %w", err)
	}
	if _, err := t.exec(`DELETE FROM push_tokens WHERE member_id = ?`, memberID); err != nil {
		return fmt.Errorf("revoke push tokens: %w", err)
	}
	return nil
}

func (t *pgTx) RevokeFactorDevices(factorID string, at time.Time) error {
	if _, err := t.exec(`UPDATE devices SET revoked_at = ? WHERE factor_id = ? AND revoked_at = 0`, ms(at), factorID); err != nil {
		return fmt.Errorf("revoke factor devices: %w", err)
	}
	return nil
}

func (t *pgTx) InsertPushToken(p store.PushToken) error {
	_, err := t.exec(`INSERT INTO push_tokens (token_hash, member_id, factor_id, expires_at, used_at) VALUES (?, ?, ?, ?, ?)`,
		p.Hash, p.MemberID, p.FactorID, ms(p.ExpiresAt), ms(p.UsedAt))
	if err != nil {
		return fmt.Errorf("insert push token: %w", err)
	}
	return nil
}

func (t *pgTx) DeletePushTokens(factorID string) error {
	if _, err := t.exec(`DELETE FROM push_tokens WHERE factor_id = ?`, factorID); err != nil {
		return fmt.Errorf("delete push tokens: %w", err)
	}
	return nil
}
