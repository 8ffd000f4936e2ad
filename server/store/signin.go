package store

import (
	"time"

	"github.com/remotesupport/techconsole/api"
)

// MFATokens keeps the half-authenticated tokens of sign-ins.
type MFATokens interface {
	InsertMFAToken(MFAToken) error
	MFAToken(hash string) (MFAToken, error)
	UseMFAToken(hash string, at time.Time) error
	// FailMFAToken counts a wrong code against the sign-in and returns the count.
	FailMFAToken(hash string) (int, error)
}

// StepUps keeps the single-use proofs of fresh challenges.
type StepUps interface {
	InsertStepUpToken(StepUpToken) error
	StepUpToken(hash string) (StepUpToken, error)
	UseStepUpToken(hash string, at time.Time) error
}

// BackupChecks keeps the backup verifications of setups after a reset.
type BackupChecks interface {
	// InsertBackupCheck records (or renews) the one of a setup mfa_token.
	InsertBackupCheck(BackupCheck) error
	BackupCheck(mfaTokenHash string) (BackupCheck, error)
}

// MFA token kinds: a challenge token reaches only the challenge calls, a
// setup token only the /me/two-step calls.
const (
	MFAKindChallenge = "challenge"
	MFAKindSetup     = "setup"
)

// MFAToken is the half-authenticated token of one sign-in.
type MFAToken struct {
	Hash           string
	MemberID       string
	Kind           string
	ExpiresAt      time.Time
	UsedAt         time.Time
	ConsoleVersion string
	ClientAddress  string
	Failures       int // wrong codes over all the sign-in's challenges
}

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

// BackupCheck records that a setup (one setup mfa_token) confirmed a code
// sent to the member's backup: after a reset that left the backup active,
// only such a setup may pair a new authenticator, change the backup or
// activate.
type BackupCheck struct {
	MFATokenHash string
	MemberID     string
	FactorID     string
	VerifiedAt   time.Time
}
