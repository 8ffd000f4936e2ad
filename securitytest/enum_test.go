package securitytest

import (
	"net/http"
	"slices"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

// Enumeration (ASVS 5.0 6.3.8, WSTG-IDNT-04): an unknown username and a
// wrong password get the same answer, byte for byte, and the same headers.
// Whether they also take the same time is measured in the soak suite.

func headerKeys(h http.Header) []string {
	var k []string
	for key := range h {
		switch key {
		case "Date", "Content-Length":
		case "X-Request-Id": // random for every request, known and unknown names alike
			k = append(k, key)
		default:
			k = append(k, key+"="+h.Get(key))
		}
	}
	slices.Sort(k)
	return k
}

func TestUnknownUsernameLooksLikeWrongPassword(t *testing.T) {
	r := Start(t)
	for _, pair := range [][2]string{
		{"bob", "nobody"},   // technician with 2FA
		{"grace", "grace2"}, // password-only member
		{"admin", "admin0"}, // the master administrator
	} {
		known := r.Do(t, "POST", api.PathLogin, "", api.LoginRequest{Username: pair[0], Password: "Not-The-Password-1"})
		unknown := r.Do(t, "POST", api.PathLogin, "", api.LoginRequest{Username: pair[1], Password: "Not-The-Password-1"})
		if known.Status != http.StatusUnauthorized || string(known.Body) != string(unknown.Body) || known.Status != unknown.Status {
			t.Errorf("%s vs %s: %s / %s", pair[0], pair[1], known, unknown)
		}
		if a, b := headerKeys(known.Header), headerKeys(unknown.Header); !slices.Equal(a, b) {
			t.Errorf("%s vs %s: headers differ: %v / %v", pair[0], pair[1], a, b)
		}
	}
}
