package server_test

import (
	"net/http"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

// verifyBackup re-verifies the backup a setup after a reset must verify:
// a code is sent to it (to is its phone or email) and confirmed.
func (c *tc) verifyBackup(bearer, to string) api.BackupToVerify {
	c.t.Helper()
	st := c.twoStep(bearer)
	if st.BackupToVerify == nil {
		c.t.Fatalf("no backup to verify: %+v", st)
	}
	b := *st.BackupToVerify
	var sent api.CodeSent
	c.ok("POST", api.PathFactorSend(b.FactorID), bearer, nil, http.StatusOK, &sent)
	if sent.FactorID != b.FactorID || sent.SentTo != b.SentTo {
		c.t.Fatalf("code sent = %+v, want to %+v", sent, b)
	}
	c.confirmByCode(bearer, sent, to)
	if st := c.twoStep(bearer); st.BackupToVerify != nil {
		c.t.Fatalf("the verified backup is still to verify: %+v", st.BackupToVerify)
	}
	return b
}

// resetMember forces a lost-phone reset and signs the member in to setup.
func (c *tc) resetMember(admin, username string) string {
	c.t.Helper()
	c.ok("POST", api.PathAdminMemberReset(c.memberByName(admin, username).ID), admin, nil, http.StatusNoContent, nil)
	return c.loginState(username, api.StateMFASetupRequired).MFAToken
}

// TestBackupToVerifyNamesTheSurvivingBackup: after a lost-phone reset the
// setup must verify the backup that stayed active, SMS or email; once it
// has, the backup is kept as it was.
func TestBackupToVerifyNamesTheSurvivingBackup(t *testing.T) {
	for _, tt := range []struct {
		user   string
		method api.Method
		to     func(t *testing.T) string
		masked string
	}{
		{"bob", api.MethodSMS, func(t *testing.T) string { return demo(t, "bob").Phone }, "***0102"},
		{"carol", api.MethodEmail, func(t *testing.T) string { return demo(t, "carol").Email }, "c***@example.com"},
	} {
		t.Run(tt.user, func(t *testing.T) {
			c := start(t)
			admin := c.admin()
			before, _ := factorOf(api.TwoStepStatus{Factors: c.memberByName(admin, tt.user).Factors}, tt.method)
			tok := c.resetMember(admin, tt.user)
			p := c.fail("POST", api.PathTwoStepAuth, tok, nil, http.StatusForbidden, api.CodeBackupVerificationRequired)
			want := api.BackupToVerify{FactorID: before.ID, Method: tt.method, SentTo: tt.masked}
			if p.Backup == nil || *p.Backup != want {
				t.Fatalf("403 names %+v, want %+v", p.Backup, want)
			}
			if got := c.verifyBackup(tok, tt.to(t)); got != want {
				t.Fatalf("backup to verify = %+v, want %+v", got, want)
			}
			// Verified once is enough: another code is not sent.
			c.fail("POST", api.PathFactorSend(before.ID), tok, nil, http.StatusConflict, api.CodeConflict)
			c.pairAuthenticator(tok)
			c.ok("POST", api.PathTwoStepActivate, tok, nil, http.StatusOK, nil)
			after, _ := factorOf(api.TwoStepStatus{Factors: c.memberByName(admin, tt.user).Factors}, tt.method)
			if after.ID != before.ID || after.Status != api.FactorActive || after.Label != before.Label {
				t.Errorf("the backup changed: %+v, was %+v", after, before)
			}
		})
	}
}

// TestEditBackupAfterAResetNeedsTheOldCode: replacing the surviving backup
// is refused until it was verified in this setup, then allowed; the new
// number is confirmed by its own code and replaces the old one.
func TestEditBackupAfterAResetNeedsTheOldCode(t *testing.T) {
	c := start(t)
	admin := c.admin()
	tok := c.resetMember(admin, "bob")
	c.fail("POST", api.PathTwoStepSMS, tok, api.SMSSetupRequest{Phone: "555-0177"}, http.StatusForbidden, api.CodeBackupVerificationRequired)
	old := c.verifyBackup(tok, demo(t, "bob").Phone)

	var sent api.CodeSent
	c.ok("POST", api.PathTwoStepSMS, tok, api.SMSSetupRequest{Phone: "555-0177"}, http.StatusCreated, &sent)
	c.confirmByCode(tok, sent, "555-0177")
	c.pairAuthenticator(tok)
	var done api.AuthResponse
	c.ok("POST", api.PathTwoStepActivate, tok, nil, http.StatusOK, &done)
	st := c.twoStep(done.Tokens.AccessToken)
	sms, _ := factorOf(st, api.MethodSMS)
	if len(st.Factors) != 2 || sms.ID == old.FactorID || sms.ID != sent.FactorID || sms.Status != api.FactorActive {
		t.Fatalf("factors after editing the backup: %+v", st.Factors)
	}
}

// TestBackupVerificationUsesTheCodeRules: the re-verification code follows
// the rules of every setup code: five wrong codes void it, a resend waits
// for the cooldown, and the member's failures are counted.
func TestBackupVerificationUsesTheCodeRules(t *testing.T) {
	c := start(t)
	admin := c.admin()
	tok := c.resetMember(admin, "bob")
	b := c.twoStep(tok).BackupToVerify
	c.ok("POST", api.PathFactorSend(b.FactorID), tok, nil, http.StatusOK, nil)
	c.fail("POST", api.PathFactorSend(b.FactorID), tok, nil, http.StatusTooManyRequests, api.CodeResendTooSoon)
	code := c.inst.LastCode(t, demo(t, "bob").Phone)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	for i := 1; i < 5; i++ {
		p := c.fail("POST", api.PathFactorConfirm(b.FactorID), tok, api.VerifyRequest{Code: wrong}, http.StatusUnauthorized, api.CodeInvalidCode)
		if p.AttemptsLeft == nil || *p.AttemptsLeft != 5-i {
			t.Fatalf("wrong code %d: attempts_left %v", i, p.AttemptsLeft)
		}
	}
	c.fail("POST", api.PathFactorConfirm(b.FactorID), tok, api.VerifyRequest{Code: wrong}, http.StatusGone, api.CodeChallengeFailed)
	c.fail("POST", api.PathFactorConfirm(b.FactorID), tok, api.VerifyRequest{Code: code}, http.StatusConflict, api.CodeConflict)
	c.fail("POST", api.PathTwoStepAuth, tok, nil, http.StatusForbidden, api.CodeBackupVerificationRequired)
}

// TestNoBackupStepWithoutASurvivingBackup: a primary-method change resets
// every factor and a first-time setup has nothing to verify; an active
// factor outside a reset setup is still not sent a code.
func TestNoBackupStepWithoutASurvivingBackup(t *testing.T) {
	c := start(t)
	admin := c.admin()
	c.ok("PUT", api.PathAdminSettings, admin, api.TwoStepSettings{Administrators: true, Technicians: api.TechniciansSelectedGroups,
		PrimaryMethod: api.MethodSMS}, http.StatusOK, nil)
	tok := c.loginState("bob", api.StateMFASetupRequired).MFAToken
	if st := c.twoStep(tok); st.BackupToVerify != nil || !st.Reset {
		t.Fatalf("after a primary-method change: %+v", st)
	}
	c.pairAuthenticator(tok)
	sms, _ := factorOf(c.twoStep(tok), api.MethodSMS)
	var sent api.CodeSent
	c.ok("POST", api.PathFactorSend(sms.ID), tok, nil, http.StatusOK, &sent)
	c.confirmByCode(tok, sent, demo(t, "bob").Phone)
	c.ok("POST", api.PathTwoStepActivate, tok, nil, http.StatusOK, nil)

	// A first-time setup has no backup to verify, even one confirmed in an
	// earlier sign-in; that active factor is not sent another code.
	first := c.loginState("erin", api.StateMFASetupRequired).MFAToken
	c.ok("POST", api.PathTwoStepSMS, first, api.SMSSetupRequest{Phone: "555-0105"}, http.StatusCreated, &sent)
	c.confirmByCode(first, sent, "555-0105")
	erin := c.loginState("erin", api.StateMFASetupRequired).MFAToken
	if st := c.twoStep(erin); st.BackupToVerify != nil {
		t.Fatalf("first-time setup asks to verify a backup: %+v", st.BackupToVerify)
	}
	c.fail("POST", api.PathFactorSend(sent.FactorID), erin, nil, http.StatusConflict, api.CodeConflict)
	c.fail("POST", api.PathFactorConfirm(sent.FactorID), erin, api.VerifyRequest{Code: "123456"}, http.StatusConflict, api.CodeConflict)
	c.startPairing(erin)
}
