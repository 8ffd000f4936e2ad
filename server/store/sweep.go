package store

import "time"

// Sweeper deletes what has expired or is past its retention.
type Sweeper interface {
	// Sweep deletes at most limit rows of what that ended before before
	// (expired, or past its retention), oldest first, and says how many.
	Sweep(what SweepTarget, before time.Time, limit int) (int, error)
	// ReclaimFreePages returns a step of the free pages above keep to the
	// file system (incremental auto-vacuum) and says how many (0: too few,
	// or an engine that has nothing to give back).
	ReclaimFreePages(keep int) (int, error)
}

// SweepTarget is one kind of row the sweep deletes.
type SweepTarget int

const (
	SweepChallenges SweepTarget = iota
	SweepMFATokens
	SweepStepUpTokens
	SweepSessions // and their access and refresh tokens
	SweepAccessTokens
	SweepPushTokens
	SweepBackupChecks
	SweepOutbox
	SweepFailures
	SweepAudit
	NumSweepTargets // how many
)

func (w SweepTarget) String() string {
	return [...]string{"challenges", "mfa_tokens", "step_up_tokens", "sessions", "access_tokens", "push_tokens",
		"setup_backup_checks", "outbox", "failures", "audit"}[w]
}
