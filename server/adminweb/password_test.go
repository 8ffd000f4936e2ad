package adminweb_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

// changePassword posts the "Change my password" form.
func (b *browser) changePassword(current, next, confirm string) (int, string) {
	b.t.Helper()
	b.get("/admin/password")
	return b.post("/admin/password", url.Values{"current_password": {current}, "new_password": {next}, "confirm_password": {confirm}}, true)
}

// signsIn reports whether the password opens the member's account (any state
// but a refusal).
func signsIn(t *testing.T, inst *servertest.Instance, username, password string) bool {
	t.Helper()
	return apiJSON(t, inst, http.MethodPost, api.PathLogin, "", api.LoginRequest{Username: username, Password: password}, nil) == http.StatusOK
}

// Where two-step verification does not apply (master administrators in the
// demo), the current password alone changes it.
func TestChangeMyPasswordWithoutTwoStep(t *testing.T) {
	inst := servertest.Start(t)
	b := newBrowser(t, inst)
	b.signIn("admin", inst.AdminPassword)
	next := "Admin-Next-Pass-2026"

	for _, tc := range []struct {
		name, current, next, confirm string
		status                       int
		want                         string
	}{
		{"confirmation differs", inst.AdminPassword, next, next + "x", http.StatusBadRequest, "The new password and its confirmation differ."},
		{"wrong current password", "Not-The-Password-1", next, next, http.StatusForbidden, "Your current password is not right."},
		{"weak new password", inst.AdminPassword, "12345678", "12345678", http.StatusBadRequest, "weak_password"},
		{"changed", inst.AdminPassword, next, next, http.StatusOK, "Your password is changed."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := b.changePassword(tc.current, tc.next, tc.confirm)
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("HTTP %d, want %d with %q\n%s", status, tc.status, tc.want, body)
			}
			if strings.Contains(body, tc.current) || strings.Contains(body, tc.next) {
				t.Error("the page repeats a password")
			}
		})
	}
	if signsIn(t, inst, "admin", inst.AdminPassword) || !signsIn(t, inst, "admin", next) {
		t.Error("after the change the old password still works or the new one does not")
	}
}

// Where it applies (henry), the API asks for a step-up: the same second-step
// pages as the sign-in run a password_change challenge with the access
// token, and the change goes through with the step-up token. A wrong code
// costs one attempt and keeps the session.
func TestChangeMyPasswordWithStepUp(t *testing.T) {
	inst := servertest.Start(t)
	b := newBrowser(t, inst)
	b.signIn("henry", server.DemoPassword)
	next := "Henry-Next-Pass-2026"

	status, body := b.changePassword(server.DemoPassword, next, next)
	if status != http.StatusOK || !strings.Contains(body, "Two-step verification is required to change the password of") ||
		!strings.Contains(body, `action="/admin/password/challenge"`) {
		t.Fatalf("no second step after the form: HTTP %d\n%s", status, body)
	}
	b.post("/admin/password/challenge", url.Values{"factor": {regexpFactor(t, b.last, "Text message")}}, true)
	if !strings.Contains(b.last, "We sent a 6-digit code to") {
		t.Fatalf("no code page\n%s", b.last)
	}
	if status, body := b.post("/admin/password/verify", url.Values{"code": {"000000"}}, true); status != http.StatusUnauthorized ||
		!strings.Contains(body, "attempts left") || !strings.Contains(body, `action="/admin/password/verify"`) {
		t.Fatalf("wrong code: HTTP %d, want 401 on the same page\n%s", status, body)
	}
	if !signsIn(t, inst, "henry", server.DemoPassword) {
		t.Fatal("the password changed before the second step passed")
	}
	status, body = b.post("/admin/password/verify", url.Values{"code": {inst.LastCode(t, "555-0108")}}, true)
	if status != http.StatusOK || !strings.Contains(body, "Your password is changed.") {
		t.Fatalf("right code: HTTP %d\n%s", status, body)
	}
	if signsIn(t, inst, "henry", server.DemoPassword) || !signsIn(t, inst, "henry", next) {
		t.Error("after the change the old password still works or the new one does not")
	}
	// Still signed in: the change ends the other sessions, not this one.
	if status, body := b.get("/admin/members"); status != http.StatusOK || !strings.Contains(body, "Sign out") {
		t.Errorf("after the change: HTTP %d\n%s", status, body)
	}
}

// Cancelling the second step drops the typed passwords and changes nothing.
func TestChangeMyPasswordCancelled(t *testing.T) {
	inst := servertest.Start(t)
	b := newBrowser(t, inst)
	b.signIn("henry", server.DemoPassword)
	next := "Henry-Next-Pass-2026"
	b.changePassword(server.DemoPassword, next, next)
	b.post("/admin/password/challenge", url.Values{"factor": {regexpFactor(t, b.last, "Text message")}}, true)
	b.post("/admin/password/cancel", nil, true) // use another method
	if !strings.Contains(b.last, "How do you want to verify it is you?") {
		t.Fatalf("use another method\n%s", b.last)
	}
	if status, body := b.post("/admin/password/cancel", nil, true); status != http.StatusOK || !strings.Contains(body, "Your password was not changed.") {
		t.Fatalf("cancel: HTTP %d\n%s", status, body)
	}
	if status, _ := b.post("/admin/password/verify", url.Values{"code": {inst.LastCode(t, "555-0108")}}, true); status != http.StatusOK || strings.Contains(b.last, "Your password is changed.") {
		t.Fatalf("a code after the cancel: HTTP %d\n%s", status, b.last)
	}
	if !signsIn(t, inst, "henry", server.DemoPassword) {
		t.Error("the cancelled change changed the password")
	}
}

// The push with its number works for the step-up too (alice, made an
// administrator, approves on her demo phone).
func TestChangeMyPasswordWithAppNotification(t *testing.T) {
	inst := servertest.Start(t)
	ids := memberIDs(t, inst)
	admin := login(t, inst, "admin", inst.AdminPassword)
	roles := []api.Role{api.RoleAdministrator, api.RoleTechnician}
	if st := apiJSON(t, inst, http.MethodPatch, api.PathAdminMember(ids["alice"]), admin.Tokens.AccessToken,
		api.MemberRequest{Roles: &roles}, nil); st != http.StatusOK {
		t.Fatalf("make alice an administrator: HTTP %d", st)
	}
	b := newBrowser(t, inst)
	b.signIn("alice", server.DemoPassword)
	next := "Alice-Next-Pass-2026"
	b.changePassword(server.DemoPassword, next, next)
	b.post("/admin/password/challenge", url.Values{"factor": {regexpFactor(t, b.last, "App notification")}}, true)
	m := regexp.MustCompile(`<p class="match"[^>]*>(\d+)</p>`).FindStringSubmatch(b.last)
	if m == nil {
		t.Fatalf("no number shown\n%s", b.last)
	}
	alice := inst.Demo(t, "alice")
	var pending []api.Notification
	if st := apiJSON(t, inst, http.MethodGet, api.PathDeviceNotification+"?wait=5", alice.DeviceToken, nil, &pending); st != http.StatusOK || len(pending) != 1 {
		t.Fatalf("phone: HTTP %d, %d notifications", st, len(pending))
	}
	if st := apiJSON(t, inst, http.MethodPost, api.PathNotification(pending[0].ID), alice.DeviceToken,
		api.NotificationDecision{Decision: api.DecisionApprove, MatchNumber: m[1]}, nil); st != http.StatusNoContent {
		t.Fatalf("phone approve: HTTP %d", st)
	}
	if status, body := b.post("/admin/password/wait", nil, true); status != http.StatusOK || !strings.Contains(body, "Your password is changed.") {
		t.Fatalf("after approval: HTTP %d\n%s", status, body)
	}
	if !signsIn(t, inst, "alice", next) {
		t.Error("the new password does not work")
	}
}

// The signed-in administrator's own row: listed, but no reset box, and its
// page offers no password field, only the way to "Change my password".
func TestOwnRowIsReadOnly(t *testing.T) {
	inst := servertest.Start(t)
	ids := memberIDs(t, inst)
	for _, who := range []struct{ username, password string }{{"henry", server.DemoPassword}, {"admin", inst.AdminPassword}} {
		t.Run(who.username, func(t *testing.T) {
			b := newBrowser(t, inst)
			b.signIn(who.username, who.password)
			id := ids[who.username]
			_, body := b.get("/admin/members")
			if !strings.Contains(body, `id="member-`+who.username+`"`) || strings.Contains(body, `id="select-`+id+`"`) {
				t.Errorf("own row: listed=%t, reset box=%t; want listed without a box",
					strings.Contains(body, `id="member-`+who.username+`"`), strings.Contains(body, `id="select-`+id+`"`))
			}
			status, body := b.get("/admin/members/" + id)
			if status != http.StatusOK || strings.Contains(body, `name="password"`) || !strings.Contains(body, `href="/admin/password"`) ||
				strings.Contains(body, `action="/admin/members/`+id+`"`) {
				t.Errorf("own page: HTTP %d, want no form and a link to Change my password\n%s", status, body)
			}
			// A forged form is refused by the API.
			status, body = b.post("/admin/members/"+id, url.Values{"display_name": {"Me"}, "password": {"Forged-Pass-2026"}}, true)
			if status != http.StatusForbidden || !strings.Contains(body, "use_self_service") {
				t.Errorf("forged own form: HTTP %d, want 403 use_self_service\n%s", status, body)
			}
			if !signsIn(t, inst, who.username, who.password) {
				t.Error("the forged form changed the password")
			}
		})
	}
}

// An id that is not one never reaches an API path, and nothing but the
// expected answer counts as done.
func TestBogusIDsAreRefused(t *testing.T) {
	inst := servertest.Start(t)
	b := newBrowser(t, inst)
	b.signIn("admin", inst.AdminPassword)
	for _, id := range []string{"../../two-step-settings", "..", "mbr_x/../../groups", "mbr_x?y=1", "mbr_%2e%2e"} {
		t.Run(id, func(t *testing.T) {
			b.get("/admin/members")
			status, body := b.post("/admin/members/reset", url.Values{"id": {id}, "confirm": {"yes"}}, true)
			if status != http.StatusBadRequest || !strings.Contains(body, "not reset.") || strings.Contains(body, "two-step verification reset.") {
				t.Errorf("reset: HTTP %d, want 400 not reset\n%s", status, body)
			}
			if id == ".." {
				return // the address itself is cleaned to the Organisation page
			}
			status, _ = b.get("/admin/members/" + url.PathEscape(id))
			if status != http.StatusBadRequest && status != http.StatusNotFound {
				t.Errorf("member page: HTTP %d, want 400 or 404", status)
			}
		})
	}
}
