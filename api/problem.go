package api

import (
	"fmt"
	"strconv"
)

// ProblemContentType is the media type of every error answer (RFC 9457).
const ProblemContentType = "application/problem+json"

// Stable error codes. Clients branch on these, never on titles or details.
const (
	CodeBadRequest           = "bad_request"
	CodeMalformedJSON        = "malformed_json"
	CodeBodyTooLarge         = "body_too_large"
	CodeValidation           = "validation_failed"
	CodeBadConsoleVersion    = "bad_console_version"
	CodeUnknownMethod        = "unknown_method"
	CodeNotFound             = "not_found"
	CodeMethodNotAllowed     = "method_not_allowed"
	CodeUnauthorized         = "unauthorized"
	CodeInvalidCredentials   = "invalid_credentials"
	CodeInvalidToken         = "invalid_token"
	CodeMFARequired          = "mfa_required"
	CodeForbidden            = "forbidden"
	CodeInvalidCode          = "invalid_code"
	CodeChallengeExpired     = "challenge_expired"
	CodeChallengeFailed      = "challenge_failed"
	CodeChallengeClosed      = "challenge_closed"
	CodeTooManyAttempts      = "too_many_attempts"
	CodeTooManyPushes        = "too_many_pushes"
	CodeResendTooSoon        = "resend_too_soon"
	CodeBusy                 = "busy"
	CodeSetupIncomplete      = "setup_incomplete"
	CodeAlreadyActivated     = "already_activated"
	CodeStepUpRequired       = "step_up_required"
	CodeInvalidStepUp        = "invalid_step_up_token"
	CodeTwoStepSetupRequired = "two_step_setup_required"
	CodeWeakPassword         = "weak_password"
	CodeMethodNotEnrolled    = "method_not_enrolled"
	CodeConflict             = "conflict"
	CodeInvalidPushToken     = "invalid_push_token"
	CodeAlreadyDecided       = "already_decided"
	CodeInternal             = "internal_error"
)

// CodeCodeAlreadyUsed answers an authenticator code whose 30-second step
// was already accepted (a code works once): wait for the next one. It counts
// as a wrong code (attempts_left).
const CodeCodeAlreadyUsed = "code_already_used"

// CodeUseSelfService refuses an administrator's change of their own account
// through the admin API: members change their own password and two-step
// verification through /me/* and its rules.
const CodeUseSelfService = "use_self_service"

// CodeBackupVerificationRequired: a setup after a reset that left an active
// backup (SMS or email) may pair a new authenticator, change the backup or
// activate only once a code sent to that backup was confirmed in this setup;
// Problem.Backup names it.
const CodeBackupVerificationRequired = "backup_verification_required"

// BackupToVerify is the active backup a setup after a reset must verify by
// code (POST /me/two-step/factors/{id}/send, then .../confirm).
type BackupToVerify struct {
	FactorID string `json:"factor_id"`
	Method   Method `json:"method"`
	SentTo   string `json:"sent_to"` // masked phone or email
}

// What a setup_incomplete answer lists in Missing.
const (
	// MissingAuthenticatorApp: no active authenticator_app factor yet.
	MissingAuthenticatorApp = "authenticator_app"
	// MissingBackup: no active backup factor (sms or email) yet.
	MissingBackup = "backup"
)

// Problem is an application/problem+json error body. AttemptsLeft and
// RetryAfter are set where they apply; Methods and PrimaryMethod accompany
// step_up_required; Missing names what setup_incomplete lacks.
type Problem struct {
	Type          string         `json:"type"`
	Title         string         `json:"title"`
	Status        int            `json:"status"`
	Detail        string         `json:"detail,omitempty"`
	Code          string         `json:"code"`
	AttemptsLeft  *int           `json:"attempts_left,omitempty"`
	RetryAfter    *int           `json:"retry_after,omitempty"`
	Methods       []MethodOption `json:"methods,omitempty"`
	PrimaryMethod Method         `json:"primary_method,omitempty"`
	Missing       []string       `json:"missing,omitempty"`
	// Backup names the backup that must be verified in this setup
	// (backup_verification_required).
	Backup *BackupToVerify `json:"backup,omitempty"`
}

// Error makes a Problem usable as a Go error on the client side.
func (p *Problem) Error() string {
	msg := p.Title
	if p.Detail != "" {
		msg = p.Detail
	}
	if msg == "" {
		msg = "HTTP " + strconv.Itoa(p.Status)
	}
	return fmt.Sprintf("%s (%s)", msg, p.Code)
}
