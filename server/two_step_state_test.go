package server_test

import (
	"net/http"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
)

// TestOnlyActivateEnrolls: confirming factors during a setup that stops
// before Activate leaves the member in setup at the next sign-in; only
// Activate enrolls, and both resets send the member back through setup as
// "previously set up" until they activate again. The Admin Center shows the
// same state.
func TestOnlyActivateEnrolls(t *testing.T) {
	sms := func(c *tc, tok, phone string) {
		var sent api.CodeSent
		c.ok("POST", api.PathTwoStepSMS, tok, api.SMSSetupRequest{Phone: phone}, http.StatusCreated, &sent)
		c.confirmByCode(tok, sent, phone)
	}
	for _, tt := range []struct {
		name      string
		user      string
		do        func(c *tc, admin string)
		wantState string
		wantReset bool
		wantAdmin api.TwoStepState
	}{
		{"demo: first time (erin)", "erin", nil, api.StateMFASetupRequired, false, api.TwoStepNotSetUp},
		{"demo: enrolled (bob)", "bob", nil, api.StateMFARequired, false, api.TwoStepActivated},
		{"demo: legacy email only (dave)", "dave", nil, api.StateMFARequired, false, api.TwoStepActivated},
		{"demo: after a lost-phone reset (frank)", "frank", nil, api.StateMFASetupRequired, true, api.TwoStepReset},
		{"first time, stopped after the authenticator", "erin", func(c *tc, _ string) {
			c.pairAuthenticator(c.loginState("erin", api.StateMFASetupRequired).MFAToken)
		}, api.StateMFASetupRequired, false, api.TwoStepNotSetUp},
		{"first time, stopped after the authenticator and the SMS", "erin", func(c *tc, _ string) {
			tok := c.loginState("erin", api.StateMFASetupRequired).MFAToken
			c.pairAuthenticator(tok)
			sms(c, tok, "555-0105")
		}, api.StateMFASetupRequired, false, api.TwoStepNotSetUp},
		{"first time, activated", "erin", func(c *tc, _ string) {
			tok := c.loginState("erin", api.StateMFASetupRequired).MFAToken
			c.pairAuthenticator(tok)
			sms(c, tok, "555-0105")
			c.ok("POST", api.PathTwoStepActivate, tok, nil, http.StatusOK, nil)
		}, api.StateMFARequired, false, api.TwoStepActivated},
		{"forced reset, stopped after pairing again", "bob", func(c *tc, admin string) {
			c.ok("POST", api.PathAdminMemberReset(c.memberByName(admin, "bob").ID), admin, nil, http.StatusNoContent, nil)
			tok := c.loginState("bob", api.StateMFASetupRequired).MFAToken
			c.verifyBackup(tok, "555-0102")
			c.pairAuthenticator(tok)
		}, api.StateMFASetupRequired, true, api.TwoStepReset},
		{"forced reset of a legacy member", "dave", func(c *tc, admin string) {
			c.ok("POST", api.PathAdminMemberReset(c.memberByName(admin, "dave").ID), admin, nil, http.StatusNoContent, nil)
		}, api.StateMFASetupRequired, true, api.TwoStepReset},
		{"forced reset of a member who never set up", "erin", func(c *tc, admin string) {
			c.ok("POST", api.PathAdminMemberReset(c.memberByName(admin, "erin").ID), admin, nil, http.StatusNoContent, nil)
		}, api.StateMFASetupRequired, false, api.TwoStepNotSetUp},
		{"primary method change, every factor confirmed again but not activated", "bob", func(c *tc, admin string) {
			c.ok("PUT", api.PathAdminSettings, admin, api.TwoStepSettings{Administrators: true, Technicians: api.TechniciansSelectedGroups,
				PrimaryMethod: api.MethodSMS}, http.StatusOK, nil)
			tok := c.loginState("bob", api.StateMFASetupRequired).MFAToken
			c.pairAuthenticator(tok)
			sms(c, tok, "555-0102")
		}, api.StateMFASetupRequired, true, api.TwoStepReset},
		{"forced reset, set up again and activated", "bob", func(c *tc, admin string) {
			c.ok("POST", api.PathAdminMemberReset(c.memberByName(admin, "bob").ID), admin, nil, http.StatusNoContent, nil)
			tok := c.loginState("bob", api.StateMFASetupRequired).MFAToken
			c.verifyBackup(tok, "555-0102")
			c.pairAuthenticator(tok)
			c.ok("POST", api.PathTwoStepActivate, tok, nil, http.StatusOK, nil)
		}, api.StateMFARequired, false, api.TwoStepActivated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := start(t)
			admin := c.admin()
			if tt.do != nil {
				tt.do(c, admin)
			}
			r := c.login(tt.user, server.DemoPassword)
			if r.State != tt.wantState || r.Reset != tt.wantReset {
				t.Errorf("sign-in: state %q reset %v, want %q reset %v", r.State, r.Reset, tt.wantState, tt.wantReset)
			}
			if r.State == api.StateMFASetupRequired {
				if st := c.twoStep(r.MFAToken); st.Reset != tt.wantReset {
					t.Errorf("GET two-step: reset %v, want %v", st.Reset, tt.wantReset)
				}
			}
			if got := c.memberByName(admin, tt.user).TwoStepState; got != tt.wantAdmin {
				t.Errorf("Admin Center: two_step_state %q, want %q", got, tt.wantAdmin)
			}
		})
	}
}
