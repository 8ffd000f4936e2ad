package app

import "github.com/remotesupport/techconsole/api"

// Event is a user action as a plain value, for Controller.Dispatch. Each event
// has a Controller method of the same name that does the same.
type Event interface{ event() }

// Login signs in with a password.
type Login struct {
	Username, Password string
	KeepSignedIn       bool
}

// ChooseMethod starts a challenge with another method ("Use another method"),
// or the same one again after an expiry or a denial.
type ChooseMethod struct{ Method api.Method }

// SubmitCode answers the current challenge.
type SubmitCode struct{ Code string }

// Resend sends a new SMS or email code (challenge or backup setup).
type Resend struct{}

// Cancel ends the current challenge or step: back to the sign-in form, or to
// the signed-in screen for a password change.
type Cancel struct{}

// StartPairing starts (or restarts) pairing the mobile app.
type StartPairing struct{}

// ConfirmAuthenticator confirms the new authenticator with a code.
type ConfirmAuthenticator struct{ Code string }

// StartBackup sends a code to a new backup phone (sms) or address (email).
type StartBackup struct {
	Method      api.Method
	Destination string
}

// ConfirmBackup confirms the backup with the code it received.
type ConfirmBackup struct{ Code string }

// SendBackupCode sends a code to the backup a setup after a reset verifies
// first (Setup.VerifyBackup).
type SendBackupCode struct{}

// EditBackup opens the backup entry (change number or address, or pick the method).
type EditBackup struct{}

// Activate finishes setup and signs in.
type Activate struct{}

// OpenChangePassword shows the change-password form.
type OpenChangePassword struct{}

// ChangePassword changes the password (with a step-up challenge where 2FA applies).
type ChangePassword struct{ Current, New string }

// Resume signs in again with the refresh token kept in the keychain.
type Resume struct{}

// SignOut ends the session and deletes the keychain entry.
type SignOut struct{}

// SetVersion chooses the emulated console version (remembered); it applies
// at the next sign-in, at once when signed out.
type SetVersion struct{ Version api.ConsoleVersion }

// SetServer chooses the server (remembered); it applies at the next sign-in.
// A refused address leaves the server as it was, with an Alert that says why.
type SetServer struct{ URL string }

func (Login) event()                {}
func (ChooseMethod) event()         {}
func (SubmitCode) event()           {}
func (Resend) event()               {}
func (Cancel) event()               {}
func (StartPairing) event()         {}
func (ConfirmAuthenticator) event() {}
func (StartBackup) event()          {}
func (ConfirmBackup) event()        {}
func (EditBackup) event()           {}
func (SendBackupCode) event()       {}
func (Activate) event()             {}
func (OpenChangePassword) event()   {}
func (ChangePassword) event()       {}
func (Resume) event()               {}
func (SignOut) event()              {}
func (SetVersion) event()           {}
func (SetServer) event()            {}
