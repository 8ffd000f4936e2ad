package securitytest

import (
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
)

// TestAnswersForbidSniffing: every answer, JSON or problem+json, of the API
// and of the Admin Center carries X-Content-Type-Options: nosniff, so that no
// browser reads an answer as HTML or script whatever its content.
func TestAnswersForbidSniffing(t *testing.T) {
	r := Start(t)
	admin := r.Admin(t)
	for _, c := range []struct {
		name, method, path, bearer string
		body                       any
	}{
		{"JSON answer", "GET", api.PathMe, admin, nil},
		{"sign-in answer", "POST", api.PathLogin, "", api.LoginRequest{Username: "grace", Password: server.DemoPassword}},
		{"wrong password", "POST", api.PathLogin, "", api.LoginRequest{Username: "grace", Password: "not her password"}},
		{"bad JSON", "POST", api.PathLogin, "", `{"username":`},
		{"no token", "GET", api.PathMe, "", nil},
		{"unknown path", "GET", api.Prefix + "/no-such-thing", "", nil},
		{"wrong method", "DELETE", api.PathLogin, "", nil},
		{"bad console version", "GET", api.PathMe, admin, nil},
		{"OpenAPI document", "GET", api.PathOpenAPI, "", nil},
		{"outbox", "GET", api.PathDevOutbox, "", nil},
		{"sign-out (no body)", "POST", api.PathLogout, admin, nil},
		{"Admin Center sign-in page", "GET", "/admin/login", "", nil},
		{"Admin Center stylesheet", "GET", "/admin/static/admin.css", "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := r.Peer
			if c.name == "bad console version" {
				p = p.With(api.ConsoleVersionHeader, "not a version")
			}
			res := p.Do(t, c.method, c.path, c.bearer, c.body)
			if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("%s %s: %s with X-Content-Type-Options %q, want nosniff", c.method, c.path, res, got)
			}
		})
	}
}
