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
	"github.com/remotesupport/techconsole/server"
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
	if status, body = b.post("/admin/login/setup/activate", nil, true); status != http.StatusConflict || !strings.Contains(body, "Missing: the mobile app, a backup method.") {
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

// An administrator whose phone was lost (a forced reset that kept the SMS
// backup) verifies that backup on the web before pairing the app again.
func TestSetupAfterResetVerifiesTheBackupOnTheWeb(t *testing.T) {
	inst := servertest.Start(t)
	admin := login(t, inst, "admin", inst.AdminPassword)
	if code := apiJSON(t, inst, http.MethodPost, api.PathAdminMemberReset(memberIDs(t, inst)["henry"]), admin.Tokens.AccessToken, nil, nil); code != http.StatusNoContent {
		t.Fatalf("reset henry: HTTP %d", code)
	}

	b := newBrowser(t, inst)
	b.get("/admin/login")
	status, body := b.post("/admin/login", url.Values{"username": {"henry"}, "password": {server.DemoPassword}}, true)
	if status != http.StatusOK || !strings.Contains(body, "Verify your backup method") || !strings.Contains(body, "Text message to ***0108") {
		t.Fatalf("sign-in after the reset: HTTP %d, want the backup check first\n%s", status, body)
	}
	if strings.Contains(body, "555-0108") || strings.Contains(body, "Start pairing again") || strings.Contains(body, `action="/admin/login/setup/backup"`) {
		t.Fatalf("the backup check shows the phone number, or pairing or a backup change before it\n%s", body)
	}
	// Pairing or changing the backup by hand is refused by the API.
	if status, body = b.post("/admin/login/setup/app", nil, true); status != http.StatusForbidden || !strings.Contains(body, "confirm a code sent to your backup") {
		t.Fatalf("pair before the backup was verified: HTTP %d\n%s", status, body)
	}
	if status, _ = b.post("/admin/login/setup/backup", url.Values{"method": {"sms"}, "phone": {"555-0177"}}, true); status != http.StatusForbidden {
		t.Fatalf("change the backup before it was verified: HTTP %d", status)
	}

	b.post("/admin/login/setup/verify/send", b.hidden(url.Values{}), true)
	if !strings.Contains(b.last, "We sent a 6-digit code to ***0108.") {
		t.Fatalf("send the code\n%s", b.last)
	}
	fid := b.hidden(url.Values{}).Get("factor_id")
	if status, body = b.post("/admin/login/setup/verify", url.Values{"factor_id": {fid}, "code": {"000000"}}, true); status != http.StatusUnauthorized || !strings.Contains(body, "Verify your backup method") {
		t.Fatalf("wrong code: HTTP %d, want 401 on the same step\n%s", status, body)
	}
	code := inst.LastCode(t, "555-0108")
	if status, body = b.post("/admin/login/setup/verify", url.Values{"factor_id": {fid}, "code": {code}}, true); status != http.StatusOK || !strings.Contains(body, "Your backup is verified.") {
		t.Fatalf("verify the backup: HTTP %d\n%s", status, body)
	}
	if strings.Contains(body, `id="verify-h"`) || !strings.Contains(body, "Start pairing again") || !strings.Contains(body, "Change the backup method") {
		t.Fatalf("after the backup was verified: want pairing and the backup change\n%s", body)
	}

	_, body = b.post("/admin/login/setup/app", nil, true)
	m := regexp.MustCompile(`<code id="manual-key">([A-Z2-7 ]+)</code>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no manual key\n%s", body)
	}
	totpCode, err := totp.GenerateCode(strings.ReplaceAll(m[1], " ", ""), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if status, body = b.post("/admin/login/setup/app/confirm", b.hidden(url.Values{"code": {totpCode}}), true); status != http.StatusOK || !strings.Contains(body, "The mobile app is set up.") {
		t.Fatalf("confirm the app: HTTP %d\n%s", status, body)
	}
	if status, body = b.post("/admin/login/setup/activate", nil, true); status != http.StatusOK || !strings.Contains(body, "Sign out") {
		t.Fatalf("activate: HTTP %d\n%s", status, body)
	}
}
