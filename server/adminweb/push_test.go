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

// An administrator whose primary method is the app notification sees the
// number, approves on the phone (alice's demo device) and presses "I have
// approved": one long-poll signs them in.
func TestSignInWithAppNotification(t *testing.T) {
	inst := servertest.Start(t)
	ids := memberIDs(t, inst)
	admin := login(t, inst, "admin", inst.AdminPassword)
	roles := []api.Role{api.RoleAdministrator, api.RoleTechnician}
	if st := apiJSON(t, inst, http.MethodPatch, api.PathAdminMember(ids["alice"]), admin.Tokens.AccessToken,
		api.MemberRequest{Roles: &roles}, nil); st != http.StatusOK {
		t.Fatalf("make alice an administrator: HTTP %d", st)
	}
	alice := inst.Demo(t, "alice")

	b := newBrowser(t, inst)
	b.get("/admin/login")
	b.post("/admin/login", url.Values{"username": {"alice"}, "password": {server.DemoPassword}}, true)
	push := regexpFactor(t, b.last, "App notification")
	if !strings.Contains(b.last, `value="`+push+`" checked`) {
		t.Errorf("the primary method (app notification) is not chosen by default\n%s", b.last)
	}
	b.post("/admin/login/challenge", url.Values{"factor": {push}}, true)
	m := regexp.MustCompile(`<p class="match"[^>]*>(\d+)</p>`).FindStringSubmatch(b.last)
	if m == nil {
		t.Fatalf("no number shown\n%s", b.last)
	}

	var pending []api.Notification
	if st := apiJSON(t, inst, http.MethodGet, api.PathDeviceNotification+"?wait=5", alice.DeviceToken, nil, &pending); st != http.StatusOK || len(pending) != 1 {
		t.Fatalf("phone: HTTP %d, %d notifications", st, len(pending))
	}
	if st := apiJSON(t, inst, http.MethodPost, api.PathNotification(pending[0].ID), alice.DeviceToken,
		api.NotificationDecision{Decision: api.DecisionApprove, MatchNumber: m[1]}, nil); st != http.StatusNoContent {
		t.Fatalf("phone approve: HTTP %d", st)
	}
	status, body := b.post("/admin/login/wait", nil, true)
	if status != http.StatusOK || !strings.Contains(body, "Signed in as Alice Anderson") {
		t.Fatalf("after approval: HTTP %d\n%s", status, body)
	}
}
