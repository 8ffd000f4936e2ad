package adminweb_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/adminweb"
	"github.com/remotesupport/techconsole/server/servertest"
)

// TestDeviceCookieKeepsTheAdministratorIn: the browser keeps the API's device
// cookie of its sign-in (sealed, across sign-out), so ten wrong passwords
// from anyone else do not lock the master administrator out of the Admin
// Center on this browser; another browser is an untrusted client and is.
func TestDeviceCookieKeepsTheAdministratorIn(t *testing.T) {
	inst := servertest.Start(t)
	adminID := memberIDs(t, inst)["admin"]
	b := newBrowser(t, inst)
	b.signIn("admin", inst.AdminPassword)
	b.post("/admin/logout", nil, true)

	u, _ := url.Parse(inst.URL + "/admin/")
	var kept *http.Cookie
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == adminweb.DeviceCookieName {
			kept = c
		}
	}
	if kept == nil {
		t.Fatal("no device cookie in the browser after sign-in and sign-out")
	}
	for _, plain := range []string{adminID, "admin", "{"} {
		if strings.Contains(kept.Value, plain) {
			t.Errorf("device cookie shows %q in clear", plain)
		}
	}

	for range 10 {
		if st := apiJSON(t, inst, http.MethodPost, api.PathLogin, "", api.LoginRequest{Username: "admin", Password: "Wrong-Guess-2026"}, nil); st != http.StatusUnauthorized {
			t.Fatalf("wrong password: HTTP %d", st)
		}
	}
	other := newBrowser(t, inst)
	other.get("/admin/login")
	if st, body := other.post("/admin/login", url.Values{"username": {"admin"}, "password": {inst.AdminPassword}}, true); st != http.StatusTooManyRequests {
		t.Fatalf("another browser after 10 wrong passwords: HTTP %d, want 429\n%s", st, body)
	}
	b.signIn("admin", inst.AdminPassword)
}
