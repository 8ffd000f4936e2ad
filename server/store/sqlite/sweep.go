package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

// What the sweep deletes, one bounded batch per statement (see the server's
// sweep.go).

// sweepQueries: each deletes at most ? (the batch) rows older than ? (the
// cutoff, Unix ms). Tables with an expiry are found by its index; the
// append-only ones (audit, outbox, failures) are read in id order, the
// batch's worth of oldest rows only, so a sweep with nothing to do reads
// no more than one batch.
var sweepQueries = map[store.SweepTarget]string{
	store.SweepChallenges:   `DELETE FROM challenges WHERE rowid IN (SELECT rowid FROM challenges WHERE expires_at < ?1 LIMIT ?2)`,
	store.SweepMFATokens:    `DELETE FROM mfa_tokens WHERE rowid IN (SELECT rowid FROM mfa_tokens WHERE expires_at < ?1 LIMIT ?2)`,
	store.SweepStepUpTokens: `DELETE FROM step_up_tokens WHERE rowid IN (SELECT rowid FROM step_up_tokens WHERE expires_at < ?1 LIMIT ?2)`,
	// A session's family ends at expires_at whether or not it was revoked
	// before; its access and refresh tokens go with it (ON DELETE CASCADE).
	store.SweepSessions:     `DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE expires_at < ?1 LIMIT ?2)`,
	store.SweepAccessTokens: `DELETE FROM access_tokens WHERE rowid IN (SELECT rowid FROM access_tokens WHERE expires_at < ?1 LIMIT ?2)`,
	store.SweepPushTokens:   `DELETE FROM push_tokens WHERE rowid IN (SELECT rowid FROM push_tokens WHERE expires_at < ?1 LIMIT ?2)`,
	store.SweepBackupChecks: `DELETE FROM setup_backup_checks WHERE rowid IN (SELECT rowid FROM setup_backup_checks WHERE verified_at < ?1 LIMIT ?2)`,
	store.SweepOutbox:       `DELETE FROM outbox WHERE id IN (SELECT id FROM (SELECT id, at FROM outbox ORDER BY id LIMIT ?2) WHERE at < ?1)`,
	store.SweepFailures:     `DELETE FROM failures WHERE id IN (SELECT id FROM (SELECT id, at FROM failures ORDER BY id LIMIT ?2) WHERE at < ?1)`,
	store.SweepAudit:        `DELETE FROM audit WHERE id IN (SELECT id FROM (SELECT id, at FROM audit ORDER BY id LIMIT ?2) WHERE at < ?1)`,
}

// reclaimStep is how many free pages one ReclaimFreePages gives back
// (4 MiB at SQLite's default page size); a constant keeps the statement
// one prepared statement.
const reclaimStep = 1024

// ReclaimFreePages gives reclaimStep free pages back to the file system
// (incremental auto-vacuum) when more than keep+reclaimStep are free, and
// returns how many it gave back.
func (t *sqliteTx) ReclaimFreePages(keep int) (int, error) {
	var free int
	if err := t.QueryRow(`PRAGMA freelist_count`).Scan(&free); err != nil {
		return 0, fmt.Errorf("freelist count: %w", err)
	}
	if free-keep < reclaimStep {
		return 0, nil
	}
	rows, err := t.Query(`PRAGMA incremental_vacuum(` + strconv.Itoa(reclaimStep) + `)`)
	if err != nil {
		return 0, fmt.Errorf("incremental vacuum: %w", err)
	}
	for rows.Next() {
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("incremental vacuum: %w", err)
	}
	return reclaimStep, nil
}

// incrementalAutoVacuum turns on incremental auto-vacuum, so that the sweep
// can give space back. A file keeps its mode until a VACUUM rebuilds it
// (once the WAL mode is set even an empty file counts as made), which is
// done here once: instant on a new file; on an existing one it holds the
// database while it copies it, before the server serves.
func incrementalAutoVacuum(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	const incremental = 2
	var mode, tables int
	if err := db.QueryRowContext(ctx, `PRAGMA auto_vacuum`).Scan(&mode); err != nil {
		return fmt.Errorf("auto_vacuum: %w", err)
	}
	if mode == incremental {
		return nil
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema`).Scan(&tables); err != nil {
		return fmt.Errorf("auto_vacuum: %w", err)
	}
	if _, err := db.ExecContext(ctx, `PRAGMA auto_vacuum = INCREMENTAL`); err != nil {
		return fmt.Errorf("auto_vacuum: %w", err)
	}
	start := time.Now()
	if _, err := db.ExecContext(ctx, `VACUUM`); err != nil {
		return fmt.Errorf("vacuum to turn on incremental auto-vacuum: %w", err)
	}
	if tables > 0 && log != nil {
		log.Info("database rebuilt once for incremental auto-vacuum", "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}
