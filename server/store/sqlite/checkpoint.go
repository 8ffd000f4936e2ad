package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// The WAL is checkpointed in the background rather than by the committing
// writer: SQLite's automatic checkpoint runs inside a commit and holds the
// only write connection through its fsync, which stalls every writer queued
// behind it. A PASSIVE checkpoint on its own connection runs beside the
// writers. The writer's automatic checkpoint stays on, at a high mark, as a
// backstop should the background one fall behind.
const (
	checkpointEvery    = time.Second
	walBackstopPages   = 10000 // about 40 MB of WAL
	checkpointDeadline = 30 * time.Second
)

// startCheckpointer runs PASSIVE checkpoints on db every checkpointEvery
// until stop is called.
func startCheckpointer(db *sql.DB) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				cctx, ccancel := context.WithTimeout(ctx, checkpointDeadline)
				_, _ = db.ExecContext(cctx, `PRAGMA wal_checkpoint(PASSIVE)`) // best effort; the backstop remains
				ccancel()
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
