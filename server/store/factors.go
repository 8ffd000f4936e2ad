package store

import (
	"time"

	"github.com/remotesupport/techconsole/api"
)

// Factors keeps the members' two-step methods.
type Factors interface {
	Factors(memberID string) ([]Factor, error)
	// FactorsOf returns the factors of several members at once, by member id.
	FactorsOf(memberIDs []string) (map[string][]Factor, error)
	Factor(id string) (Factor, error)
	InsertFactor(Factor) error
	UpdateFactor(Factor) error
	DeleteFactor(id string) error
}

// Factor is one enrolled or started two-step method of a member.
type Factor struct {
	ID        string
	MemberID  string
	Method    api.Method
	Status    api.FactorStatus
	Secret    []byte // sealed TOTP secret (authenticator_app)
	Target    string // phone or email (sms, email)
	ParentID  string // app_notification: its authenticator factor
	LastStep  int64  // last accepted TOTP time step
	CodeHash  string // pending confirmation code of an sms/email factor
	CodeUntil time.Time
	Attempts  int
	ResendAt  time.Time
	CreatedAt time.Time
	Confirmed time.Time
	// StepUpSession and StepUpUntil: the session whose step-up (purpose
	// manage_two_step) started or confirmed this change, and until when that
	// step-up covers the rest of it (see the server's factor_stepup.go).
	StepUpSession string
	StepUpUntil   time.Time
}
