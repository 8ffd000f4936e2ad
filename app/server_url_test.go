package app_test

import (
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/app"
)

// TestServerURLRefusesPlainHTTPOverTheNetwork: http:// only reaches this
// computer; any other host needs https://, and the refusal says why.
func TestServerURLRefusesPlainHTTPOverTheNetwork(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		refused  bool
	}{
		{"https://auth.example.com", "https://auth.example.com", false},
		{"auth.example.com:8443", "https://auth.example.com:8443", false},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080", false},
		{"localhost:8080", "http://localhost:8080", false},
		{"http://[::1]:8080", "http://[::1]:8080", false},
		{"http://auth.example.com", "", true},
		{"http://192.168.1.20:8080", "", true},
		{"http://127.0.0.1.example.com", "", true},
	} {
		got, err := app.CheckServerURL(tc.in)
		switch {
		case tc.refused && err == nil:
			t.Errorf("%s: accepted as %s, want refused", tc.in, got)
		case tc.refused && !strings.Contains(err.Error(), "unencrypted"):
			t.Errorf("%s: refused with %q, which does not say why", tc.in, err)
		case !tc.refused && (err != nil || got != tc.want):
			t.Errorf("%s = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
