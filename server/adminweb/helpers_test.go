package adminweb_test

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/adminweb"
	"github.com/remotesupport/techconsole/server/servertest"
)

// browser is a cookie-keeping HTTP client that acts like a person at the
// pages: it reads the CSRF token from the last page and sends it back.
type browser struct {
	t    *testing.T
	c    *http.Client
	base string
	last string // body of the last page
	csrf string
}

func newBrowser(t *testing.T, inst *servertest.Instance) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: inst.URL, c: &http.Client{Jar: jar, Timeout: 40 * time.Second}}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) keep(resp *http.Response) (int, string) {
	b.t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("read page: %v", err)
	}
	b.last = string(body)
	if m := csrfRE.FindStringSubmatch(b.last); m != nil {
		b.csrf = m[1]
	}
	return resp.StatusCode, b.last
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	return b.keep(resp)
}

// post submits a form with the current CSRF token (unless withCSRF is false).
func (b *browser) post(path string, form url.Values, withCSRF bool) (int, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if withCSRF {
		form.Set("csrf", b.csrf)
	}
	resp, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatalf("POST %s: %v", path, err)
	}
	return b.keep(resp)
}

// signIn signs in with the password (and, for members with an
// authenticator, a TOTP code) and fails the test unless it lands signed in.
func (b *browser) signIn(username, password string) {
	b.t.Helper()
	b.get("/admin/login")
	status, body := b.post("/admin/login", url.Values{"username": {username}, "password": {password}}, true)
	if status != http.StatusOK {
		b.t.Fatalf("sign in %s: HTTP %d\n%s", username, status, body)
	}
	if strings.Contains(body, `action="/admin/login/challenge"`) {
		id := regexp.MustCompile(`name="factor" value="([^"]+)"[^>]*>\s*<label[^>]*>Authenticator app`).FindStringSubmatch(body)
		if id == nil {
			b.t.Fatalf("sign in %s: no authenticator app offered\n%s", username, body)
		}
		b.post("/admin/login/challenge", url.Values{"factor": {id[1]}}, true)
		status, body = b.post("/admin/login/verify", url.Values{"code": {totpNow(b.t, username)}}, true)
	}
	if status != http.StatusOK || !strings.Contains(body, "Sign out") {
		b.t.Fatalf("sign in %s did not finish: HTTP %d\n%s", username, status, body)
	}
}

func totpNow(t *testing.T, username string) string {
	t.Helper()
	a, err := servertest.Demo(username)
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(a.TOTPSecret, time.Now())
	if err != nil {
		t.Fatalf("totp for %s: %v", username, err)
	}
	return code
}

// apiJSON calls the REST API directly (as a console would).
func apiJSON(t *testing.T, inst *servertest.Instance, method, path, bearer string, in, out any) int {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, inst.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode < 300 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: decode: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

// login is POST /auth/login as the console sends it.
func login(t *testing.T, inst *servertest.Instance, username, password string) api.AuthResponse {
	t.Helper()
	var resp api.AuthResponse
	if st := apiJSON(t, inst, http.MethodPost, api.PathLogin, "", api.LoginRequest{Username: username, Password: password}, &resp); st != http.StatusOK {
		t.Fatalf("login %s: HTTP %d", username, st)
	}
	return resp
}

// memberIDs maps usernames to member ids, read as the master administrator.
func memberIDs(t *testing.T, inst *servertest.Instance) map[string]string {
	t.Helper()
	resp := login(t, inst, "admin", inst.AdminPassword)
	if resp.Tokens == nil {
		t.Fatalf("admin login: state %s", resp.State)
	}
	var ms []api.Member
	if st := apiJSON(t, inst, http.MethodGet, api.PathAdminMembers, resp.Tokens.AccessToken, nil, &ms); st != http.StatusOK {
		t.Fatalf("list members: HTTP %d", st)
	}
	ids := map[string]string{}
	for _, m := range ms {
		ids[m.Username] = m.ID
	}
	return ids
}

func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == adminweb.CookieName {
			return c
		}
	}
	return nil
}

func regexpFactor(t *testing.T, page, label string) string {
	t.Helper()
	m := regexp.MustCompile(`name="factor" value="([^"]+)"[^>]*>\s*<label[^>]*>` + regexp.QuoteMeta(label)).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no %q method offered\n%s", label, page)
	}
	return m[1]
}

// cookie is the browser's session cookie value.
func (b *browser) cookie() string {
	u, _ := url.Parse(b.base + "/admin/")
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == adminweb.CookieName {
			return c.Value
		}
	}
	return ""
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

// hidden adds the hidden fields of the last page (but the CSRF token) to form.
func (b *browser) hidden(form url.Values) url.Values {
	for _, m := range hiddenRE.FindAllStringSubmatch(b.last, -1) {
		if m[1] != "csrf" {
			form.Set(m[1], html.UnescapeString(m[2]))
		}
	}
	return form
}
