package adminweb_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

func TestSessionCookieFlags(t *testing.T) {
	inst := servertest.Start(t)
	for _, tc := range []struct {
		name       string
		tls        bool
		wantSecure bool
	}{
		{"plain HTTP", false, false},
		{"TLS", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/admin/login", nil)
			if tc.tls {
				req.TLS = &tls.ConnectionState{}
			}
			rec := httptest.NewRecorder()
			inst.Server.Handler().ServeHTTP(rec, req)
			c := sessionCookie(rec.Result())
			if c == nil {
				t.Fatalf("no session cookie on the sign-in page; headers %v", rec.Header())
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/admin" || c.Secure != tc.wantSecure {
				t.Errorf("cookie flags: HttpOnly=%t SameSite=%v Path=%q Secure=%t; want HttpOnly, Strict, /admin, Secure=%t",
					c.HttpOnly, c.SameSite, c.Path, c.Secure, tc.wantSecure)
			}
			if got := rec.Header().Get("X-Frame-Options"); got != "DENY" {
				t.Errorf("X-Frame-Options = %q, want DENY", got)
			}
		})
	}
}

// The signed-in cookie holds the tokens sealed: nothing readable, and a
// changed byte makes it worthless.
func TestSessionCookieIsSealed(t *testing.T) {
	inst := servertest.Start(t)
	b := newBrowser(t, inst)
	b.signIn("admin", inst.AdminPassword)
	value := b.cookie()
	if value == "" {
		t.Fatal("no session cookie after sign-in")
	}
	for _, plain := range []string{"access", "refresh", "admin", "{"} {
		if strings.Contains(value, plain) {
			t.Errorf("cookie value shows %q in clear", plain)
		}
	}
	tampered := []byte(value)
	tampered[len(tampered)/2] ^= 1
	if tampered[len(tampered)/2] == '-' || tampered[len(tampered)/2] == '_' {
		tampered[len(tampered)/2] = 'A'
	}
	req, _ := http.NewRequest(http.MethodGet, inst.URL+"/admin/members", nil)
	req.AddCookie(&http.Cookie{Name: "admin_session", Value: string(tampered)})
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/login" {
		t.Errorf("tampered cookie: HTTP %d to %q, want 303 to /admin/login", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestCSRFRefused(t *testing.T) {
	inst := servertest.Start(t)
	signedIn := newBrowser(t, inst)
	signedIn.signIn("admin", inst.AdminPassword)
	other := newBrowser(t, inst)
	other.get("/admin/login")

	for _, tc := range []struct {
		name string
		b    *browser
		path string
		form url.Values
		csrf string // "" = none sent
	}{
		{"sign-in without token", newBrowser(t, inst), "/admin/login", url.Values{"username": {"admin"}, "password": {inst.AdminPassword}}, ""},
		{"group create without token", signedIn, "/admin/groups", url.Values{"name": {"Night Shift"}}, ""},
		{"group create with another session's token", signedIn, "/admin/groups", url.Values{"name": {"Night Shift"}}, other.csrf},
		{"settings without token", signedIn, "/admin/settings", url.Values{"technicians": {"all"}, "primary_method": {"app_notification"}}, ""},
		{"sign out without token", signedIn, "/admin/logout", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := tc.form
			if form == nil {
				form = url.Values{}
			}
			if tc.csrf != "" {
				form.Set("csrf", tc.csrf)
			}
			status, body := tc.b.post(tc.path, form, false)
			if status != http.StatusForbidden || !strings.Contains(body, "This form was refused (403)") {
				t.Fatalf("HTTP %d, want 403 with the refusal page\n%s", status, body)
			}
		})
	}
	// Nothing happened: still signed in, no group, settings unchanged.
	if status, body := signedIn.get("/admin/groups"); status != http.StatusOK || strings.Contains(body, "Night Shift") {
		t.Errorf("after refused forms: groups page HTTP %d, Night Shift present=%t", status, strings.Contains(body, "Night Shift"))
	}
	if got := login(t, inst, "grace", server.DemoPassword).State; got != api.StateAuthenticated {
		t.Errorf("grace signs in with state %s after a refused settings form, want authenticated", got)
	}
}

func TestPermissionPages(t *testing.T) {
	inst := servertest.Start(t)
	ids := memberIDs(t, inst)
	henry := newBrowser(t, inst)
	henry.signIn("henry", server.DemoPassword)

	for _, tc := range []struct {
		name   string
		do     func() (int, string)
		status int
		want   string
	}{
		{"settings are for master administrators", func() (int, string) { return henry.get("/admin/settings") },
			http.StatusForbidden, "Only master administrators"},
		{"audit log is for master administrators", func() (int, string) { return henry.get("/admin/audit") },
			http.StatusForbidden, "only master administrators read the audit log"},
		{"member outside his groups", func() (int, string) { return henry.get("/admin/members/" + ids["carol"]) },
			http.StatusForbidden, "you do not manage this member"},
		{"reset outside his groups", func() (int, string) {
			return henry.post("/admin/members/reset", url.Values{"id": {ids["carol"]}, "confirm": {"yes"}}, true)
		}, http.StatusForbidden, "not reset."},
		{"group creation", func() (int, string) { return henry.post("/admin/groups", url.Values{"name": {"Mine"}}, true) },
			http.StatusForbidden, "only master administrators may do this"},
		{"member in his group", func() (int, string) { return henry.get("/admin/members/" + ids["bob"]) },
			http.StatusOK, "Bob Brown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := tc.do()
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("HTTP %d, want %d with %q\n%s", status, tc.status, tc.want, body)
			}
		})
	}
	// His own list shows only Support Desk.
	_, body := henry.get("/admin/members")
	if !strings.Contains(body, `id="member-bob"`) || strings.Contains(body, `id="member-carol"`) {
		t.Errorf("henry's organisation page: bob shown=%t, carol shown=%t; want only his groups",
			strings.Contains(body, `id="member-bob"`), strings.Contains(body, `id="member-carol"`))
	}
}

func TestSignInAnswers(t *testing.T) {
	inst := servertest.Start(t)
	for _, tc := range []struct {
		name, user, password string
		status               int
		want                 string
	}{
		{"wrong password keeps the username", "admin", "nope-nope-nope", http.StatusUnauthorized, `value="admin"`},
		{"technician is refused", "grace", server.DemoPassword, http.StatusForbidden, "The Admin Center is for administrators"},
		{"setup needed", "erin", server.DemoPassword, http.StatusOK, "Two-step verification is required for"},
		{"two-step asked", "henry", server.DemoPassword, http.StatusOK, "How do you want to verify it is you?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t, inst)
			b.get("/admin/login")
			status, body := b.post("/admin/login", url.Values{"username": {tc.user}, "password": {tc.password}}, true)
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("HTTP %d, want %d with %q\n%s", status, tc.status, tc.want, body)
			}
			if strings.Contains(body, tc.password) {
				t.Error("the page repeats the password")
			}
		})
	}
}

func TestWrongCodeKeepsTheChallenge(t *testing.T) {
	inst := servertest.Start(t)
	b := newBrowser(t, inst)
	b.get("/admin/login")
	b.post("/admin/login", url.Values{"username": {"henry"}, "password": {server.DemoPassword}}, true)
	m := regexpFactor(t, b.last, "Text message")
	b.post("/admin/login/challenge", url.Values{"factor": {m}}, true)
	if !strings.Contains(b.last, "We sent a 6-digit code to") {
		t.Fatalf("no SMS code page\n%s", b.last)
	}
	status, body := b.post("/admin/login/verify", url.Values{"code": {"000000"}}, true)
	if status != http.StatusUnauthorized || !strings.Contains(body, "attempts left") || !strings.Contains(body, `action="/admin/login/verify"`) {
		t.Fatalf("wrong code: HTTP %d\n%s", status, body)
	}
	code := inst.LastCode(t, "555-0108")
	if status, body := b.post("/admin/login/verify", url.Values{"code": {code}}, true); status != http.StatusOK || !strings.Contains(body, "Sign out") {
		t.Fatalf("right code: HTTP %d\n%s", status, body)
	}
}

func TestOutboxOnlyInDevMode(t *testing.T) {
	for _, tc := range []struct {
		name   string
		dev    bool
		status int
	}{
		{"dev", true, http.StatusOK},
		{"production", false, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inst := servertest.Start(t, servertest.WithConfig(func(c *server.Config) { c.Dev = tc.dev }))
			b := newBrowser(t, inst)
			status, body := b.get("/admin/outbox")
			if status != tc.status {
				t.Fatalf("GET /admin/outbox: HTTP %d, want %d\n%s", status, tc.status, body)
			}
			if got := strings.Contains(body, `href="/admin/outbox"`); got != tc.dev {
				t.Errorf("navigation links the outbox: %t, want %t", got, tc.dev)
			}
		})
	}
}

// A master administrator may reset a member's backup too (lost phone and
// backup); an administrator is not offered it, and a forged form is refused.
func TestResetIncludingTheBackup(t *testing.T) {
	inst := servertest.Start(t)
	ids := memberIDs(t, inst)
	henry := newBrowser(t, inst)
	henry.signIn("henry", server.DemoPassword)
	if _, page := henry.post("/admin/members/reset", url.Values{"id": {ids["bob"]}}, true); strings.Contains(page, `name="include_backup"`) {
		t.Error("an administrator is offered to reset the backup too")
	}
	status, page := henry.post("/admin/members/reset", url.Values{"id": {ids["bob"]}, "confirm": {"yes"}, "include_backup": {"yes"}}, true)
	if status != http.StatusForbidden || !strings.Contains(page, "not reset.") {
		t.Fatalf("forged full reset by an administrator: HTTP %d\n%s", status, page)
	}

	master := newBrowser(t, inst)
	master.signIn("admin", inst.AdminPassword)
	if _, page := master.post("/admin/members/reset", url.Values{"id": {ids["bob"]}}, true); !strings.Contains(page, `name="include_backup"`) {
		t.Fatalf("the master administrator is not offered to reset the backup too\n%s", page)
	}
	status, page = master.post("/admin/members/reset", url.Values{"id": {ids["bob"]}, "confirm": {"yes"}, "include_backup": {"yes"}}, true)
	if status != http.StatusOK || !strings.Contains(page, "from the start") {
		t.Fatalf("full reset: HTTP %d\n%s", status, page)
	}
	bob := login(t, inst, "bob", server.DemoPassword)
	var st api.TwoStepStatus
	if s := apiJSON(t, inst, http.MethodGet, api.PathTwoStep, bob.MFAToken, nil, &st); s != http.StatusOK || st.BackupToVerify != nil {
		t.Fatalf("after a full reset: HTTP %d, backup to verify %+v", s, st.BackupToVerify)
	}
	for _, f := range st.Factors {
		if f.Status == api.FactorActive {
			t.Errorf("bob still has an active %s factor", f.Method)
		}
	}
}
