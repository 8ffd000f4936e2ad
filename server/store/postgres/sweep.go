package postgres

import (
	"github.com/remotesupport/techconsole/server/store"
)

// What the sweep deletes, one bounded batch per statement.

// sweepQueries: each deletes at most $2 (the batch) rows older than $1 (the
// cutoff, Unix ms). Tables with an expiry are found by its index; the
// append-only ones (audit, outbox, failures) are read in id order, the
// batch's worth of oldest rows only.
var sweepQueries = map[store.SweepTarget]string{
	store.SweepChallenges:   `DELETE FROM challenges WHERE id IN (SELECT id FROM challenges WHERE expires_at < $1 LIMIT $2)`,
	store.SweepMFATokens:    `DELETE FROM mfa_tokens WHERE token_hash IN (SELECT token_hash FROM mfa_tokens WHERE expires_at < $1 LIMIT $2)`,
	store.SweepStepUpTokens: `DELETE FROM step_up_tokens WHERE token_hash IN (SELECT token_hash FROM step_up_tokens WHERE expires_at < $1 LIMIT $2)`,
	// A session's family ends at expires_at whether or not it was revoked
	// before; its access and refresh tokens go with it (ON DELETE CASCADE).
	store.SweepSessions:     `DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < $1 LIMIT $2)`,
	store.SweepAccessTokens: `DELETE FROM access_tokens WHERE token_hash IN (SELECT token_hash FROM access_tokens WHERE expires_at < $1 LIMIT $2)`,
	store.SweepPushTokens:   `DELETE FROM push_tokens WHERE token_hash IN (SELECT token_hash FROM push_tokens WHERE expires_at < $1 LIMIT $2)`,
	store.SweepBackupChecks: `DELETE FROM setup_backup_checks WHERE mfa_token_hash IN (SELECT mfa_token_hash FROM setup_backup_checks WHERE verified_at < $1 LIMIT $2)`,
	store.SweepOutbox:       `DELETE FROM outbox WHERE id IN (SELECT id FROM (SELECT id, at FROM outbox ORDER BY id LIMIT $2) AS oldest WHERE at < $1)`,
	store.SweepFailures:     `DELETE FROM failures WHERE id IN (SELECT id FROM (SELECT id, at FROM failures ORDER BY id LIMIT $2) AS oldest WHERE at < $1)`,
	store.SweepAudit:        `DELETE FROM audit WHERE id IN (SELECT id FROM (SELECT id, at FROM audit ORDER BY id LIMIT $2) AS oldest WHERE at < $1)`,
}

// ReclaimFreePages has nothing to do: PostgreSQL's autovacuum makes the
// space of deleted rows reusable by itself.
func (t *pgTx) ReclaimFreePages(keep int) (int, error) { return 0, nil }
