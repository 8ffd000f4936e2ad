// Package app is the Technician Console without widgets: version capabilities,
// method choice, the sign-in state machine, the keychain and the preferences.
//
// # How screens use the state machine
//
// A screen never calls the server. It holds one *Controller and:
//
//   - subscribes once: ctl.Subscribe(func(s app.State) { fyne.Do(func() { draw(s) }) }).
//     Callbacks run on the controller's own delivery goroutine (never the UI
//     goroutine), one at a time, in order, with a copy of every state change;
//     wrap UI work in fyne.Do. ctl.State() returns the current snapshot.
//   - draws State.Step (which screen), State.Busy/Activity (spinner, disable
//     buttons), State.Alert (inline error or warning with what to do next),
//     State.Notice (one-line success message), and the step's view:
//     State.Challenge for StepChallenge, State.Setup for StepSetup,
//     State.User for StepSignedIn and StepChangePassword, State.TwoStep for
//     StepTwoStep.
//   - forwards the user's actions as method calls (ctl.Login(...),
//     ctl.SubmitCode(...), ctl.Cancel(), ...) or, equivalently, as event values
//     through ctl.Dispatch(app.Login{...}). Every action returns at once: the
//     work runs on a goroutine and its outcome arrives as a new State. A new
//     action cancels the one still running (a push long-poll, a slow call).
//
// The tester panel watches a TesterState of its own (WatchTester: the virtual
// phone attached with AttachPhone, the server's outbox) and forwards
// PairPhone, DecidePush and RefreshTester the same way.
//
// Every failure (network, expiry, denial, lockout, cancellation) lands in a
// State with an Alert whose Kind says what the user can do; nothing is a dead
// end. No State field ever holds a password, a code or a token, except
// Setup.Pairing, which carries the new authenticator secret and its otpauth URI
// because the QR code and the manual key must be shown; State.LogValue redacts it.
package app

import (
	"log/slog"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// Step names the screen the console shows.
type Step string

// The steps of the sign-in flow.
const (
	// StepSignedOut is the sign-in form. Busy while signing in or resuming.
	StepSignedOut Step = "signed_out"
	// StepChallenge is the two-step prompt described by State.Challenge
	// (purpose login; password_change or manage_two_step for the step-up of a
	// password change or a change of factors).
	StepChallenge Step = "challenge"
	// StepNoMethod means no method this console version can use is left (a
	// legacy console and a member enrolled only in email). State.Alert (kind
	// AlertNoMethod) says why and what to do; actions: Cancel or SignOut (back
	// to the sign-in form), or switch the version and sign in again.
	StepNoMethod Step = "no_method"
	// StepSetup is "Protect your account": first-time setup, or setup after a
	// reset when State.Setup.Reset is true.
	StepSetup Step = "setup"
	// StepSignedIn shows who is signed in (State.User).
	StepSignedIn Step = "signed_in"
	// StepChangePassword is the change-password form (entered with
	// OpenChangePassword; errors such as a weak password stay on it).
	StepChangePassword Step = "change_password"
)

// State is one snapshot of the console. It is a plain value: subscribers get
// their own copy and may keep it.
type State struct {
	Step Step
	// Busy is true while a call is in flight; Activity says which ("Signing in…").
	Busy     bool
	Activity string

	// Server is the server URL; Version and Caps the emulated console version
	// used for this sign-in and what it can do.
	Server  string
	Version api.ConsoleVersion
	Caps    Capabilities
	// NextVersion is the emulated version the next sign-in will use (the
	// tester panel's choice, remembered in the preferences); it differs from
	// Version after SetVersion while signed in.
	NextVersion api.ConsoleVersion

	// Username is the member signing in (pre-filled from the preferences).
	Username     string
	KeepSignedIn bool
	// Lockouts are the usernames the server refused for too many failed
	// attempts on this console, each until its time (see LockedOut).
	Lockouts []Lockout

	// User is the signed-in member (StepSignedIn, StepChangePassword and a
	// step-up challenge).
	User *api.User

	Challenge *ChallengeView
	Setup     *SetupView
	// TwoStep is the signed-in two-step page (StepTwoStep).
	TwoStep *TwoStepView

	// Alert is the problem to show, nil when none.
	Alert *Alert
	// Notice is a short success message ("Password changed."), "" when none.
	Notice string

	// Seq increases with every change; screens can ignore stale snapshots.
	Seq uint64
}

// ChallengeView is the two-step prompt.
type ChallengeView struct {
	Purpose api.Purpose
	Method  api.Method
	// MatchNumber is the two-digit number shown while an app notification waits.
	MatchNumber string
	// SentTo is where an SMS or email code went, masked by the server.
	SentTo string
	// ExpiresAt is when the challenge ends; ResendAt when Resend is allowed
	// (zero: now, or not applicable).
	ExpiresAt time.Time
	ResendAt  time.Time
	// Waiting is true while the phone's answer to a push is awaited.
	Waiting bool
	// Active is false once the challenge is over (expired, denied, failed):
	// the Alert says why; ChooseMethod starts a new one.
	Active bool
	// AttemptsLeft after a wrong code, -1 when unknown.
	AttemptsLeft int
	// CodeLength is the number of digits to type (6) for code methods.
	CodeLength int
	// Others are the "Use another method" options this version allows.
	Others []api.Method
}

// SetupPhase is the part of "Protect your account" on screen.
type SetupPhase string

// Setup phases.
const (
	// SetupOverview lists the authenticator and the backup with their status;
	// actions: StartPairing, EditBackup, Activate (when CanActivate).
	SetupOverview SetupPhase = "overview"
	// SetupPairing shows the QR code and the key (Pairing); action: ConfirmAuthenticator.
	SetupPairing SetupPhase = "pairing"
	// SetupBackupEntry asks for a phone number or an email address
	// (BackupOptions, BackupMethod pre-selected); actions: StartSMS, StartEmail.
	SetupBackupEntry SetupPhase = "backup_entry"
	// SetupBackupCode asks for the code sent to BackupSentTo; actions:
	// ConfirmBackup, Resend, EditBackup.
	SetupBackupCode SetupPhase = "backup_code"
	// SetupVerifyBackup comes first in a setup after a reset that left the
	// backup active: it shows VerifyBackup (masked); actions: SendBackupCode,
	// EditBackup (refused until verified), Cancel. The server refuses pairing
	// until the backup is verified.
	SetupVerifyBackup SetupPhase = "verify_backup"
	// SetupVerifyBackupCode asks for the code sent to VerifyBackup; actions:
	// ConfirmBackup, Resend, EditBackup (refused until verified), Cancel
	// (back to SetupVerifyBackup).
	SetupVerifyBackupCode SetupPhase = "verify_backup_code"
	// SetupReady says that two-step verification is ready, before a setup
	// after a reset activates it (the article's Activate > Continue): Activate
	// from the overview leads here, Activate here activates, Cancel goes back
	// to the overview.
	SetupReady SetupPhase = "ready"
)

// SetupView is the "Protect your account" flow.
type SetupView struct {
	// Reset is true after an administrator reset or a primary-method change
	// ("previously set up" flow: Edit > Start pairing again, Activate > Continue).
	Reset   bool
	Phase   SetupPhase
	Primary api.Method
	// Authenticator and Backup are the member's factors as the server reports
	// them (status pending, active or reset), nil when none.
	Authenticator *api.Factor
	Backup        *api.Factor
	// Pairing is set in SetupPairing.
	Pairing *Pairing
	// BackupOptions are the backup methods this version offers (sms, and email
	// on newer consoles); BackupMethod the one pre-selected or being set up.
	BackupOptions  []api.Method
	BackupMethod   api.Method
	BackupSentTo   string
	BackupResendAt time.Time
	// CanActivate is true when an active authenticator and an active backup exist.
	CanActivate bool
	// VerifyBackup is the surviving backup this setup must verify by code
	// before anything else (after a lost-phone reset), nil when none.
	VerifyBackup *BackupCheck
}

// BackupCheck is the backup a setup after a reset verifies first.
type BackupCheck struct {
	FactorID string
	Method   api.Method
	SentTo   string // masked by the server
	// Label describes the backup as the server does ("Text message to ***0106").
	Label string
	// Supported is false when this console version cannot use the method
	// (email on 7.50.3572 and earlier): the message says what to do instead.
	Supported bool
}

// Pairing is a new authenticator secret to show as a QR code and as a key.
type Pairing struct {
	FactorID   string
	Secret     string // base32, for manual entry
	OTPAuthURI string // what the QR code encodes (includes push_url/push_token)
	QRPNG      []byte // PNG of OTPAuthURI
}

// LogValue keeps the secret out of logs.
func (p Pairing) LogValue() slog.Value {
	return slog.GroupValue(slog.String("factor_id", p.FactorID), slog.String("secret", "[redacted]"))
}

// AlertKind says what the user can do about an Alert.
type AlertKind string

// Alert kinds.
const (
	// AlertError is any other failure; the action can be tried again.
	AlertError AlertKind = "error"
	// AlertUnreachable: the server did not answer; check the URL or network, retry.
	AlertUnreachable AlertKind = "unreachable"
	// AlertInvalidCredentials: wrong username or password.
	AlertInvalidCredentials AlertKind = "invalid_credentials"
	// AlertLockedOut: too many attempts; wait RetryAfter (count down to RetryAt).
	AlertLockedOut AlertKind = "locked_out"
	// AlertBusy: the server is overloaded; retry after RetryAfter.
	AlertBusy AlertKind = "busy"
	// AlertInvalidCode: wrong code; AttemptsLeft says how many tries remain.
	AlertInvalidCode AlertKind = "invalid_code"
	// AlertExpired: the challenge (or sign-in) expired; start it again.
	AlertExpired AlertKind = "expired"
	// AlertDenied: the push was denied on the phone.
	AlertDenied AlertKind = "denied"
	// AlertFailed: too many wrong codes ended the challenge.
	AlertFailed AlertKind = "failed"
	// AlertResendTooSoon: wait until RetryAt before sending another code.
	AlertResendTooSoon AlertKind = "resend_too_soon"
	// AlertNoMethod: this console version cannot use any enrolled method.
	AlertNoMethod AlertKind = "no_method"
	// AlertSessionEnded: the session ended (expired, revoked, policy changed); sign in again.
	AlertSessionEnded AlertKind = "session_ended"
	// AlertWeakPassword: the new password was refused; Detail says why.
	AlertWeakPassword AlertKind = "weak_password"
	// AlertSetupIncomplete: Activate needs more (Missing).
	AlertSetupIncomplete AlertKind = "setup_incomplete"
	// AlertKeychain is a warning: "Keep me signed in" is unavailable; the
	// console works on without it.
	AlertKeychain AlertKind = "keychain"
	// AlertCancelled: the user cancelled; nothing to do.
	AlertCancelled AlertKind = "cancelled"
)

// Alert is a problem the user can act on.
type Alert struct {
	Kind AlertKind
	// Message is a whole sentence for the user, with no secret in it.
	Message string
	// Code is the server's problem code ("" for local problems).
	Code string
	// RetryAfter and RetryAt say how long to wait (lockout, busy, resend).
	RetryAfter time.Duration
	RetryAt    time.Time
	// AttemptsLeft after a wrong code, -1 when unknown.
	AttemptsLeft int
	// Missing names what Activate still needs (setup_incomplete).
	Missing []string
}

// Error makes an Alert usable as an error.
func (a *Alert) Error() string { return a.Message }

// LogValue describes the state without secrets.
func (s State) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("step", string(s.Step)),
		slog.Bool("busy", s.Busy),
		slog.String("version", s.Version.String()),
	}
	if s.Challenge != nil {
		attrs = append(attrs, slog.String("method", string(s.Challenge.Method)))
	}
	if s.Setup != nil {
		attrs = append(attrs, slog.String("setup_phase", string(s.Setup.Phase)))
	}
	if s.Alert != nil {
		attrs = append(attrs, slog.String("alert", string(s.Alert.Kind)))
	}
	return slog.GroupValue(attrs...)
}
