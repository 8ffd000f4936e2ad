package securitytest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

// After a lost-phone reset the backup (SMS or email) stays active: the
// password alone must not pair a new authenticator. A code sent to that
// backup has to be confirmed in the same setup first.

// lostPhoneReset has the master administrator force bob's two-step reset
// and returns bob's active SMS factor.
func lostPhoneReset(t *testing.T, r *Rig) api.Factor {
	t.Helper()
	admin := r.Admin(t)
	bob := r.Snapshot(t).Member(t, "bob")
	r.OK(t, "POST", api.PathAdminMemberReset(bob.ID), admin, nil, http.StatusNoContent, nil)
	a := r.LoginState(t, "bob", api.StateMFASetupRequired)
	var st api.TwoStepStatus
	r.OK(t, "GET", api.PathTwoStep, a.MFAToken, nil, http.StatusOK, &st)
	for _, f := range st.Factors {
		if f.Method == api.MethodSMS && f.Status == api.FactorActive {
			return f
		}
	}
	t.Fatalf("bob has no active SMS backup after the lost-phone reset: %+v", st.Factors)
	return api.Factor{}
}

// requireBackupStep checks that a setup call is refused until the backup is
// verified, and that the answer names the backup without revealing it.
func requireBackupStep(t *testing.T, r *Rig, method, path, bearer string, body any, sms api.Factor) {
	t.Helper()
	p := r.Fail(t, method, path, bearer, body, http.StatusForbidden, api.CodeBackupVerificationRequired)
	if p.Backup == nil || p.Backup.FactorID != sms.ID || p.Backup.Method != api.MethodSMS {
		t.Fatalf("%s %s: the answer names backup %+v, want bob's SMS factor %s", method, path, p.Backup, sms.ID)
	}
	if p.Backup.SentTo == "" || strings.Contains(p.Backup.SentTo, Account(t, "bob").Phone) {
		t.Fatalf("%s %s: sent_to %q is not a masked phone number", method, path, p.Backup.SentTo)
	}
}

func TestPasswordAloneCannotRePairAfterLostPhoneReset(t *testing.T) {
	r := Start(t)
	sms := lostPhoneReset(t, r)
	bob := Account(t, "bob")
	mfa := r.LoginState(t, "bob", api.StateMFASetupRequired).MFAToken

	// The attacker knows the password only.
	requireBackupStep(t, r, "POST", api.PathTwoStepAuth, mfa, nil, sms)
	attackerPhone := "555-0666"
	requireBackupStep(t, r, "POST", api.PathTwoStepSMS, mfa, api.SMSSetupRequest{Phone: attackerPhone}, sms)
	requireBackupStep(t, r, "POST", api.PathTwoStepEmail, mfa, api.EmailSetupRequest{Email: "mallory@example.com"}, sms)
	requireBackupStep(t, r, "POST", api.PathTwoStepActivate, mfa, nil, sms)
	var msgs []api.OutboxMessage
	r.OK(t, "GET", api.PathDevOutbox+"?to="+attackerPhone, "", nil, http.StatusOK, &msgs)
	if len(msgs) != 0 {
		t.Fatalf("a code went to the attacker's phone before the backup was verified: %d messages", len(msgs))
	}
	var st api.TwoStepStatus
	r.OK(t, "GET", api.PathTwoStep, mfa, nil, http.StatusOK, &st)
	if st.BackupToVerify == nil || st.BackupToVerify.FactorID != sms.ID {
		t.Fatalf("GET two-step does not name the backup to verify: %+v", st.BackupToVerify)
	}

	// A wrong code does not open the way either.
	var sent api.CodeSent
	r.OK(t, "POST", api.PathFactorSend(sms.ID), mfa, nil, http.StatusOK, &sent)
	code := r.LastCode(t, bob.Phone)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	r.Fail(t, "POST", api.PathFactorConfirm(sms.ID), mfa, api.VerifyRequest{Code: wrong}, http.StatusUnauthorized, api.CodeInvalidCode)
	requireBackupStep(t, r, "POST", api.PathTwoStepAuth, mfa, nil, sms)

	// bob, who has the phone with the SMS backup, re-verifies it and pairs.
	var f api.FactorResponse
	r.OK(t, "POST", api.PathFactorConfirm(sms.ID), mfa, api.VerifyRequest{Code: code}, http.StatusOK, &f)
	if f.Factor.ID != sms.ID || f.Factor.Status != api.FactorActive {
		t.Fatalf("re-verified backup: %+v", f.Factor)
	}
	var after api.TwoStepStatus
	r.OK(t, "GET", api.PathTwoStep, mfa, nil, http.StatusOK, &after)
	if after.BackupToVerify != nil {
		t.Fatalf("GET two-step still asks for the verified backup: %+v", after.BackupToVerify)
	}
	var pair api.AuthenticatorSetup
	r.OK(t, "POST", api.PathTwoStepAuth, mfa, nil, http.StatusCreated, &pair)
	r.NextStep()
	r.OK(t, "POST", api.PathFactorConfirm(pair.FactorID), mfa, api.VerifyRequest{Code: Code(t, pair.Secret, r.Now())}, http.StatusOK, &f)
	var a api.AuthResponse
	r.OK(t, "POST", api.PathTwoStepActivate, mfa, nil, http.StatusOK, &a)
	if a.State != api.StateAuthenticated || a.User == nil || a.User.Username != "bob" {
		t.Fatalf("activate after the backup was verified: %+v", a)
	}
}

// A verification counts for the sign-in that made it only, and its code is
// bound to that sign-in: a second sign-in (the attacker's, with the
// password) neither inherits it nor can use the code.
func TestBackupVerificationBoundToItsSignIn(t *testing.T) {
	r := Start(t)
	sms := lostPhoneReset(t, r)
	bob := Account(t, "bob")
	owner := r.LoginState(t, "bob", api.StateMFASetupRequired).MFAToken
	attacker := r.LoginState(t, "bob", api.StateMFASetupRequired).MFAToken

	r.OK(t, "POST", api.PathFactorSend(sms.ID), owner, nil, http.StatusOK, nil)
	code := r.LastCode(t, bob.Phone)
	r.Fail(t, "POST", api.PathFactorConfirm(sms.ID), attacker, api.VerifyRequest{Code: code}, http.StatusUnauthorized, api.CodeInvalidCode)
	r.OK(t, "POST", api.PathFactorConfirm(sms.ID), owner, api.VerifyRequest{Code: code}, http.StatusOK, nil)

	requireBackupStep(t, r, "POST", api.PathTwoStepAuth, attacker, nil, sms)
	requireBackupStep(t, r, "POST", api.PathTwoStepActivate, attacker, nil, sms)
	later := r.LoginState(t, "bob", api.StateMFASetupRequired).MFAToken
	requireBackupStep(t, r, "POST", api.PathTwoStepAuth, later, nil, sms)
	r.OK(t, "POST", api.PathTwoStepAuth, owner, nil, http.StatusCreated, nil)
}

// A member who lost the phone and the backup needs every factor reset. Only
// a master administrator may ask for that: an administrator of bob's group
// can also set bob's password, and with both would hold the account.
func TestFullResetIsForMasterAdministratorsOnly(t *testing.T) {
	r := Start(t)
	bob := r.Snapshot(t).Member(t, "bob")
	henry := r.SignIn(t, "henry").AccessToken
	full := api.ResetRequest{IncludeBackup: true}
	r.Fail(t, "POST", api.PathAdminMemberReset(bob.ID), henry, full, http.StatusForbidden, api.CodeForbidden)
	r.LoginState(t, "bob", api.StateMFARequired) // nothing was reset

	r.OK(t, "POST", api.PathAdminMemberReset(bob.ID), r.Admin(t), full, http.StatusNoContent, nil)
	mfa := r.LoginState(t, "bob", api.StateMFASetupRequired).MFAToken
	var st api.TwoStepStatus
	r.OK(t, "GET", api.PathTwoStep, mfa, nil, http.StatusOK, &st)
	for _, f := range st.Factors {
		if f.Status == api.FactorActive {
			t.Errorf("after a full reset bob still has an active %s factor", f.Method)
		}
	}
	if st.BackupToVerify != nil {
		t.Errorf("a full reset leaves a backup to verify: %+v", st.BackupToVerify)
	}
	// Setup starts from the beginning: the new phone pairs without a code
	// sent to the lost backup.
	r.OK(t, "POST", api.PathTwoStepAuth, mfa, nil, http.StatusCreated, nil)
}
