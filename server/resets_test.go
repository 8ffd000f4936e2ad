package server_test

import (
	"net/http"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

// TestLostPhoneReset: the authenticator (and app notification) become reset,
// push devices and sessions are revoked, the backup stays active; the member
// pairs again, keeps the backup and activates.
func TestLostPhoneReset(t *testing.T) {
	c := start(t)
	admin := c.admin()
	session := c.signInTOTP("bob").Tokens
	bob := c.memberByName(admin, "bob")
	var smsBefore api.Factor
	for _, f := range bob.Factors {
		if f.Method == api.MethodSMS {
			smsBefore = f
		}
	}

	c.ok("POST", api.PathAdminMemberReset(bob.ID), admin, nil, http.StatusNoContent, nil)
	c.fail("GET", api.PathMe, session.AccessToken, nil, http.StatusUnauthorized, api.CodeInvalidToken)
	c.fail("POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: session.RefreshToken}, http.StatusUnauthorized, api.CodeInvalidToken)

	r := c.loginState("bob", api.StateMFASetupRequired)
	if !r.Reset {
		t.Errorf("reset = false after a reset")
	}
	st := c.twoStep(r.MFAToken)
	auth, _ := factorOf(st, api.MethodAuthenticatorApp)
	sms, _ := factorOf(st, api.MethodSMS)
	if !st.Reset || auth.Status != api.FactorReset || sms.Status != api.FactorActive || sms.ID != smsBefore.ID {
		t.Fatalf("after a lost-phone reset: %+v", st)
	}
	// The surviving backup is verified first (setup_backup_test.go).
	c.verifyBackup(r.MFAToken, demo(t, "bob").Phone)
	// The reset authenticator cannot be confirmed with the old phone.
	c.fail("POST", api.PathFactorConfirm(auth.ID), r.MFAToken, api.VerifyRequest{Code: c.totpCode(demo(t, "bob").TOTPSecret)}, http.StatusConflict, api.CodeConflict)
	p := c.fail("POST", api.PathTwoStepActivate, r.MFAToken, nil, http.StatusConflict, api.CodeSetupIncomplete)
	if len(p.Missing) != 1 || p.Missing[0] != api.MissingAuthenticatorApp {
		t.Errorf("missing = %v", p.Missing)
	}
	setup := c.pairAuthenticator(r.MFAToken)
	var done api.AuthResponse
	c.ok("POST", api.PathTwoStepActivate, r.MFAToken, nil, http.StatusOK, &done)
	if done.State != api.StateAuthenticated {
		t.Fatalf("activate = %+v", done)
	}
	st = c.twoStep(done.Tokens.AccessToken)
	if len(st.Factors) != 2 || st.Reset {
		t.Fatalf("factors after setup again = %+v", st)
	}
	if sms, _ := factorOf(st, api.MethodSMS); sms.ID != smsBefore.ID {
		t.Errorf("the kept backup changed: %+v", sms)
	}

	// The old secret no longer signs in; the new one does.
	c.clock.Advance(30 * 1e9)
	r = c.loginState("bob", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodAuthenticatorApp)
	c.fail("POST", api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: c.totpCode(demo(t, "bob").TOTPSecret)}, http.StatusUnauthorized, api.CodeInvalidCode)
	c.verify(r.MFAToken, ch.ChallengeID, c.totpCode(setup.Secret))
}

func TestLostPhoneResetRevokesThePushDevice(t *testing.T) {
	c := start(t)
	admin := c.admin()
	alice := c.memberByName(admin, "alice")
	c.ok("POST", api.PathAdminMemberReset(alice.ID), admin, nil, http.StatusNoContent, nil)
	alice = c.memberByName(admin, "alice")
	got := map[api.Method]api.FactorStatus{}
	for _, f := range alice.Factors {
		got[f.Method] = f.Status
	}
	want := map[api.Method]api.FactorStatus{api.MethodAuthenticatorApp: api.FactorReset, api.MethodAppNotification: api.FactorReset, api.MethodSMS: api.FactorActive}
	for m, s := range want {
		if got[m] != s {
			t.Errorf("%s = %q, want %q (all: %v)", m, got[m], s, got)
		}
	}
	r := c.loginState("alice", api.StateMFASetupRequired)
	c.verifyBackup(r.MFAToken, demo(t, "alice").Phone)
	c.pairAuthenticator(r.MFAToken)
	c.ok("POST", api.PathTwoStepActivate, r.MFAToken, nil, http.StatusOK, nil)
	// The old push factor went with the reset; a new phone registers anew.
	c.clock.Advance(30 * 1e9)
	r = c.loginState("alice", api.StateMFARequired)
	for _, m := range r.Methods {
		if m.Method == api.MethodAppNotification {
			t.Errorf("the revoked push device is still offered: %+v", r.Methods)
		}
	}
}

// TestPrimaryMethodChangeResetsEveryone: one transaction, counted, every
// factor reset, sessions revoked; the member confirms every factor again.
func TestPrimaryMethodChangeResetsEveryone(t *testing.T) {
	c := start(t)
	admin := c.admin()
	carolSession := c.signInTOTP("carol").Tokens
	graceSession := c.loginState("grace", api.StateAuthenticated).Tokens

	var got api.TwoStepSettings
	c.ok("PUT", api.PathAdminSettings, admin, api.TwoStepSettings{Administrators: true, Technicians: api.TechniciansSelectedGroups,
		PrimaryMethod: api.MethodSMS}, http.StatusOK, &got)
	// alice, bob, carol, dave, frank and henry had factors.
	if got.ResetMembers == nil || *got.ResetMembers != 6 || got.PrimaryMethod != api.MethodSMS {
		t.Fatalf("PUT answer = %+v, want reset_members 6", got)
	}
	c.fail("GET", api.PathMe, carolSession.AccessToken, nil, http.StatusUnauthorized, api.CodeInvalidToken)
	c.ok("GET", api.PathMe, graceSession.AccessToken, nil, http.StatusOK, nil) // grace had no factor

	var members []api.Member
	c.ok("GET", api.PathAdminMembers, admin, nil, http.StatusOK, &members)
	for _, m := range members {
		for _, f := range m.Factors {
			if f.Status != api.FactorReset {
				t.Errorf("%s: %s is %s after the reset", m.Username, f.Method, f.Status)
			}
		}
	}

	r := c.loginState("carol", api.StateMFASetupRequired)
	if !r.Reset || r.PrimaryMethod != api.MethodSMS {
		t.Fatalf("login after reset = %+v", r)
	}
	st := c.twoStep(r.MFAToken)
	email, ok := factorOf(st, api.MethodEmail)
	if !ok || email.Status != api.FactorReset || email.Label != "Email to c***@example.com" {
		t.Fatalf("the reset email factor keeps its address for the form: %+v", st.Factors)
	}
	c.pairAuthenticator(r.MFAToken)
	// The kept address is confirmed again by a code sent to it.
	var sent api.CodeSent
	c.ok("POST", api.PathFactorSend(email.ID), r.MFAToken, nil, http.StatusOK, &sent)
	c.confirmByCode(r.MFAToken, sent, "carol@example.com")
	var done api.AuthResponse
	c.ok("POST", api.PathTwoStepActivate, r.MFAToken, nil, http.StatusOK, &done)
	st = c.twoStep(done.Tokens.AccessToken)
	if st.Reset || len(st.Factors) != 2 {
		t.Fatalf("after setting up again: %+v", st)
	}

	// The same primary method again is no reset.
	var again api.TwoStepSettings
	c.ok("PUT", api.PathAdminSettings, admin, api.TwoStepSettings{Administrators: true, Technicians: api.TechniciansSelectedGroups,
		PrimaryMethod: api.MethodSMS}, http.StatusOK, &again)
	if again.ResetMembers != nil {
		t.Errorf("reset_members = %d on an unchanged primary method", *again.ResetMembers)
	}
	c.clock.Advance(30 * 1e9)
	c.loginState("carol", api.StateMFARequired)
}

// TestResetsDropAHalfPairedAuthenticator: both resets drop a pending
// authenticator together with the app notification of the phone already
// registered to it, and that phone stops working.
func TestResetsDropAHalfPairedAuthenticator(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reset func(c *tc, admin, memberID string)
	}{
		{"lost phone", func(c *tc, admin, memberID string) {
			c.ok("POST", api.PathAdminMemberReset(memberID), admin, nil, http.StatusNoContent, nil)
		}},
		{"primary method", func(c *tc, admin, _ string) {
			c.ok("PUT", api.PathAdminSettings, admin, api.TwoStepSettings{Administrators: true, Technicians: api.TechniciansSelectedGroups,
				PrimaryMethod: api.MethodSMS}, http.StatusOK, nil)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := start(t)
			admin := c.admin()
			erin := c.loginState("erin", api.StateMFASetupRequired).MFAToken
			setup := c.startPairing(erin)
			var reg api.DeviceRegistration
			c.ok("POST", api.PathDeviceRegister, "", api.DeviceRegisterRequest{PushToken: pushToken(t, setup.OTPAuthURI), DeviceName: "Erin's phone"}, http.StatusCreated, &reg)
			m := c.memberByName(admin, "erin")
			if len(m.Factors) != 2 {
				t.Fatalf("before the reset: %+v", m.Factors)
			}
			tc.reset(c, admin, m.ID)
			if m = c.memberByName(admin, "erin"); len(m.Factors) != 0 {
				t.Errorf("after the reset: %+v", m.Factors)
			}
			c.fail("GET", api.PathDeviceNotification, reg.DeviceToken, nil, http.StatusUnauthorized, api.CodeInvalidToken)
		})
	}
}
