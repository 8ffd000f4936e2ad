package sqlstore

import (
	"fmt"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// FactorCols are the columns ScanFactor reads.
const FactorCols = `id, member_id, method, status, secret, target, parent_id, last_step, code_hash, code_expires_at, code_attempts, resend_after, created_at, confirmed_at, step_up_session, step_up_until`

// ScanFactor reads a row of FactorCols.
func ScanFactor(r Scanner) (store.Factor, error) {
	var f store.Factor
	var method, status string
	var until, resend, created, confirmed, stepUpUntil int64
	if err := r.Scan(&f.ID, &f.MemberID, &method, &status, &f.Secret, &f.Target, &f.ParentID, &f.LastStep,
		&f.CodeHash, &until, &f.Attempts, &resend, &created, &confirmed, &f.StepUpSession, &stepUpUntil); err != nil {
		return f, err
	}
	f.Method, f.Status = api.Method(method), api.FactorStatus(status)
	f.CodeUntil, f.ResendAt, f.CreatedAt, f.Confirmed = FromMS(until), FromMS(resend), FromMS(created), FromMS(confirmed)
	f.StepUpUntil = FromMS(stepUpUntil)
	return f, nil
}

func (t *Tx) Factors(memberID string) ([]store.Factor, error) {
	rows, err := t.Query(`SELECT `+FactorCols+` FROM factors WHERE member_id = ? ORDER BY created_at, id`, memberID)
	if err != nil {
		return nil, fmt.Errorf("list factors: %w", err)
	}
	defer rows.Close()
	var out []store.Factor
	for rows.Next() {
		f, err := ScanFactor(rows)
		if err != nil {
			return nil, fmt.Errorf("list factors: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func (t *Tx) Factor(id string) (store.Factor, error) {
	f, err := ScanFactor(t.QueryRow(`SELECT `+FactorCols+` FROM factors WHERE id = ?`, id))
	if err != nil {
		return f, NoRows("factor", err)
	}
	return f, nil
}

func (t *Tx) InsertFactor(f store.Factor) error {
	_, err := t.Exec(`INSERT INTO factors (`+FactorCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.MemberID, string(f.Method), string(f.Status), f.Secret, f.Target, f.ParentID, f.LastStep,
		f.CodeHash, MS(f.CodeUntil), f.Attempts, MS(f.ResendAt), MS(f.CreatedAt), MS(f.Confirmed), f.StepUpSession, MS(f.StepUpUntil))
	if err != nil {
		return fmt.Errorf("insert factor: %w", err)
	}
	return nil
}

func (t *Tx) UpdateFactor(f store.Factor) error {
	return t.ExecOne("update factor", `UPDATE factors SET status = ?, secret = ?, target = ?, parent_id = ?, last_step = ?, code_hash = ?,
		code_expires_at = ?, code_attempts = ?, resend_after = ?, confirmed_at = ?, step_up_session = ?, step_up_until = ? WHERE id = ?`,
		string(f.Status), f.Secret, f.Target, f.ParentID, f.LastStep, f.CodeHash, MS(f.CodeUntil), f.Attempts, MS(f.ResendAt), MS(f.Confirmed),
		f.StepUpSession, MS(f.StepUpUntil), f.ID)
}

func (t *Tx) DeleteFactor(id string) error {
	if _, err := t.Exec(`DELETE FROM push_tokens WHERE factor_id = ?`, id); err != nil {
		return fmt.Errorf("delete factor: %w", err)
	}
	return t.ExecOne("delete factor", `DELETE FROM factors WHERE id = ?`, id)
}
