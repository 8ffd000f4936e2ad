package server

import (
	"errors"
	"net/http"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// Setup after a reset that left a backup. The lost-phone reset keeps the
// SMS or email backup active, so the password alone must not pair a new
// authenticator: such a setup first confirms a code sent to that backup
// (POST /me/two-step/factors/{id}/send, then .../confirm, on the active
// factor). Until then pairing, starting another backup, confirming any other
// factor and Activate answer 403 backup_verification_required. The proof is
// stored per setup mfa_token (setup_backup_checks), so it counts for this
// sign-in only, and the code it took was bound to the same sign-in.
//
// A primary-method change resets every factor: no active backup survives,
// so there is nothing to verify. With an access token the step-up rule
// guards factor changes instead.

// backupToVerify returns the active backup the principal's setup must still
// verify, nil when there is none to verify.
func (s *Server) backupToVerify(tx store.Tx, p principal) (*store.Factor, error) {
	if p.Kind != bearerSetup {
		return nil, nil
	}
	m, err := tx.Member(p.Member.ID)
	if err != nil {
		return nil, err
	}
	if m.TwoStep != store.TwoStepReset {
		return nil, nil
	}
	factors, err := tx.Factors(m.ID)
	if err != nil {
		return nil, err
	}
	backups := activeBackups(factors)
	if len(backups) == 0 {
		return nil, nil
	}
	_, err = tx.BackupCheck(p.TokenHash)
	switch {
	case err == nil:
		return nil, nil
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	return &backups[0], nil
}

// activeBackups lists the active SMS and email factors, SMS first: every
// console version can verify a text message.
func activeBackups(factors []store.Factor) []store.Factor {
	var out []store.Factor
	for _, method := range []api.Method{api.MethodSMS, api.MethodEmail} {
		for _, f := range factors {
			if f.Method == method && f.Status == api.FactorActive {
				out = append(out, f)
			}
		}
	}
	return out
}

// requireBackupVerified refuses a setup call that changes factors or
// activates while the setup has a backup to verify.
func (s *Server) requireBackupVerified(tx store.Tx, p principal) error {
	f, err := s.backupToVerify(tx, p)
	if err != nil || f == nil {
		return err
	}
	return backupVerificationRequired(*f)
}

func backupVerificationRequired(f store.Factor) *httpError {
	to := sentTo(f)
	e := perr(http.StatusForbidden, api.CodeBackupVerificationRequired,
		"your two-step verification was reset: confirm a code sent to your backup ("+to+") first")
	e.p.Backup = &api.BackupToVerify{FactorID: f.ID, Method: f.Method, SentTo: to}
	return e
}

// backupGate lets a send or confirm on f through while the setup has a
// backup to verify only when f is such a backup; reverify says it is.
func (s *Server) backupGate(tx store.Tx, p principal, f store.Factor) (reverify bool, err error) {
	gate, err := s.backupToVerify(tx, p)
	if err != nil {
		return false, err
	}
	reverify = reverifies(gate, f)
	if gate != nil && !reverify {
		return false, backupVerificationRequired(*gate)
	}
	return reverify, nil
}

// alreadyConfirmed refuses a send or confirm on an active factor, unless
// it is the re-verification of a backup.
func alreadyConfirmed(f store.Factor, reverify bool) error {
	if f.Status == api.FactorActive && !reverify {
		return perr(http.StatusConflict, api.CodeConflict, "that factor is already confirmed")
	}
	return nil
}

// reverifies reports whether a send or confirm on f is the re-verification
// of an active backup that the setup must verify (gate is backupToVerify's
// answer). Any active backup of the member will do.
func reverifies(gate *store.Factor, f store.Factor) bool {
	return gate != nil && f.Status == api.FactorActive && sendsCodes(f.Method)
}

// setupCodeBinding is what a setup code of f is bound to: the factor, and
// for the re-verification of an active backup also the sign-in, so that a
// code sent to one sign-in is worthless in another.
func setupCodeBinding(f store.Factor, p principal) string {
	if f.Status == api.FactorActive {
		return f.ID + "\x00" + p.TokenHash
	}
	return f.ID
}

// recordBackupCheck notes that this setup confirmed a code sent to backup f
// (re-verified, or newly confirmed: either proves the setup holds it).
func (s *Server) recordBackupCheck(tx store.BackupChecks, p principal, f store.Factor) error {
	if p.Kind != bearerSetup || !sendsCodes(f.Method) {
		return nil
	}
	return tx.InsertBackupCheck(store.BackupCheck{MFATokenHash: p.TokenHash, MemberID: p.Member.ID, FactorID: f.ID, VerifiedAt: s.now()})
}
