package server

import (
	"time"

	"github.com/remotesupport/techconsole/api"
)

// ChallengeStatusApproved is a push approved on the phone whose tokens the
// console has not collected yet; collecting them moves it to passed, once.
const ChallengeStatusApproved = "approved"

// StepUpToken is the single-use proof that a member passed a fresh
// challenge for purpose (password_change) in one session.
type StepUpToken struct {
	Hash        string
	MemberID    string
	SessionID   string
	Purpose     api.Purpose
	ChallengeID string
	ExpiresAt   time.Time
	UsedAt      time.Time
}

// Failure kinds counted by the throttle.
const (
	failurePassword        = "password"         // a wrong password from a client without a valid device cookie, known username or not
	failureDevicePassword  = "password_device"  // a wrong password from a client with a valid device cookie (subject: its nonce)
	failureSessionPassword = "password_session" // a wrong current password of a password change (subject: the session id)
	failureCode            = "code"             // a wrong code or push number
	failurePushToken       = "push_token"       // an unknown, used or expired registration token
)

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
