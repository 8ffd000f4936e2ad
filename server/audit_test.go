package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
)

// TestAuditRecordsEverySecurityEvent walks through the security events of
// the contract and checks each is in GET /admin/audit with who, when, the
// client address and the console version, and that no secret is.
func TestAuditRecordsEverySecurityEvent(t *testing.T) {
	c := start(t)
	c.version = "7.50.3572"
	var secrets []string
	keep := func(s ...string) { secrets = append(secrets, s...) }
	keep(server.DemoPassword, c.inst.AdminPassword, "Wrong-Pass-2026", newPassword)

	admin := c.adminMFA()
	keep(admin)
	// Sign-in failed, then passed with a code.
	c.loginProblem("bob", "Wrong-Pass-2026", http.StatusUnauthorized, api.CodeInvalidCredentials)
	r := c.loginState("bob", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodSMS)
	c.fail("POST", api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: "000000"}, http.StatusUnauthorized, api.CodeInvalidCode)
	code := c.inst.LastCode(t, "555-0102")
	bob := c.verify(r.MFAToken, ch.ChallengeID, code)
	keep(r.MFAToken, code, bob.Tokens.AccessToken, bob.Tokens.RefreshToken)
	c.clock.Advance(31 * time.Second)

	// Pushes approved and denied.
	phone := c.inst.Demo(t, "alice").DeviceToken
	keep(phone)
	ra := c.loginState("alice", api.StateMFARequired)
	push := c.startChallenge(ra.MFAToken, api.MethodAppNotification)
	c.decide(phone, push.ChallengeID, api.DecisionApprove, otherNumber(push.MatchNumber), http.StatusNoContent)
	push = c.startChallenge(ra.MFAToken, api.MethodAppNotification)
	c.decide(phone, push.ChallengeID, api.DecisionApprove, push.MatchNumber, http.StatusNoContent)
	alice := c.poll(ra.MFAToken, push.ChallengeID, 0).body
	keep(ra.MFAToken, alice.Tokens.AccessToken)

	// Password change with step-up.
	stepUp := c.stepUp(bob.Tokens.AccessToken, "555-0102")
	keep(stepUp)
	c.ok("POST", api.PathPassword, bob.Tokens.AccessToken, pwChange(server.DemoPassword, newPassword, stepUp), http.StatusNoContent, nil)
	// A factor change with a bad step-up token (adminMFA used a good one).
	c.fail("POST", api.PathTwoStepAuth, admin, api.StepUpRequest{StepUpToken: "forged-step-up"}, http.StatusForbidden, api.CodeInvalidStepUp)

	// Setup with a phone registration.
	erin := c.loginState("erin", api.StateMFASetupRequired).MFAToken
	setup := c.startPairing(erin)
	pt := pushToken(t, setup.OTPAuthURI)
	var reg api.DeviceRegistration
	c.ok("POST", api.PathDeviceRegister, "", api.DeviceRegisterRequest{PushToken: pt, DeviceName: "Erin's phone"}, http.StatusCreated, &reg)
	keep(erin, setup.Secret, pt, reg.DeviceToken)

	// Throttled, reset, settings.
	for range 10 {
		c.loginProblem("dave", "Wrong-Pass-2026", http.StatusUnauthorized, api.CodeInvalidCredentials)
	}
	c.loginProblem("dave", "Wrong-Pass-2026", http.StatusTooManyRequests, api.CodeTooManyAttempts)
	frank := c.memberByName(admin, "frank")
	c.ok("POST", api.PathAdminMemberReset(frank.ID), admin, nil, http.StatusNoContent, nil)
	c.ok("PUT", api.PathAdminSettings, admin, api.TwoStepSettings{Administrators: true, Technicians: api.TechniciansSelectedGroups,
		PrimaryMethod: api.MethodAppNotification, MasterAdministrators: true}, http.StatusOK, nil)

	status, _, data := c.raw("GET", api.PathAdminAudit+"?limit=1000", admin, nil)
	if status != http.StatusOK {
		t.Fatalf("audit: HTTP %d %s", status, data)
	}
	var events []api.AuditEvent
	if err := json.Unmarshal(data, &events); err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct{ kind, user string }{
		{"sign_in.failed", "bob"}, {"sign_in.mfa_required", "bob"}, {"challenge.sent", "bob"}, {"challenge.failed", "bob"},
		{"challenge.passed", "bob"}, {"sign_in.ok", "bob"}, {"push.denied", "alice"}, {"push.approved", "alice"},
		{"step_up.issued", "bob"}, {"password.changed", "bob"}, {"setup.factor_started", "erin"}, {"device.registered", "erin"},
		{"setup.factor_confirmed", "admin"}, {"setup.activated", "admin"}, {"throttle.refused", "dave"}, {"reset.lost_phone", "frank"},
		{"step_up.used", "admin"}, {"step_up.refused", "admin"}, {"settings.changed", ""},
	} {
		var found *api.AuditEvent
		for i := range events {
			if events[i].Kind == want.kind && (want.user == "" || events[i].Username == want.user) {
				found = &events[i]
				break
			}
		}
		if found == nil {
			t.Errorf("no %s event for %q", want.kind, want.user)
			continue
		}
		if found.At.IsZero() || found.ClientAddress != "127.0.0.1" || found.ConsoleVersion != "7.50.3572" ||
			(want.user != "" && want.kind != "sign_in.failed" && want.kind != "throttle.refused" && found.MemberID == "") {
			t.Errorf("%s event lacks who, when, address or version: %+v", want.kind, *found)
		}
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(string(data), s) {
			t.Errorf("the audit log holds a secret (%d characters)", len(s))
		}
	}
	// Newest first, limit honoured.
	for i := 1; i < len(events); i++ {
		if events[i].ID >= events[i-1].ID {
			t.Fatalf("audit not newest first at %d", i)
		}
	}
	var three []api.AuditEvent
	c.ok("GET", api.PathAdminAudit+"?limit=3", admin, nil, http.StatusOK, &three)
	if len(three) != 3 || three[0].ID != events[0].ID {
		t.Errorf("limit=3 gave %d events starting at %d (newest %d)", len(three), three[0].ID, events[0].ID)
	}
	c.fail("GET", api.PathAdminAudit+"?limit=0", admin, nil, http.StatusBadRequest, api.CodeValidation)
	c.fail("GET", api.PathAdminAudit, bob.Tokens.AccessToken, nil, http.StatusForbidden, api.CodeForbidden)
}
