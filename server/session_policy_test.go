package server_test

import (
	"net/http"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

// TestPolicyTighteningEndsPasswordOnlySessions: a session opened without
// two-step verification answers 401 mfa_required, on refresh and on every
// call, once the policy requires two-step of its member.
func TestPolicyTighteningEndsPasswordOnlySessions(t *testing.T) {
	c := start(t)
	admin := c.adminMFA()
	grace := c.loginState("grace", api.StateAuthenticated).Tokens
	bob := c.signInTOTP("bob").Tokens
	backOffice := c.groupByName(admin, "Back Office")
	c.ok("GET", api.PathMe, grace.AccessToken, nil, http.StatusOK, nil)

	c.ok("PATCH", api.PathAdminGroup(backOffice.ID), admin, api.GroupRequest{EnforceTwoStep: ptr(true)}, http.StatusOK, nil)
	for _, call := range []struct{ method, path string }{
		{"GET", api.PathMe},
		{"GET", api.PathTwoStep},
		{"POST", api.PathLogout},
	} {
		c.fail(call.method, call.path, grace.AccessToken, nil, http.StatusUnauthorized, api.CodeMFARequired)
	}
	c.fail("POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: grace.RefreshToken}, http.StatusUnauthorized, api.CodeMFARequired)
	c.fail("POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: grace.RefreshToken}, http.StatusUnauthorized, api.CodeMFARequired)
	// A session that passed two-step is not touched.
	c.ok("GET", api.PathMe, bob.AccessToken, nil, http.StatusOK, nil)
	// Grace signs in again: now she must set two-step up.
	c.loginState("grace", api.StateMFASetupRequired)

	var events []api.AuditEvent
	c.ok("GET", api.PathAdminAudit+"?limit=20", admin, nil, http.StatusOK, &events)
	if !hasEvent(events, "session.mfa_required", "grace") {
		t.Errorf("no session.mfa_required event for grace")
	}
}

func hasEvent(events []api.AuditEvent, kind, username string) bool {
	for _, e := range events {
		if e.Kind == kind && e.Username == username {
			return true
		}
	}
	return false
}
