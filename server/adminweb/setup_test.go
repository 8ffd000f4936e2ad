package adminweb_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/servertest"
)

// The master administrator must use 2FA but has none: the web walks them
// through the mobile app, a text-message backup and Activate.
func TestFirstTimeSetupOnTheWeb(t *testing.T) {
	inst := servertest.Start(t)
	admin := login(t, inst, "admin", inst.AdminPassword)
	st := api.TwoStepSettings{MasterAdministrators: true, Administrators: true, Technicians: api.TechniciansSelectedGroups, PrimaryMethod: api.MethodAppNotification}
	if code := apiJSON(t, inst, http.MethodPut, api.PathAdminSettings, admin.Tokens.AccessToken, st, nil); code != http.StatusOK {
		t.Fatalf("require 2FA of master administrators: HTTP %d", code)
	}

	b := newBrowser(t, inst)
	b.get("/admin/login")
	status, body := b.post("/admin/login", url.Values{"username": {"admin"}, "password": {inst.AdminPassword}}, true)
	if status != http.StatusOK || !strings.Contains(body, "Set up mobile app") {
		t.Fatalf("sign-in: HTTP %d\n%s", status, body)
	}
	if status, body = b.post("/admin/login/setup/activate", nil, true); status != http.StatusConflict || !strings.Contains(body, "authenticator_app, backup") {
		t.Fatalf("activate too early: HTTP %d, want 409 naming what is missing\n%s", status, body)
	}

	_, body = b.post("/admin/login/setup/app", nil, true)
	m := regexp.MustCompile(`<code id="manual-key">([A-Z2-7 ]+)</code>`).FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, `src="data:image/png;base64,`) {
		t.Fatalf("no QR code and manual key\n%s", body)
	}
	if status, body = b.post("/admin/login/setup/app/confirm", b.hidden(url.Values{"code": {"000000"}}), true); status != http.StatusUnauthorized || !strings.Contains(body, `id="manual-key"`) {
		t.Fatalf("wrong code: HTTP %d, want 401 with the same QR page\n%s", status, body)
	}
	code, err := totp.GenerateCode(strings.ReplaceAll(m[1], " ", ""), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if status, body = b.post("/admin/login/setup/app/confirm", b.hidden(url.Values{"code": {code}}), true); status != http.StatusOK || !strings.Contains(body, "The mobile app is set up.") {
		t.Fatalf("confirm the app: HTTP %d\n%s", status, body)
	}

	b.post("/admin/login/setup/backup", url.Values{"method": {"sms"}, "phone": {"555-0199"}}, true)
	fid := regexp.MustCompile(`name="factor_id" value="([^"]+)"`).FindStringSubmatch(b.last)
	if fid == nil {
		t.Fatalf("no code form for the text message\n%s", b.last)
	}
	b.post("/admin/login/setup/confirm", url.Values{"factor_id": {fid[1]}, "code": {inst.LastCode(t, "555-0199")}}, true)
	if !strings.Contains(b.last, "The backup method is set up.") {
		t.Fatalf("confirm the text message\n%s", b.last)
	}
	if status, body = b.post("/admin/login/setup/activate", nil, true); status != http.StatusOK || !strings.Contains(body, "Signed in as Master Administrator") {
		t.Fatalf("activate: HTTP %d\n%s", status, body)
	}
}
