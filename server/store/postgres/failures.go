package postgres

import (
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// Step-up tokens and throttling failures.

func (t *pgTx) InsertStepUpToken(s store.StepUpToken) error {
	_, err := t.exec(`INSERT INTO step_up_tokens (token_hash, member_id, session_id, purpose, challenge_id, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.Hash, s.MemberID, s.SessionID, string(s.Purpose), s.ChallengeID, ms(s.ExpiresAt), ms(s.UsedAt))
	if err != nil {
		return fmt.Errorf("insert step-up token: %w", err)
	}
	return nil
}

func (t *pgTx) StepUpToken(hash string) (store.StepUpToken, error) {
	var s store.StepUpToken
	var purpose string
	var exp, used int64
	err := t.queryRow(`SELECT token_hash, member_id, session_id, purpose, challenge_id, expires_at, used_at FROM step_up_tokens WHERE token_hash = ?`, hash).
		Scan(&s.Hash, &s.MemberID, &s.SessionID, &purpose, &s.ChallengeID, &exp, &used)
	if err != nil {
		return s, noRows("step-up token", err)
	}
	s.Purpose, s.ExpiresAt, s.UsedAt = api.Purpose(purpose), fromMS(exp), fromMS(used)
	return s, nil
}

func (t *pgTx) UseStepUpToken(hash string, at time.Time) error {
	return t.execOne("use step-up token", `UPDATE step_up_tokens SET used_at = ? WHERE token_hash = ? AND used_at = 0`, ms(at), hash)
}

// failureRetention is how long failures are kept (the throttle looks back
// 15 minutes; the audit log keeps the story).
const failureRetention = 24 * time.Hour

// InsertFailure records f, returns its id and drops a few of the oldest
// failures past failureRetention, so the table stays bounded at a constant
// cost per insert.
func (t *pgTx) InsertFailure(f store.Failure) (int64, error) {
	var id int64
	err := t.queryRow(`INSERT INTO failures (at, kind, subject, client_address, provisional) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		ms(f.At), f.Kind, f.Subject, f.ClientAddress, b2i(f.Provisional)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert failure: %w", err)
	}
	_, err = t.exec(`DELETE FROM failures WHERE id IN (SELECT id FROM (SELECT id, at FROM failures ORDER BY id LIMIT 16) AS oldest WHERE at < ?)`,
		ms(f.At.Add(-failureRetention)))
	if err != nil {
		return 0, fmt.Errorf("prune failures: %w", err)
	}
	return id, nil
}

// ConfirmFailure counts a provisional failure from at, when it became known
// to be one. A failure already pruned is not an error.
func (t *pgTx) ConfirmFailure(id int64, at time.Time) error {
	if _, err := t.exec(`UPDATE failures SET provisional = 0, at = ? WHERE id = ?`, ms(at), id); err != nil {
		return fmt.Errorf("confirm failure: %w", err)
	}
	return nil
}

// DeleteFailure removes one failure (a provisional one whose attempt
// turned out right). A failure already pruned is not an error.
func (t *pgTx) DeleteFailure(id int64) error {
	if _, err := t.exec(`DELETE FROM failures WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete failure: %w", err)
	}
	return nil
}

// RecentFailures reads one limit's window: by subject and kind, or (Subject
// empty) every failure from the client address.
func (t *pgTx) RecentFailures(f store.FailureFilter, since, staleBefore time.Time, limit int) (store.FailureWindow, error) {
	where, args := `subject = ? AND kind = ?`, []any{f.Subject, f.Kind}
	if f.Subject == "" {
		where, args = `client_address = ?`, []any{f.ClientAddress}
	}
	var w store.FailureWindow
	rows, err := t.query(`SELECT at FROM failures WHERE `+where+` AND at > ? AND (provisional = 0 OR at < ?) ORDER BY at DESC LIMIT ?`,
		append(args, ms(since), ms(staleBefore), limit)...)
	if err != nil {
		return w, fmt.Errorf("recent failures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return w, fmt.Errorf("recent failures: %w", err)
		}
		w.Counted = append(w.Counted, fromMS(at))
	}
	if err := rows.Err(); err != nil {
		return w, fmt.Errorf("recent failures: %w", err)
	}
	err = t.queryRow(`SELECT COUNT(*) FROM (SELECT 1 FROM failures WHERE `+where+` AND provisional = 1 AND at > ? AND at >= ? LIMIT ?) AS in_flight`,
		append(args, ms(since), ms(staleBefore), limit)...).Scan(&w.InFlight)
	if err != nil {
		return w, fmt.Errorf("failures in flight: %w", err)
	}
	return w, nil
}
