package adminweb_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/servertest"
)

// An expired access token is rotated through the refresh token without the
// administrator noticing.
func TestExpiredAccessTokenIsRefreshed(t *testing.T) {
	clock := servertest.NewClock(time.Now())
	inst := servertest.Start(t, servertest.WithClock(clock))
	b := newBrowser(t, inst)
	b.signIn("admin", inst.AdminPassword)
	b.get("/admin/members")
	before := b.cookie()
	b.get("/admin/members")
	if b.cookie() != before {
		t.Fatal("the session cookie changed on a plain page view; the test below could not tell a refresh")
	}
	clock.Advance(20 * time.Minute) // access tokens live 15 minutes
	status, body := b.get("/admin/members")
	if status != http.StatusOK || !strings.Contains(body, "Sign out") {
		t.Fatalf("after the access token expired: HTTP %d\n%s", status, body)
	}
	if b.cookie() == before {
		t.Error("the session cookie was not rewritten with the rotated tokens")
	}
	clock.Advance(20 * time.Minute) // the rotated pair works again
	if status, _ := b.get("/admin/groups"); status != http.StatusOK {
		t.Fatalf("after a second expiry: HTTP %d", status)
	}
}

// A reset revokes the member's sessions: the web session ends too, and the
// page says so on the sign-in form.
func TestRevokedSessionSignsOut(t *testing.T) {
	inst := servertest.Start(t)
	henry := newBrowser(t, inst)
	henry.signIn("henry", "Demo-Pass-2026")

	admin := login(t, inst, "admin", inst.AdminPassword)
	st := api.TwoStepSettings{Administrators: true, Technicians: api.TechniciansSelectedGroups, PrimaryMethod: api.MethodAuthenticatorApp}
	if code := apiJSON(t, inst, http.MethodPut, api.PathAdminSettings, admin.Tokens.AccessToken, st, nil); code != http.StatusOK {
		t.Fatalf("change the primary method: HTTP %d", code)
	}
	status, body := henry.get("/admin/members")
	if status != http.StatusOK || !strings.Contains(body, "Your session has ended") || !strings.Contains(body, `action="/admin/login"`) {
		t.Fatalf("after the reset: HTTP %d\n%s", status, body)
	}
}
