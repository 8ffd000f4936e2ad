package adminweb_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

// The Admin Center in a real browser: headless Chromium (Debian's chromium,
// installed by `make deps`) against a real server. With SCREENSHOTS_DIR set
// (make screenshots-admin) every page is also saved as a PNG there.

// findChromium returns the browser to drive, or fails the test: a missing
// browser is a broken test environment, not a reason to skip.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("CHROMIUM=%s is not a browser that can be run (%v). Run `make deps` (installs Debian's chromium package) or point CHROMIUM at one.", p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "/usr/bin/chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("Chromium not found: the Admin Center's browser tests need it. Run `make deps` (installs Debian's chromium package) or set CHROMIUM to the browser's path.")
	return ""
}

type chrome struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
}

func startChrome(t *testing.T, base string) *chrome {
	t.Helper()
	path := findChromium(t)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	c := &chrome{t: t, ctx: ctx, base: base, shots: os.Getenv("SCREENSHOTS_DIR")}
	if c.shots != "" {
		if err := os.MkdirAll(c.shots, 0o755); err != nil {
			t.Fatalf("screenshots dir: %v", err)
		}
	}
	return c
}

// do runs actions with a time limit; step names the failure.
func (c *chrome) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		c.t.Fatalf("%s: %v\npage text:\n%s", step, err, c.text())
	}
}

func (c *chrome) open(path string) { c.t.Helper(); c.do("open "+path, chromedp.Navigate(c.base+path)) }

// text is the visible text of the page ("" while it is loading).
func (c *chrome) text() string {
	ctx, cancel := context.WithTimeout(c.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return s
}

func (c *chrome) eval(expr string) int {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, 5*time.Second)
	defer cancel()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](expr))
	if err != nil {
		c.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return n
}

// waitText waits until the page shows want (after a navigation).
func (c *chrome) waitText(want string) string {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var s string
	for time.Now().Before(deadline) {
		if s = c.text(); strings.Contains(s, want) {
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Fatalf("the page never showed %q; it shows:\n%s", want, s)
	return ""
}

// click clicks the element and waits for the next page to show want.
func (c *chrome) click(sel, want string) string {
	c.t.Helper()
	c.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
	return c.waitText(want)
}

func (c *chrome) typeIn(sel, text string) {
	c.t.Helper()
	c.do("type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// shot checks the page's accessibility (checkPage) and saves it as name.png
// when SCREENSHOTS_DIR is set.
func (c *chrome) shot(name string) {
	c.t.Helper()
	c.checkPage(name)
	if c.shots == "" {
		return
	}
	ctx, cancel := context.WithTimeout(c.ctx, 15*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		c.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(c.shots, name+".png"), png, 0o644); err != nil {
		c.t.Fatalf("screenshot %s: %v", name, err)
	}
}

// zoomShot saves the page as it looks at 200% zoom in a 1280×900 window.
func (c *chrome) zoomShot(name string) {
	c.t.Helper()
	if c.shots == "" {
		return
	}
	c.do("zoom 200%", chromedp.EmulateViewport(640, 450, chromedp.EmulateScale(2)))
	c.do("reload", chromedp.Reload())
	c.waitText("Admin Center")
	c.shot(name)
	c.do("zoom 100%", chromedp.EmulateViewport(1280, 900, chromedp.EmulateScale(1)))
}

func (c *chrome) signIn(username, password string) {
	c.t.Helper()
	c.open("/admin/login")
	c.typeIn("#username", username)
	c.typeIn("#password", password)
}

func TestAdminCenterInBrowser(t *testing.T) {
	inst := servertest.Start(t)
	ids := memberIDs(t, inst)
	c := startChrome(t, inst.URL)

	// Sign-in answers that stop before the Admin Center.
	c.signIn("admin", "not-the-password")
	c.click(`form[action="/admin/login"] button`, "wrong username or password")
	if v := c.eval(`document.querySelector('#username').value === "admin" ? 1 : 0`); v != 1 {
		t.Error("the sign-in form lost the username after a wrong password")
	}
	c.shot("01-login-error")
	c.signIn("erin", server.DemoPassword)
	c.click(`form[action="/admin/login"] button`, "Two-step verification is required for erin")
	c.shot("02-login-setup-required")

	// alice, made an administrator: the app notification with its number.
	admin := login(t, inst, "admin", inst.AdminPassword)
	roles := []api.Role{api.RoleAdministrator, api.RoleTechnician}
	if st := apiJSON(t, inst, http.MethodPatch, api.PathAdminMember(ids["alice"]), admin.Tokens.AccessToken,
		api.MemberRequest{Roles: &roles}, nil); st != http.StatusOK {
		t.Fatalf("make alice an administrator: HTTP %d", st)
	}
	c.signIn("alice", server.DemoPassword)
	c.click(`form[action="/admin/login"] button`, "App notification (primary method)")
	c.click(`form[action="/admin/login/challenge"] button`, "Open it and type this number")
	c.shot("03-verify-push")
	approvePush(t, inst, "alice", c)
	c.click(`form[action="/admin/login/wait"] button`, "Signed in as Alice Anderson")
	c.click(`form[action="/admin/logout"] button`, "You are signed out.")

	// henry: password, a text message he does not use, then the authenticator app.
	c.signIn("henry", server.DemoPassword)
	c.click(`form[action="/admin/login"] button`, "How do you want to verify it is you?")
	c.shot("04-verify-choose")
	c.do("choose the text message", chromedp.Click(chromedp.CSS(`input[name=factor][value="`+factorID(t, c, "Text message")+`"]`)))
	c.click(`form[action="/admin/login/challenge"] button`, "We sent a 6-digit code to")
	c.shot("05-verify-sms")
	c.click(`form[action="/admin/login/cancel"] button`, "How do you want to verify it is you?")
	c.do("choose the authenticator app", chromedp.Click(chromedp.CSS(`input[name=factor][value="`+factorID(t, c, "Authenticator app")+`"]`)))
	c.click(`form[action="/admin/login/challenge"] button`, "6-digit code")
	c.shot("05-verify-totp")
	c.typeIn("#code", totpNow(t, "henry"))
	page := c.click(`form[action="/admin/login/verify"] button`, "Signed in as Henry Hughes")
	if !strings.Contains(page, "bob") || strings.Contains(page, "carol") {
		t.Errorf("henry's organisation page should list Support Desk only:\n%s", page)
	}
	c.shot("06-members-administrator")

	// henry may not touch Field Services: the API's 403, shown clearly.
	c.open("/admin/members/" + ids["carol"])
	c.waitText("you do not manage this member's group")
	c.shot("07-forbidden-member")
	c.open("/admin/members")
	c.waitText("Force two-step verification reset")
	c.do("select carol by a forged checkbox", chromedp.Evaluate[chromedp.Void](
		`(() => { const c = document.querySelector('input[name=id]'); c.value = `+jsString(ids["carol"])+`; c.checked = true; })()`))
	c.click(`form[action="/admin/members/reset"] button[type=submit]`, "Force two-step verification reset for 1 member?")
	page = c.click(`form[action="/admin/members/reset"] button[type=submit]`, "not reset.")
	if !strings.Contains(page, "Not allowed") || !strings.Contains(page, "403") {
		t.Errorf("the refused reset does not show the 403 clearly:\n%s", page)
	}
	c.shot("08-reset-forbidden")

	// henry forces a reset for bob.
	c.open("/admin/members")
	c.waitText("Force two-step verification reset")
	c.do("select bob", chromedp.Click(chromedp.CSS(`#select-`+ids["bob"])))
	c.click(`form[action="/admin/members/reset"] button[type=submit]`, "Force two-step verification reset for 1 member?")
	c.shot("09-reset-confirm")
	c.click(`form[action="/admin/members/reset"] button[type=submit]`, "Bob Brown (bob): two-step verification reset.")
	c.shot("10-reset-done")
	if r := login(t, inst, "bob", server.DemoPassword); r.State != api.StateMFASetupRequired || !r.Reset {
		t.Errorf("bob signs in with state %s reset=%t after the forced reset, want mfa_setup_required reset=true", r.State, r.Reset)
	}
	c.open("/admin/members")
	page = c.waitText("Force two-step verification reset")
	if !strings.Contains(page, "Authenticator app: reset") {
		t.Errorf("the organisation page does not show bob's reset authenticator:\n%s", page)
	}
	c.click(`form[action="/admin/logout"] button`, "You are signed out.")

	// admin (password alone: the demo does not require 2FA of master administrators).
	c.signIn("admin", inst.AdminPassword)
	c.click(`form[action="/admin/login"] button`, "Signed in as Master Administrator")
	c.shot("11-members-master")
	c.zoomShot("12-members-zoom200")

	// Who must use 2FA: technicians none → all; grace's sign-in changes.
	if r := login(t, inst, "grace", server.DemoPassword); r.State != api.StateAuthenticated {
		t.Fatalf("grace before: state %s, want authenticated", r.State)
	}
	c.open("/admin/settings")
	c.waitText("Who must use two-step verification")
	c.shot("13-settings")
	c.do("choose all technicians", chromedp.Click(chromedp.CSS("#technicians-all")))
	c.click(`form[action="/admin/settings"] button`, "Settings saved.")
	if r := login(t, inst, "grace", server.DemoPassword); r.State != api.StateMFASetupRequired {
		t.Errorf("grace after 'all technicians': state %s, want mfa_setup_required", r.State)
	}

	// The primary method: confirmation, weak-method note, everyone reset.
	enrolled := membersWithFactors(t, inst)
	c.do("choose SMS", chromedp.Click(chromedp.CSS("#primary-sms")))
	page = c.click(`form[action="/admin/settings"] button`, "Every member's two-step verification will be reset")
	if !strings.Contains(page, "weaker method") || !strings.Contains(page, "7.50.3572 and earlier cannot use email") {
		t.Errorf("the confirmation lacks the weak-method note:\n%s", page)
	}
	c.shot("14-settings-confirm")
	want := fmt.Sprintf("two-step verification was reset for %d members", enrolled)
	c.click(`form[action="/admin/settings"] button[type=submit]`, want)
	c.shot("15-settings-reset")
	c.zoomShot("16-settings-zoom200")
	for _, m := range listMembers(t, inst) {
		for _, f := range m.Factors {
			if f.Status != api.FactorReset {
				t.Errorf("%s's %s factor is %s after the primary method changed, want reset", m.Username, f.Method, f.Status)
			}
		}
	}
	c.open("/admin/members")
	c.waitText("Force two-step verification reset")
	if n := c.eval(`document.querySelectorAll('.methods li.m-active').length`); n != 0 {
		t.Errorf("the organisation page still shows %d active methods after the complete reset", n)
	}
	c.shot("17-members-all-reset")

	// Groups: create, rename, enforce.
	c.open("/admin/groups")
	c.waitText("Create a group")
	c.typeIn("#new-name", "Night Shift")
	c.do("tick enforce", chromedp.Click(chromedp.CSS("#new-enforce")))
	c.click(`form[action="/admin/groups"] button`, `Group "Night Shift" created.`)
	c.shot("18-groups")

	// A form posted without its CSRF token is refused.
	c.do("drop the CSRF token", chromedp.Evaluate[chromedp.Void](
		`document.querySelector('form[action="/admin/groups"] input[name=csrf]').remove()`))
	c.typeIn("#new-name", "Forged")
	c.click(`form[action="/admin/groups"] button`, "This form was refused (403)")
	c.shot("19-csrf-refused")
	c.open("/admin/groups")
	if page := c.waitText("Create a group"); strings.Contains(page, "Forged") {
		t.Error("the group of the refused form was created")
	}

	// Members: new and edit forms, an error that keeps what was typed.
	c.open("/admin/members/new")
	c.waitText("Create member")
	c.typeIn("#username", "ivan")
	c.typeIn("#display_name", "Ivan Ivanov")
	c.typeIn("#password", "short")
	c.click(`form[action="/admin/members/new"] button`, "There is a problem")
	if v := c.eval(`document.querySelector('#display_name').value === "Ivan Ivanov" ? 1 : 0`); v != 1 {
		t.Error("the member form lost what was typed after an error")
	}
	c.shot("20-member-new-error")
	c.open("/admin/members/" + ids["carol"])
	c.waitText("Two-step verification")
	c.shot("21-member-edit")

	c.open("/admin/audit?member=bob")
	c.waitText("reset.lost_phone")
	c.shot("22-audit")
	c.open("/admin/outbox")
	c.waitText("Your Remote Support verification code is")
	c.shot("23-outbox")
	// Master administrators must use 2FA now: admin's own session no longer
	// meets the policy, and the next sign-in sets 2FA up on the web.
	c.open("/admin/settings")
	c.waitText("Who must use two-step verification")
	c.do("tick master administrators", chromedp.Click(chromedp.CSS("#master_administrators")))
	c.click(`form[action="/admin/settings"] button`, "Settings saved.")
	c.open("/admin/members")
	c.waitText("Your session has ended")
	c.signIn("admin", inst.AdminPassword)
	c.click(`form[action="/admin/login"] button`, "Two-step verification is required for admin")
	c.shot("24-setup")
	c.click(`form[action="/admin/login/setup/app"] button`, "Scan the QR code")
	c.shot("25-setup-app")
	c.typeIn("#code", totpFromPage(t, c))
	c.click(`form[action="/admin/login/setup/app/confirm"] button`, "The mobile app is set up.")
	c.typeIn("#phone", "555-0199")
	c.click(`form[action="/admin/login/setup/backup"] button`, "We sent a 6-digit code to")
	c.typeIn(`form[action="/admin/login/setup/confirm"] input[name=code]`, inst.LastCode(t, "555-0199"))
	c.click(`form[action="/admin/login/setup/confirm"] button`, "The backup method is set up.")
	c.shot("26-setup-ready")
	c.click(`form[action="/admin/login/setup/activate"] button`, "Signed in as Master Administrator")

	// His own row offers no password field, only "Change my password", which
	// asks for two-step verification again (now required of him).
	c.open("/admin/members/" + ids["admin"])
	c.waitText("This is your own account")
	if n := c.eval(`document.querySelectorAll('input[name=password]').length`); n != 0 {
		t.Errorf("the administrator's own member page has %d password fields", n)
	}
	c.shot("27-member-own")
	c.click(`main a[href="/admin/password"]`, "Current password")
	next := "Admin-Next-Pass-2026"
	c.typeIn("#current_password", inst.AdminPassword)
	c.typeIn("#new_password", next)
	c.typeIn("#confirm_password", next)
	c.shot("28-password")
	c.click(`form[action="/admin/password"] button`, "Two-step verification is required to change the password of admin")
	c.shot("29-password-verify-choose")
	c.do("choose the text message", chromedp.Click(chromedp.CSS(`input[name=factor][value="`+factorID(t, c, "Text message")+`"]`)))
	c.click(`form[action="/admin/password/challenge"] button`, "We sent a 6-digit code to")
	c.shot("30-password-verify-sms")
	c.typeIn("#code", inst.LastCode(t, "555-0199"))
	c.click(`form[action="/admin/password/verify"] button`, "Your password is changed.")
	c.shot("31-password-changed")
	if r := login(t, inst, "admin", next); r.State != api.StateMFARequired {
		t.Errorf("admin with the new password: state %s, want mfa_required", r.State)
	}
}

// factorID reads the id of the method labelled label on the choice page.
func factorID(t *testing.T, c *chrome, label string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, 5*time.Second)
	defer cancel()
	id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		for (const l of document.querySelectorAll('label')) {
			if (l.textContent.startsWith(`+jsString(label)+`)) return document.getElementById(l.htmlFor).value;
		}
		return "";
	})()`))
	if err != nil || id == "" {
		t.Fatalf("no %q method on the page (%v):\n%s", label, err, c.text())
	}
	return id
}

func jsString(s string) string { return fmt.Sprintf("%q", s) }

func listMembers(t *testing.T, inst *servertest.Instance) []api.Member {
	t.Helper()
	resp := login(t, inst, "admin", inst.AdminPassword)
	var ms []api.Member
	if st := apiJSON(t, inst, http.MethodGet, api.PathAdminMembers, resp.Tokens.AccessToken, nil, &ms); st != http.StatusOK {
		t.Fatalf("list members: HTTP %d", st)
	}
	return ms
}

func membersWithFactors(t *testing.T, inst *servertest.Instance) int {
	n := 0
	for _, m := range listMembers(t, inst) {
		if len(m.Factors) > 0 {
			n++
		}
	}
	return n
}

// approvePush approves the member's open push on their demo phone with the
// number the page shows.
func approvePush(t *testing.T, inst *servertest.Instance, username string, c *chrome) {
	t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, 5*time.Second)
	defer cancel()
	number, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".match")))
	if err != nil || strings.TrimSpace(number) == "" {
		t.Fatalf("no number on the push page (%v):\n%s", err, c.text())
	}
	a := inst.Demo(t, username)
	var pending []api.Notification
	if st := apiJSON(t, inst, http.MethodGet, api.PathDeviceNotification+"?wait=5", a.DeviceToken, nil, &pending); st != http.StatusOK || len(pending) != 1 {
		t.Fatalf("%s's phone: HTTP %d, %d notifications", username, st, len(pending))
	}
	if st := apiJSON(t, inst, http.MethodPost, api.PathNotification(pending[0].ID), a.DeviceToken,
		api.NotificationDecision{Decision: api.DecisionApprove, MatchNumber: strings.TrimSpace(number)}, nil); st != http.StatusNoContent {
		t.Fatalf("%s's phone approves: HTTP %d", username, st)
	}
}

// totpFromPage computes the current code of the manual key on the pairing page.
func totpFromPage(t *testing.T, c *chrome) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(c.ctx, 5*time.Second)
	defer cancel()
	key, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("manual-key")))
	if err != nil {
		t.Fatalf("no manual key on the page: %v", err)
	}
	code, err := totp.GenerateCode(strings.ReplaceAll(key, " ", ""), time.Now())
	if err != nil {
		t.Fatalf("totp from the manual key: %v", err)
	}
	return code
}

// An administrator's own setup after a forced reset that kept the SMS
// backup, in the browser: verify the backup, pair the app again, activate.
func TestAdminSetupAfterResetInBrowser(t *testing.T) {
	inst := servertest.Start(t)
	admin := login(t, inst, "admin", inst.AdminPassword)
	if st := apiJSON(t, inst, http.MethodPost, api.PathAdminMemberReset(memberIDs(t, inst)["henry"]), admin.Tokens.AccessToken, nil, nil); st != http.StatusNoContent {
		t.Fatalf("reset henry: HTTP %d", st)
	}
	c := startChrome(t, inst.URL)
	c.signIn("henry", server.DemoPassword)
	page := c.click(`form[action="/admin/login"] button`, "Verify your backup method")
	if !strings.Contains(page, "Text message to ***0108") || strings.Contains(page, "Start pairing again") {
		t.Errorf("the backup check does not come first with the masked backup:\n%s", page)
	}
	c.shot("27-setup-verify-backup")
	c.click(`form[action="/admin/login/setup/verify/send"] button`, "We sent a 6-digit code to ***0108.")
	c.typeIn("#verify-code", inst.LastCode(t, "555-0108"))
	c.click(`form[action="/admin/login/setup/verify"] button`, "Your backup is verified.")
	c.shot("28-setup-backup-verified")
	c.click(`form[action="/admin/login/setup/app"] button`, "Scan the QR code")
	c.typeIn("#code", totpFromPage(t, c))
	c.click(`form[action="/admin/login/setup/app/confirm"] button`, "The mobile app is set up.")
	c.click(`form[action="/admin/login/setup/activate"] button`, "Signed in as Henry Hughes")
}
