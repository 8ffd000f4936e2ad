package store

import "time"

// FailureRetention is how long failures are kept (the throttle looks back
// 15 minutes; the audit log keeps the story).
const FailureRetention = 24 * time.Hour

// Failures keeps the failed attempts the throttle counts.
type Failures interface {
	// InsertFailure records a failure and returns its id.
	InsertFailure(Failure) (int64, error)
	// ConfirmFailure turns a provisional failure into a counted one at at.
	ConfirmFailure(id int64, at time.Time) error
	// DeleteFailure removes a failure recorded provisionally.
	DeleteFailure(id int64) error
	// RecentFailures returns the failures matching f after since: at most
	// limit counted ones (confirmed, or provisional ones recorded before
	// staleBefore, whose check never came back), and how many provisional
	// ones are still in flight (at most limit).
	RecentFailures(f FailureFilter, since, staleBefore time.Time, limit int) (FailureWindow, error)
}

// Failure is one failed attempt. Subject is the username typed (passwords),
// the device cookie's nonce, the session id, the member id (codes) or the
// client address (push tokens). A provisional failure is a password check
// whose hash has not decided yet.
type Failure struct {
	At            time.Time
	Kind          string
	Subject       string
	ClientAddress string
	Provisional   bool
}

// FailureWindow is what the throttle sees of one limit's window.
type FailureWindow struct {
	Counted  []time.Time // newest first
	InFlight int         // provisional failures whose check is still running
}

// FailureFilter selects failures: by subject and kind, or (Subject empty)
// every failure from ClientAddress.
type FailureFilter struct {
	Subject       string
	Kind          string
	ClientAddress string
}
