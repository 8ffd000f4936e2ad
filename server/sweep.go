package server

import (
	"context"
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

// The sweep: what has expired, and what is past its retention, is deleted in
// the background a small batch per write transaction, so that the database
// stops growing once the retention windows are full and a sign-in waits at
// most one batch for the write lock.

const (
	// sweepGrace: rows are kept this long after they expire or end, for
	// whoever looks into a recent sign-in; every rule that reads them looks
	// back less (the longest: 15 minutes of push and failure windows).
	sweepGrace = 24 * time.Hour
	// DefaultAuditRetention is how long audit events are kept unless
	// Config.AuditRetention says otherwise.
	DefaultAuditRetention = 400 * 24 * time.Hour
	// DefaultSweepEvery is how often the sweep runs unless Config.SweepEvery
	// says otherwise.
	DefaultSweepEvery = 10 * time.Minute
	sweepBatch        = 500
	// freePagesKept: free pages left in the file for the next inserts
	// (16 MiB); only more than that is given back.
	freePagesKept = 4096
)

// SweepReport is how many rows one sweep deleted, by target, and how many
// free pages it gave back to the file system.
type SweepReport struct {
	Deleted   map[store.SweepTarget]int
	Reclaimed int
}

// cutoff is the moment before which rows of w are deleted.
func (s *Server) sweepCutoff(w store.SweepTarget, now time.Time) time.Time {
	switch w {
	case store.SweepFailures:
		return now.Add(-store.FailureRetention)
	case store.SweepAudit:
		return now.Add(-s.auditRetention())
	case store.SweepOutbox, store.SweepBackupChecks:
		return now.Add(-sweepGrace) // from when they were written
	}
	return now.Add(-sweepGrace) // from their expiry
}

func (s *Server) auditRetention() time.Duration {
	if s.cfg.AuditRetention > 0 {
		return s.cfg.AuditRetention
	}
	return DefaultAuditRetention
}

// Sweep deletes what has expired or is past its retention, at the server's
// clock, one batch per write transaction, and gives free pages back. The
// background loop runs it every Config.SweepEvery; tests and tools call it.
func (s *Server) Sweep(ctx context.Context) (SweepReport, error) {
	rep := SweepReport{Deleted: map[store.SweepTarget]int{}}
	now := s.now()
	for w := range store.NumSweepTargets {
		before := s.sweepCutoff(w, now)
		for {
			var n int
			start := time.Now()
			err := s.store.Write(ctx, func(tx store.Tx) (err error) {
				n, err = tx.Sweep(w, before, sweepBatch)
				return err
			})
			if err != nil {
				return rep, fmt.Errorf("sweep: %w", err)
			}
			rep.Deleted[w] += n
			if n < sweepBatch {
				break
			}
			if err := rest(ctx, time.Since(start)); err != nil {
				return rep, err
			}
		}
	}
	for {
		var n int
		start := time.Now()
		err := s.store.Write(ctx, func(tx store.Tx) (err error) {
			n, err = tx.ReclaimFreePages(freePagesKept)
			return err
		})
		if err != nil {
			return rep, fmt.Errorf("sweep: %w", err)
		}
		rep.Reclaimed += n
		if n == 0 {
			return rep, nil
		}
		if err := rest(ctx, time.Since(start)); err != nil {
			return rep, err
		}
	}
}

// rest waits as long as a full batch took before the next: a backlog (the
// first sweep of a grown database) then takes at most half of a core and of
// the write lock, and sign-ins keep their pace meanwhile.
func rest(ctx context.Context, took time.Duration) error {
	t := time.NewTimer(took)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// sweepLoop runs Sweep every Config.SweepEvery until ctx ends.
func (s *Server) sweepLoop(ctx context.Context) {
	every := s.cfg.SweepEvery
	if every <= 0 {
		every = DefaultSweepEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		start := time.Now()
		rep, err := s.Sweep(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Error("sweep failed", "err", err)
			continue
		}
		total := 0
		for _, n := range rep.Deleted {
			total += n
		}
		if total > 0 || rep.Reclaimed > 0 {
			s.log.Info("sweep", "deleted", total, "pages_reclaimed", rep.Reclaimed, "took", time.Since(start).Round(time.Millisecond))
		}
	}
}
