package store

import (
	"time"

	"github.com/remotesupport/techconsole/api"
)

// Challenges keeps the two-step prompts, pushes among them.
type Challenges interface {
	InsertChallenge(Challenge) error
	Challenge(id string) (Challenge, error)
	// ChallengesByBearer lists the challenges started with one token, oldest first.
	ChallengesByBearer(bearerHash string) ([]Challenge, error)
	UpdateChallenge(Challenge) error
	OpenPushes(memberID string, now time.Time) ([]Challenge, error)
	// RecentPushes returns when at most limit of the member's pushes were
	// sent after since (whatever became of them), newest first.
	RecentPushes(memberID string, since time.Time, limit int) ([]time.Time, error)
	FactorPushes(factorID string, now time.Time) ([]Challenge, error)
}

// Challenge statuses as stored (the wire statuses are derived from them).
const (
	ChallengeStatusPending   = "pending"
	ChallengeStatusPassed    = "passed"
	ChallengeStatusFailed    = "failed"
	ChallengeStatusCancelled = "cancelled"
	ChallengeStatusExpired   = "expired"
	ChallengeStatusDenied    = "denied"
	// a push approved on the phone whose tokens the console has not
	// collected yet; collecting them moves it to passed, once
	ChallengeStatusApproved = "approved"
)

// Challenge is one two-step prompt.
type Challenge struct {
	ID             string
	MemberID       string
	FactorID       string
	Method         api.Method
	Purpose        api.Purpose
	BearerHash     string // the token the challenge is bound to
	Status         string
	CodeHash       string
	Attempts       int
	MatchNumber    string
	ResendAt       time.Time
	ExpiresAt      time.Time
	CreatedAt      time.Time
	ClosedAt       time.Time
	ConsoleVersion string
	ClientAddress  string
}
