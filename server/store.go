package server

import (
	"context"
	"errors"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// ErrNotFound is returned by Tx lookups that find nothing.
var ErrNotFound = errors.New("not found")

// ErrDuplicate is returned when a unique name (username, group name) is taken.
var ErrDuplicate = errors.New("already exists")

// Store is the server's whole persistent state. Every piece of state that
// matters (challenges, single-use marks, sessions) lives behind it, so another
// implementation (PostgreSQL) can serve several replicas.
type Store interface {
	// Read runs fn in a read-only transaction.
	Read(ctx context.Context, fn func(Tx) error) error
	// Write runs fn in a transaction that takes the write lock up front
	// (BEGIN IMMEDIATE), so concurrent writers queue instead of failing.
	// fn's error rolls the transaction back, except a refusal (commitThen):
	// the transaction commits, then Write returns the refusal's answer.
	Write(ctx context.Context, fn func(Tx) error) error
	// Ping says whether the database answers and has every migration this
	// build knows applied (the readiness check).
	Ping(ctx context.Context) error
	Close() error
}

// refusal is an answer to the caller that must not roll back what its
// transaction recorded: an expired challenge, a counted wrong code, an audit
// event of a refused call.
type refusal struct{ answer error }

func (r refusal) Error() string { return r.answer.Error() }

// commitThen makes answer a refusal: returned from a Write's fn, the
// transaction commits and Write then returns answer. A nil answer stays nil.
func commitThen(answer error) error {
	if answer == nil {
		return nil
	}
	return refusal{answer}
}

// setRefusalAside runs fn on tx; a refusal it returns is set aside as
// *answer and fn counts as succeeded, so that the transaction commits. A
// Store's Write (or a wrapper of one) returns *answer once committed.
func setRefusalAside(fn func(Tx) error, tx Tx, answer *error) error {
	err := fn(tx)
	var r refusal
	if errors.As(err, &r) {
		*answer = r.answer
		return nil
	}
	*answer = nil
	return err
}

// Tx is one transaction's view of the store.
type Tx interface {
	Settings() (Settings, error)
	PutSettings(Settings) error

	ListGroups() ([]Group, error)
	Group(id string) (Group, error)
	InsertGroup(Group) error
	UpdateGroup(Group) error

	CountMembers() (int, error)
	ListMembers() ([]Member, error)
	Member(id string) (Member, error)
	MemberByUsername(username string) (Member, error)
	// MembersPage lists at most p.Limit members in username order (see MemberPage).
	MembersPage(p MemberPage) ([]Member, error)
	InsertMember(Member) error
	UpdateMember(Member) error
	// SetTwoStep records where a member stands with two-step verification
	// (UpdateMember does not change it).
	SetTwoStep(memberID string, st TwoStepState) error

	Factors(memberID string) ([]Factor, error)
	// FactorsOf returns the factors of several members at once, by member id.
	FactorsOf(memberIDs []string) (map[string][]Factor, error)
	Factor(id string) (Factor, error)
	InsertFactor(Factor) error
	UpdateFactor(Factor) error
	DeleteFactor(id string) error

	InsertDevice(Device) error
	RevokeDevices(memberID string, at time.Time) error
	RevokeFactorDevices(factorID string, at time.Time) error
	InsertPushToken(PushToken) error
	DeletePushTokens(factorID string) error

	InsertMFAToken(MFAToken) error
	MFAToken(hash string) (MFAToken, error)
	UseMFAToken(hash string, at time.Time) error
	// FailMFAToken counts a wrong code against the sign-in and returns the count.
	FailMFAToken(hash string) (int, error)

	InsertChallenge(Challenge) error
	Challenge(id string) (Challenge, error)
	// ChallengesByBearer lists the challenges started with one token, oldest first.
	ChallengesByBearer(bearerHash string) ([]Challenge, error)
	UpdateChallenge(Challenge) error

	InsertSession(Session) error
	Session(id string) (Session, error)
	RevokeSession(id string, at time.Time, reason string) error
	// SetSessionMFA records that the session passed two-step verification at at.
	SetSessionMFA(id string, at time.Time) error
	RevokeMemberSessions(memberID string, at time.Time, reason string) error
	InsertAccessToken(AccessToken) error
	AccessToken(hash string) (AccessToken, error)
	InsertRefreshToken(RefreshToken) error
	RefreshToken(hash string) (RefreshToken, error)
	UseRefreshToken(hash string, at time.Time) error

	InsertOutbox(api.OutboxMessage) error
	ListOutbox(to string, limit int) ([]api.OutboxMessage, error)

	InsertAudit(api.AuditEvent) error
	ListAudit(limit int) ([]api.AuditEvent, error)
	// AuditBefore lists at most limit events older than the event beforeID
	// (0: from the newest), newest first.
	AuditBefore(beforeID int64, limit int) ([]api.AuditEvent, error)

	// Pushes, step-up and throttling (store_sqlite_push.go, store_sqlite_stepup.go).
	PushToken(hash string) (PushToken, error)
	UsePushToken(hash string, at time.Time) error
	DeviceByToken(hash string) (Device, error)
	OpenPushes(memberID string, now time.Time) ([]Challenge, error)
	// RecentPushes returns when at most limit of the member's pushes were
	// sent after since (whatever became of them), newest first.
	RecentPushes(memberID string, since time.Time, limit int) ([]time.Time, error)
	FactorPushes(factorID string, now time.Time) ([]Challenge, error)
	RevokeOtherSessions(memberID, keepSessionID string, at time.Time, reason string) error
	InsertStepUpToken(StepUpToken) error
	StepUpToken(hash string) (StepUpToken, error)
	UseStepUpToken(hash string, at time.Time) error
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

	// Sweep deletes at most limit rows of what that ended before before
	// (expired, or past its retention), oldest first, and says how many.
	Sweep(what SweepTarget, before time.Time, limit int) (int, error)
	// ReclaimFreePages returns a step of the free pages above keep to the
	// file system (incremental auto-vacuum) and says how many (0: too few).
	ReclaimFreePages(keep int) (int, error)

	// Backup verifications of setups after a reset (store_sqlite_backup.go).
	// InsertBackupCheck records (or renews) the one of a setup mfa_token.
	InsertBackupCheck(BackupCheck) error
	BackupCheck(mfaTokenHash string) (BackupCheck, error)

	keyTx // the server key's check value and the sealed secrets (keys.go)
}

// MemberPage selects a page of members: those whose username sorts after
// After, whose username or display name contains Search (if set), and, when
// ManagerID is set, only that member and the members without an
// administrator role of the groups they manage (the candidates of
// authorizeMember, which still decides).
type MemberPage struct {
	After     string
	Search    string
	ManagerID string
	Limit     int
}

// Settings is Admin Center > Global Settings > Two-step verification.
type Settings struct {
	MasterAdministrators bool
	Administrators       bool
	Technicians          api.TechnicianPolicy
	PrimaryMethod        api.Method
}

// Group is a technician group.
type Group struct {
	ID             string
	Name           string
	EnforceTwoStep bool
	CreatedAt      time.Time
}

// Member is one account of the organisation.
type Member struct {
	ID                 string
	Username           string
	DisplayName        string
	PasswordHash       string
	Roles              []api.Role
	GroupID            string
	ManagedGroupIDs    []string
	Phone              string
	Email              string
	LastSignInAt       time.Time
	LastConsoleVersion string
	CreatedAt          time.Time
	// TwoStep is set by Activate and by the resets, never by confirming a
	// factor (see TwoStepState).
	TwoStep TwoStepState
}

// HasRole reports whether the member holds r.
func (m Member) HasRole(r api.Role) bool {
	for _, x := range m.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// IsAdmin reports whether the member may use the admin API at all.
func (m Member) IsAdmin() bool {
	return m.HasRole(api.RoleMasterAdministrator) || m.HasRole(api.RoleAdministrator)
}

// Manages reports whether the member administers the group.
func (m Member) Manages(groupID string) bool {
	if groupID == "" {
		return false
	}
	for _, g := range m.ManagedGroupIDs {
		if g == groupID {
			return true
		}
	}
	return false
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
	// step-up covers the rest of it (see factor_stepup.go).
	StepUpSession string
	StepUpUntil   time.Time
}

// Device is a phone registered for pushes.
type Device struct {
	ID        string
	MemberID  string
	FactorID  string
	Name      string
	TokenHash string
	CreatedAt time.Time
	RevokedAt time.Time
}

// PushToken is the single-use registration token of a pairing URI.
type PushToken struct {
	Hash      string
	MemberID  string
	FactorID  string
	ExpiresAt time.Time
	UsedAt    time.Time
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

// Session is one refresh-token family.
type Session struct {
	ID             string
	MemberID       string
	CreatedAt      time.Time
	ExpiresAt      time.Time // end of the family
	MFAAt          time.Time // when two-step verification was passed; zero if never
	RevokedAt      time.Time
	RevokeReason   string
	ConsoleVersion string
	ClientAddress  string
}

// AccessToken is a short-lived bearer token of a session.
type AccessToken struct {
	Hash      string
	SessionID string
	ExpiresAt time.Time
}

// RefreshToken is one member of a session's refresh family.
type RefreshToken struct {
	Hash      string
	SessionID string
	CreatedAt time.Time
	UsedAt    time.Time
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
