// Package api is the wire contract shared by the console's client, the reference
// server and the tests: paths, method names, error codes and the JSON bodies of
// every call under /api/v1 (docs/DESIGN.md section 5). It has no behaviour of its own,
// so that both sides can depend on it without depending on each other.
package api

import "time"

// Prefix is the root of every REST path.
const Prefix = "/api/v1"

// ConsoleVersionHeader carries the emulated console version on every request.
const ConsoleVersionHeader = "X-Console-Version"

// NextCursorHeader carries, on a page of a list (GET /admin/members,
// GET /admin/audit), the value of ?after= that asks for the next page; it is
// absent on the last page.
const NextCursorHeader = "X-Next-Cursor"

// Paths of the contract, relative to the server's base URL. Paths with an
// identifier take it through the helper functions below.
const (
	PathLogin              = Prefix + "/auth/login"
	PathChallenges         = Prefix + "/auth/challenges"
	PathRefresh            = Prefix + "/auth/refresh"
	PathLogout             = Prefix + "/auth/logout"
	PathMe                 = Prefix + "/me"
	PathTwoStep            = Prefix + "/me/two-step"
	PathTwoStepAuth        = Prefix + "/me/two-step/authenticator"
	PathTwoStepSMS         = Prefix + "/me/two-step/sms"
	PathTwoStepEmail       = Prefix + "/me/two-step/email"
	PathTwoStepActivate    = Prefix + "/me/two-step/activate"
	PathPassword           = Prefix + "/me/password"
	PathDeviceRegister     = Prefix + "/device/register"
	PathDeviceNotification = Prefix + "/device/notifications"
	PathAdminSettings      = Prefix + "/admin/two-step-settings"
	PathAdminGroups        = Prefix + "/admin/groups"
	PathAdminMembers       = Prefix + "/admin/members"
	PathAdminAudit         = Prefix + "/admin/audit"
	PathDevOutbox          = Prefix + "/dev/outbox"
	PathOpenAPI            = Prefix + "/openapi.json"
	PathServerInfo         = Prefix + "/server-info"
)

// PathChallenge is GET (long-poll) and DELETE (cancel) of one challenge.
func PathChallenge(id string) string { return PathChallenges + "/" + id }

// PathChallengeVerify answers a challenge with a code.
func PathChallengeVerify(id string) string { return PathChallenge(id) + "/verify" }

// PathChallengeResend sends a new code for an SMS or email challenge.
func PathChallengeResend(id string) string { return PathChallenge(id) + "/resend" }

// PathFactorSend sends the confirmation code of a pending SMS/email factor again.
func PathFactorSend(id string) string { return PathTwoStep + "/factors/" + id + "/send" }

// PathFactorConfirm confirms a pending factor with a code.
func PathFactorConfirm(id string) string { return PathTwoStep + "/factors/" + id + "/confirm" }

// PathNotification is where the phone approves or denies one push.
func PathNotification(id string) string { return PathDeviceNotification + "/" + id }

// PathAdminGroup edits one technician group.
func PathAdminGroup(id string) string { return PathAdminGroups + "/" + id }

// PathAdminMember edits one member.
func PathAdminMember(id string) string { return PathAdminMembers + "/" + id }

// PathAdminMemberReset forces a two-step verification reset of one member.
func PathAdminMemberReset(id string) string { return PathAdminMember(id) + "/reset-two-step" }

// Method is a two-step verification method by its wire name.
type Method string

// The four methods. AppNotification exists only beside a confirmed
// authenticator factor (the phone registered for pushes through it).
const (
	MethodAuthenticatorApp Method = "authenticator_app"
	MethodAppNotification  Method = "app_notification"
	MethodSMS              Method = "sms"
	MethodEmail            Method = "email"
)

// Methods lists every method, in the legacy console's fixed order followed by email.
var Methods = []Method{MethodAppNotification, MethodAuthenticatorApp, MethodSMS, MethodEmail}

// Valid reports whether m is one of the four wire names.
func (m Method) Valid() bool {
	switch m {
	case MethodAuthenticatorApp, MethodAppNotification, MethodSMS, MethodEmail:
		return true
	}
	return false
}

// Label is the name a person reads for the method.
func (m Method) Label() string {
	switch m {
	case MethodAuthenticatorApp:
		return "Authenticator app"
	case MethodAppNotification:
		return "App notification"
	case MethodSMS:
		return "Text message (SMS)"
	case MethodEmail:
		return "Email"
	}
	return string(m)
}

// Role is a member's licence.
type Role string

// Roles a member can hold; a member can hold administrator and technician at once.
const (
	RoleMasterAdministrator Role = "master_administrator"
	RoleAdministrator       Role = "administrator"
	RoleTechnician          Role = "technician"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleMasterAdministrator || r == RoleAdministrator || r == RoleTechnician
}

// Label is the role as people read it; an unknown role is shown as it is.
func (r Role) Label() string {
	switch r {
	case RoleMasterAdministrator:
		return "Master administrator"
	case RoleAdministrator:
		return "Administrator"
	case RoleTechnician:
		return "Technician"
	}
	return string(r)
}

// TechnicianPolicy says which technicians must use two-step verification.
type TechnicianPolicy string

// The three values of the technicians setting.
const (
	TechniciansNone           TechnicianPolicy = "none"
	TechniciansAll            TechnicianPolicy = "all"
	TechniciansSelectedGroups TechnicianPolicy = "selected_groups"
)

// Valid reports whether p is one of the three values.
func (p TechnicianPolicy) Valid() bool {
	return p == TechniciansNone || p == TechniciansAll || p == TechniciansSelectedGroups
}

// Purpose says what a challenge unlocks.
type Purpose string

// Challenge purposes.
const (
	PurposeLogin          Purpose = "login"
	PurposePasswordChange Purpose = "password_change"
	// PurposeManageTwoStep unlocks adding, replacing or confirming a factor
	// (and Activate) with an access token.
	PurposeManageTwoStep Purpose = "manage_two_step"
)

// FactorStatus is the life cycle of a factor.
type FactorStatus string

// Factor statuses: pending (started, not confirmed), active, reset (must be set up again).
const (
	FactorPending FactorStatus = "pending"
	FactorActive  FactorStatus = "active"
	FactorReset   FactorStatus = "reset"
)

// TwoStepState is where a member stands with two-step verification, as the
// Admin Center shows it: only Activate makes a member activated (confirming
// factors during a setup that stops before Activate does not), and a
// primary-method change or a forced reset makes an activated member reset.
type TwoStepState string

// Two-step states of a member.
const (
	TwoStepNotSetUp  TwoStepState = "not_set_up" // never activated (factors confirmed before Activate do not count)
	TwoStepActivated TwoStepState = "activated"  // Activate passed since the last reset
	TwoStepReset     TwoStepState = "reset"      // reset since: must set up again
)

// Login states.
const (
	StateAuthenticated    = "authenticated"
	StateMFARequired      = "mfa_required"
	StateMFASetupRequired = "mfa_setup_required"
	StateStepUp           = "step_up"
)

// Challenge statuses reported by the long-poll.
const (
	ChallengePending  = "pending"
	ChallengeApproved = "approved"
	ChallengeDenied   = "denied"
	ChallengeExpired  = "expired"
)

// Push decisions sent by the phone.
const (
	DecisionApprove = "approve"
	DecisionDeny    = "deny"
)

// MaxWait is the longest long-poll the server honours, in seconds.
const MaxWait = 30

// Tokens is the pair handed out on sign-in and refresh.
type Tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

// GroupRef names a technician group.
type GroupRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// UserTwoStep is the member's two-step summary inside User.
type UserTwoStep struct {
	Required      bool     `json:"required"`
	PrimaryMethod Method   `json:"primary_method"`
	Methods       []Method `json:"methods"`
}

// User is the signed-in member as the console shows them.
type User struct {
	ID          string      `json:"id"`
	Username    string      `json:"username"`
	DisplayName string      `json:"display_name"`
	Roles       []Role      `json:"roles"`
	Group       *GroupRef   `json:"group,omitempty"`
	TwoStep     UserTwoStep `json:"two_step"`
}

// LoginRequest is the body of POST /auth/login. DeviceCookie is the one an
// earlier sign-in of this member on this client handed out, if any: with it
// the client's failures are counted on their own, and others' failures do not
// lock it out.
type LoginRequest struct {
	Username     string `json:"username"`
	Password     string `json:"password"`
	DeviceCookie string `json:"device_cookie,omitempty"`
}

// MethodOption is one way the member can pass a challenge.
type MethodOption struct {
	ID     string `json:"id"`
	Method Method `json:"method"`
	Label  string `json:"label"`
	// SentTo is the masked destination of a text message or email factor
	// (see Factor.SentTo).
	SentTo string `json:"sent_to,omitempty"`
}

// AuthResponse is the answer of login, verify, activate and an approved long-poll.
// State says which of the other fields are set.
type AuthResponse struct {
	State         string         `json:"state"`
	Tokens        *Tokens        `json:"tokens,omitempty"`
	User          *User          `json:"user,omitempty"`
	MFAToken      string         `json:"mfa_token,omitempty"`
	PrimaryMethod Method         `json:"primary_method,omitempty"`
	Methods       []MethodOption `json:"methods,omitempty"`
	Reset         bool           `json:"reset,omitempty"`
	StepUpToken   string         `json:"step_up_token,omitempty"`
	ExpiresIn     int            `json:"expires_in,omitempty"`
	// DeviceCookie is the fresh device cookie of a login whose password was
	// right (every state); the client keeps it, secret, for the next login.
	DeviceCookie string `json:"device_cookie,omitempty"`
}

// ChallengeRequest starts a challenge by method or by factor id.
type ChallengeRequest struct {
	Method   Method  `json:"method,omitempty"`
	FactorID string  `json:"factor_id,omitempty"`
	Purpose  Purpose `json:"purpose,omitempty"`
}

// Challenge is the answer of POST /auth/challenges.
type Challenge struct {
	ChallengeID string    `json:"challenge_id"`
	Method      Method    `json:"method"`
	ExpiresAt   time.Time `json:"expires_at"`
	SentTo      string    `json:"sent_to,omitempty"`
	MatchNumber string    `json:"match_number,omitempty"`
	// ResendAfter is when a resend is allowed (SMS and email only).
	ResendAfter *time.Time `json:"resend_after,omitempty"`
}

// VerifyRequest answers a challenge or confirms a factor.
type VerifyRequest struct {
	Code string `json:"code"`
}

// ChallengeStatus is the answer of the challenge long-poll. Once approved it also
// carries the verify answer, handed out once.
type ChallengeStatus struct {
	Status string `json:"status"`
	AuthResponse
}

// RefreshRequest is the body of POST /auth/refresh.
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// Factor is one enrolled (or started) way of passing two-step verification.
type Factor struct {
	ID     string       `json:"id"`
	Method Method       `json:"method"`
	Status FactorStatus `json:"status"`
	Label  string       `json:"label"`
	// SentTo is the masked phone number or email address of a text message
	// or email factor, so that a client words the label in its own language.
	SentTo string `json:"sent_to,omitempty"`
}

// TwoStepStatus is the answer of GET /me/two-step.
type TwoStepStatus struct {
	Required      bool     `json:"required"`
	PrimaryMethod Method   `json:"primary_method"`
	Reset         bool     `json:"reset"`
	Factors       []Factor `json:"factors"`
	// BackupToVerify is set while this setup must first verify the member's
	// surviving backup by code (after a lost-phone reset).
	BackupToVerify *BackupToVerify `json:"backup_to_verify,omitempty"`
}

// AuthenticatorSetup is the answer of POST /me/two-step/authenticator.
type AuthenticatorSetup struct {
	FactorID   string `json:"factor_id"`
	Secret     string `json:"secret"`
	OTPAuthURI string `json:"otpauth_uri"`
	QRPNG      string `json:"qr_png"`
}

// SMSSetupRequest is the body of POST /me/two-step/sms. StepUpToken (purpose
// manage_two_step) is needed with an access token once a factor is active.
type SMSSetupRequest struct {
	Phone       string `json:"phone"`
	StepUpToken string `json:"step_up_token,omitempty"`
}

// EmailSetupRequest is the body of POST /me/two-step/email (StepUpToken as
// for SMSSetupRequest).
type EmailSetupRequest struct {
	Email       string `json:"email"`
	StepUpToken string `json:"step_up_token,omitempty"`
}

// StepUpRequest is the optional body of the factor calls that take nothing
// else (POST /me/two-step/authenticator, /factors/{id}/send, /activate): the
// step-up token (purpose manage_two_step) an access token needs for them.
type StepUpRequest struct {
	StepUpToken string `json:"step_up_token,omitempty"`
}

// FactorConfirmRequest is the body of POST /me/two-step/factors/{id}/confirm:
// the code, and with an access token a step-up token where the factor's
// change was not started under one in this session.
type FactorConfirmRequest struct {
	Code        string `json:"code"`
	StepUpToken string `json:"step_up_token,omitempty"`
}

// CodeSent is the answer of starting an SMS/email factor or sending its code again.
type CodeSent struct {
	FactorID    string     `json:"factor_id"`
	SentTo      string     `json:"sent_to"`
	ResendAfter *time.Time `json:"resend_after,omitempty"`
}

// FactorResponse is the answer of confirming a factor.
type FactorResponse struct {
	Factor Factor `json:"factor"`
}

// PasswordChangeRequest is the body of POST /me/password.
type PasswordChangeRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
	StepUpToken     string `json:"step_up_token,omitempty"`
}

// DeviceRegisterRequest is the body of POST /device/register.
type DeviceRegisterRequest struct {
	PushToken  string `json:"push_token"`
	DeviceName string `json:"device_name"`
}

// DeviceRegistration is the answer of POST /device/register.
type DeviceRegistration struct {
	DeviceID    string `json:"device_id"`
	DeviceToken string `json:"device_token"`
}

// Notification is a pending push as the phone sees it: never the number.
type Notification struct {
	ID             string    `json:"id"`
	Username       string    `json:"username"`
	ConsoleVersion string    `json:"console_version"`
	ClientAddress  string    `json:"client_address"`
	ExpiresAt      time.Time `json:"expires_at"`
}

// NotificationDecision is the phone's answer to a push.
type NotificationDecision struct {
	Decision    string `json:"decision"`
	MatchNumber string `json:"match_number"`
}

// TwoStepSettings is Admin Center > Global Settings > Two-step verification.
type TwoStepSettings struct {
	MasterAdministrators bool             `json:"master_administrators"`
	Administrators       bool             `json:"administrators"`
	Technicians          TechnicianPolicy `json:"technicians"`
	PrimaryMethod        Method           `json:"primary_method"`
	// ResetMembers is set on a PUT that changed the primary method.
	ResetMembers *int `json:"reset_members,omitempty"`
}

// Group is a technician group.
type Group struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	EnforceTwoStep bool   `json:"enforce_two_step"`
}

// GroupRequest creates or edits a group; nil fields are left as they are.
type GroupRequest struct {
	Name           *string `json:"name,omitempty"`
	EnforceTwoStep *bool   `json:"enforce_two_step,omitempty"`
}

// Member is a member as the Admin Center shows them.
type Member struct {
	ID                 string       `json:"id"`
	Username           string       `json:"username"`
	DisplayName        string       `json:"display_name"`
	Roles              []Role       `json:"roles"`
	GroupID            string       `json:"group_id,omitempty"`
	ManagedGroupIDs    []string     `json:"managed_group_ids"`
	Phone              string       `json:"phone,omitempty"`
	Email              string       `json:"email,omitempty"`
	TwoStepRequired    bool         `json:"two_step_required"`
	TwoStepState       TwoStepState `json:"two_step_state"`
	Factors            []Factor     `json:"factors"`
	LastSignInAt       *time.Time   `json:"last_sign_in_at,omitempty"`
	LastConsoleVersion string       `json:"last_console_version,omitempty"`
}

// ResetRequest is the optional body of a forced two-step reset. Without it
// (or with IncludeBackup false) it is the lost-phone reset: the authenticator
// and app notification are reset, the backup stays active and must be
// verified by code before a new pairing. IncludeBackup resets every factor,
// for a member who lost the backup too; only a master administrator may ask
// for it, since an administrator who can also set the password would
// otherwise hold the whole account.
type ResetRequest struct {
	IncludeBackup bool `json:"include_backup,omitempty"`
}

// MemberRequest creates or edits a member; nil fields are left as they are.
type MemberRequest struct {
	Username        *string   `json:"username,omitempty"`
	Password        *string   `json:"password,omitempty"`
	DisplayName     *string   `json:"display_name,omitempty"`
	Roles           *[]Role   `json:"roles,omitempty"`
	GroupID         *string   `json:"group_id,omitempty"`
	ManagedGroupIDs *[]string `json:"managed_group_ids,omitempty"`
	Phone           *string   `json:"phone,omitempty"`
	Email           *string   `json:"email,omitempty"`
}

// AuditEvent is one security event.
type AuditEvent struct {
	ID             int64     `json:"id"`
	At             time.Time `json:"at"`
	Kind           string    `json:"kind"`
	MemberID       string    `json:"member_id,omitempty"`
	Username       string    `json:"username,omitempty"`
	ActorID        string    `json:"actor_id,omitempty"`
	ClientAddress  string    `json:"client_address,omitempty"`
	ConsoleVersion string    `json:"console_version,omitempty"`
	Detail         string    `json:"detail,omitempty"`
}

// OutboxMessage is an SMS or email the server "sent" (dev mode only).
type OutboxMessage struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Channel Method    `json:"channel"`
	To      string    `json:"to"`
	Body    string    `json:"body"`
	Code    string    `json:"code"`
}

// ServerInfo is GET /server-info: who the server is. ID stays the same across
// restarts and addresses, so that the console names what it keeps for a
// server (keychain entries, phone pairings) by it rather than by its URL.
type ServerInfo struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
}
