package sqlstore

import (
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

const challengeCols = `id, member_id, factor_id, method, purpose, bearer_hash, status, code_hash, attempts, match_number, resend_after, expires_at, created_at, closed_at, console_version, client_address`

func (t *Tx) InsertChallenge(c store.Challenge) error {
	_, err := t.Exec(`INSERT INTO challenges (`+challengeCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.MemberID, c.FactorID, string(c.Method), string(c.Purpose), c.BearerHash, c.Status, c.CodeHash, c.Attempts,
		c.MatchNumber, MS(c.ResendAt), MS(c.ExpiresAt), MS(c.CreatedAt), MS(c.ClosedAt), c.ConsoleVersion, c.ClientAddress)
	if err != nil {
		return fmt.Errorf("insert challenge: %w", err)
	}
	return nil
}

func scanChallenge(r Scanner) (store.Challenge, error) {
	var c store.Challenge
	var method, purpose string
	var resend, exp, created, closed int64
	err := r.Scan(&c.ID, &c.MemberID, &c.FactorID, &method, &purpose, &c.BearerHash, &c.Status, &c.CodeHash, &c.Attempts,
		&c.MatchNumber, &resend, &exp, &created, &closed, &c.ConsoleVersion, &c.ClientAddress)
	if err != nil {
		return c, err
	}
	c.Method, c.Purpose = api.Method(method), api.Purpose(purpose)
	c.ResendAt, c.ExpiresAt, c.CreatedAt, c.ClosedAt = FromMS(resend), FromMS(exp), FromMS(created), FromMS(closed)
	return c, nil
}

func (t *Tx) Challenge(id string) (store.Challenge, error) {
	c, err := scanChallenge(t.QueryRow(`SELECT `+challengeCols+` FROM challenges WHERE id = ?`, id))
	if err != nil {
		return c, NoRows("challenge", err)
	}
	return c, nil
}

func (t *Tx) ChallengesByBearer(bearerHash string) ([]store.Challenge, error) {
	rows, err := t.Query(`SELECT `+challengeCols+` FROM challenges WHERE bearer_hash = ? ORDER BY created_at, id`, bearerHash)
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

func (t *Tx) UpdateChallenge(c store.Challenge) error {
	return t.ExecOne("update challenge", `UPDATE challenges SET status = ?, code_hash = ?, attempts = ?, match_number = ?, resend_after = ?,
		expires_at = ?, closed_at = ? WHERE id = ?`,
		c.Status, c.CodeHash, c.Attempts, c.MatchNumber, MS(c.ResendAt), MS(c.ExpiresAt), MS(c.ClosedAt), c.ID)
}

// OpenPushes are the member's pending app notifications that have not
// expired, oldest first.
func (t *Tx) OpenPushes(memberID string, now time.Time) ([]store.Challenge, error) {
	return t.pushes(`member_id = ?`, memberID, now)
}

// RecentPushes returns the send times of at most limit of the member's
// pushes sent after since, whatever their status, newest first.
func (t *Tx) RecentPushes(memberID string, since time.Time, limit int) ([]time.Time, error) {
	rows, err := t.Query(`SELECT created_at FROM challenges WHERE member_id = ? AND method = ? AND created_at > ?
		ORDER BY created_at DESC LIMIT ?`, memberID, string(api.MethodAppNotification), MS(since), limit)
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
		out = append(out, FromMS(at))
	}
	return out, rows.Err()
}

// FactorPushes are the pending, unexpired pushes sent to one app
// notification factor (one phone), oldest first.
func (t *Tx) FactorPushes(factorID string, now time.Time) ([]store.Challenge, error) {
	return t.pushes(`factor_id = ?`, factorID, now)
}

func (t *Tx) pushes(where, arg string, now time.Time) ([]store.Challenge, error) {
	ids, err := t.QueryStrings("list pushes", `SELECT id FROM challenges WHERE `+where+` AND method = ? AND status = ? AND expires_at > ?
		ORDER BY created_at, id`, arg, string(api.MethodAppNotification), store.ChallengeStatusPending, MS(now))
	if err != nil {
		return nil, err
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
