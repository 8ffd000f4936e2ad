package securitytest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
)

// Bypass (WSTG-ATHN-04, PortSwigger 2FA "half-authenticated token"): every
// protected and admin call, with every token that must not open it, is
// refused, and the state read back afterwards is unchanged.

// credential is one token an attacker holds, and where it legitimately works.
type credential struct {
	name   string
	token  string
	allows func(rt server.Route) bool // the calls this token may legitimately make
	status int                        // what every other protected call answers
}

func public(rt server.Route) bool {
	switch rt.Path {
	case api.PathLogin, api.PathRefresh, api.PathDeviceRegister, api.PathOpenAPI, api.PathDevOutbox,
		api.PathServerInfo: // who the server is (a stable id, name, version): nothing of any member
		return true
	}
	return false
}

func isChallengeCall(rt server.Route) bool { return strings.HasPrefix(rt.Path, api.PathChallenges) }
func isSetupCall(rt server.Route) bool     { return strings.HasPrefix(rt.Path, api.PathTwoStep) }
func isDeviceCall(rt server.Route) bool {
	return strings.HasPrefix(rt.Path, api.PathDeviceNotification)
}
func isAdminCall(rt server.Route) bool { return strings.HasPrefix(rt.Path, api.Prefix+"/admin/") }
func none(server.Route) bool           { return false }

// ids are real identifiers to put into {id} paths.
type ids struct {
	challenge, factor, notification, group, member string
}

func (i ids) path(rt server.Route) string {
	id := i.member
	switch {
	case strings.HasPrefix(rt.Path, api.PathChallenges):
		id = i.challenge
	case strings.HasPrefix(rt.Path, api.PathTwoStep+"/factors"):
		id = i.factor
	case strings.HasPrefix(rt.Path, api.PathDeviceNotification):
		id = i.notification
	case strings.HasPrefix(rt.Path, api.PathAdminGroups):
		id = i.group
	}
	return strings.Replace(rt.Path, "{id}", id, 1)
}

// hostileBody is a well-formed body for each call, chosen to do harm if the
// call were let through (an attacker would send exactly this).
func hostileBody(rt server.Route) any {
	yes, all, admin := true, api.TechniciansNone, []api.Role{api.RoleMasterAdministrator}
	name, pw := "mallory", "Mallory-Pass-2026"
	switch {
	case rt.Path == api.PathChallenges:
		return api.ChallengeRequest{Method: api.MethodSMS}
	case strings.HasSuffix(rt.Path, "/verify"), strings.HasSuffix(rt.Path, "/confirm"):
		return api.VerifyRequest{Code: "123456"}
	case rt.Path == api.PathTwoStepSMS:
		return api.SMSSetupRequest{Phone: "555-0666"}
	case rt.Path == api.PathTwoStepEmail:
		return api.EmailSetupRequest{Email: "mallory@example.com"}
	case rt.Path == api.PathPassword:
		return api.PasswordChangeRequest{CurrentPassword: server.DemoPassword, NewPassword: pw}
	case isDeviceCall(rt) && rt.Method == "POST":
		return api.NotificationDecision{Decision: api.DecisionApprove, MatchNumber: "42"}
	case rt.Path == api.PathAdminSettings && rt.Method == "PUT":
		return api.TwoStepSettings{Technicians: all, PrimaryMethod: api.MethodSMS}
	case strings.HasPrefix(rt.Path, api.PathAdminGroups) && rt.Method != "GET":
		return api.GroupRequest{Name: &name, EnforceTwoStep: &yes}
	case strings.HasPrefix(rt.Path, api.PathAdminMembers) && rt.Method != "GET" && !strings.HasSuffix(rt.Path, "reset-two-step"):
		return api.MemberRequest{Username: &name, Password: &pw, Roles: &admin}
	}
	return nil
}

func TestBypassEveryProtectedCall(t *testing.T) {
	r := Start(t)
	// Tokens an attacker could hold, made before the snapshot.
	bobMFA := r.LoginState(t, "bob", api.StateMFARequired).MFAToken
	erinSetup := r.LoginState(t, "erin", api.StateMFASetupRequired).MFAToken
	bobTokens := r.SignIn(t, "bob")
	stepUp := r.StepUp(t, bobTokens.AccessToken, "bob")
	revoked := r.SignIn(t, "bob")
	r.OK(t, "POST", api.PathLogout, revoked.AccessToken, nil, http.StatusNoContent, nil)
	henry := r.SignIn(t, "henry").AccessToken
	aliceDevice := r.Inst.Demo(t, "alice").DeviceToken
	expiring := r.SignIn(t, "carol").AccessToken

	// Real identifiers for {id}: bob's challenge and factor, alice's push,
	// a group and carol (outside henry's groups).
	var id ids
	id.challenge = r.Challenge(t, bobMFA, api.ChallengeRequest{Method: api.MethodAuthenticatorApp}).ChallengeID
	var st api.TwoStepStatus
	r.OK(t, "GET", api.PathTwoStep, bobTokens.AccessToken, nil, http.StatusOK, &st)
	id.factor = st.Factors[0].ID
	aliceMFA := r.LoginState(t, "alice", api.StateMFARequired).MFAToken
	r.Challenge(t, aliceMFA, api.ChallengeRequest{Method: api.MethodAppNotification})
	var pending []api.Notification
	r.OK(t, "GET", api.PathDeviceNotification+"?wait=0", aliceDevice, nil, http.StatusOK, &pending)
	if len(pending) != 1 {
		t.Fatalf("alice's phone sees %d pushes, want 1", len(pending))
	}
	id.notification = pending[0].ID
	before := r.Snapshot(t)
	id.group = before.Groups[0].ID
	id.member = before.Member(t, "carol").ID

	creds := []credential{
		{"no token", "", none, http.StatusUnauthorized},
		{"garbage token", "not-a-token", none, http.StatusUnauthorized},
		{"oversized token", strings.Repeat("A", 4096), none, http.StatusUnauthorized},
		{"mfa_token of mfa_required", bobMFA, isChallengeCall, http.StatusUnauthorized},
		{"mfa_token of mfa_setup_required", erinSetup, isSetupCall, http.StatusUnauthorized},
		{"step-up token", stepUp, none, http.StatusUnauthorized},
		{"refresh token", bobTokens.RefreshToken, none, http.StatusUnauthorized},
		{"revoked access token", revoked.AccessToken, none, http.StatusUnauthorized},
		{"device token", aliceDevice, isDeviceCall, http.StatusUnauthorized},
		{"technician's access token", bobTokens.AccessToken, func(rt server.Route) bool { return !isAdminCall(rt) && !isDeviceCall(rt) }, http.StatusForbidden},
	}
	routes := r.Inst.Server.Routes()
	if len(routes) < 25 {
		t.Fatalf("only %d routes served; the table is incomplete", len(routes))
	}
	tried := 0
	for _, c := range creds {
		for _, rt := range routes {
			if public(rt) || c.allows(rt) {
				continue
			}
			want := c.status
			if c.status == http.StatusForbidden && isDeviceCall(rt) {
				want = http.StatusUnauthorized
			}
			tried++
			res := r.Do(t, rt.Method, id.path(rt), c.token, hostileBody(rt))
			if res.Status != want || res.Code() == "" {
				t.Errorf("%s on %s %s: %s, want a problem HTTP %d", c.name, rt.Method, rt.Path, res, want)
			}
		}
	}

	// An administrator outside their groups: henry manages Support Desk, not carol.
	outsideGroups := func(rt server.Route) bool {
		return strings.HasPrefix(rt.Path, api.PathAdminMembers+"/") || // carol's record, reset
			rt.Path == api.PathAdminSettings && rt.Method == "PUT" // master administrators only
	}
	for _, rt := range routes {
		if !outsideGroups(rt) {
			continue
		}
		tried++
		res := r.Do(t, rt.Method, id.path(rt), henry, hostileBody(rt))
		if res.Status != http.StatusForbidden {
			t.Errorf("henry on carol %s %s: %s, want 403", rt.Method, rt.Path, res)
		}
	}
	if d := before.Diff(r.Snapshot(t)); d != "" {
		t.Fatalf("after %d refused calls: %s", tried, d)
	}

	// Expired tokens: the clock passes the access (15 min) and mfa (10 min) lifetimes.
	r.Clock.Advance(16 * 60e9)
	before = r.Snapshot(t)
	for _, c := range []credential{
		{"expired access token", expiring, none, http.StatusUnauthorized},
		{"expired mfa_token", bobMFA, none, http.StatusUnauthorized},
		{"expired setup mfa_token", erinSetup, none, http.StatusUnauthorized},
	} {
		for _, rt := range routes {
			if public(rt) {
				continue
			}
			tried++
			res := r.Do(t, rt.Method, id.path(rt), c.token, hostileBody(rt))
			if c.token == bobMFA && rt.Path == api.PathChallenges+"/{id}" {
				// The sign-in that owns the challenge may still learn that it
				// expired, and cancelling it is a no-op; nothing else.
				if rt.Method == "GET" && (res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"status":"expired"`)) {
					t.Errorf("expired sign-in reading its challenge: %s, want status expired", res)
				}
				continue
			}
			if res.Status == http.StatusOK || res.Status == http.StatusCreated || res.Status == http.StatusNoContent {
				t.Errorf("%s on %s %s: %s, want refused", c.name, rt.Method, rt.Path, res)
			}
			if rt.Path != api.PathChallenges && !strings.HasPrefix(rt.Path, api.PathChallenges+"/") && res.Status != http.StatusUnauthorized {
				t.Errorf("%s on %s %s: %s, want 401", c.name, rt.Method, rt.Path, res)
			}
		}
	}
	if d := before.Diff(r.Snapshot(t)); d != "" {
		t.Fatalf("after expired tokens: %s", d)
	}
	t.Logf("%d protected calls with the wrong token: all refused, state unchanged", tried)
}
