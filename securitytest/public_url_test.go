package securitytest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

// TestPairingURIIgnoresHostHeader: the push_url that the pairing QR code
// hands the member's phone comes from the server's configuration, never from
// the request's Host header (or X-Forwarded-Host/-Proto): otherwise anyone
// who can shape the request that starts pairing (a proxy, a link, a spoofed
// header) points the phone, and its push_token, at their own server.
func TestPairingURIIgnoresHostHeader(t *testing.T) {
	const public = "https://auth.example.test/support"
	for _, c := range []struct {
		name string
		opts []servertest.Option
		want func(r *Rig) string
	}{
		{"derived from the listener", nil, func(r *Rig) string { return r.Base }},
		{"configured", []servertest.Option{servertest.WithConfig(func(c *server.Config) {
			c.PublicURL = public + "/"
			c.TrustedProxy = true
		})}, func(*Rig) string { return public }},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := Start(t, c.opts...)
			setup := r.LoginState(t, "erin", api.StateMFASetupRequired).MFAToken
			req, err := http.NewRequest("POST", r.Base+api.PathTwoStepAuth, bytes.NewReader(nil))
			if err != nil {
				t.Fatal(err)
			}
			req.Host = "evil.example"
			req.Header.Set("Authorization", "Bearer "+setup)
			req.Header.Set("X-Forwarded-Host", "evil.example")
			req.Header.Set("X-Forwarded-Proto", "http")
			resp, err := sharedClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("start pairing with Host: evil.example: HTTP %d", resp.StatusCode)
			}
			var pair api.AuthenticatorSetup
			if err := json.NewDecoder(resp.Body).Decode(&pair); err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(pair.OTPAuthURI)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := u.Query().Get("push_url"), c.want(r)+api.PathDeviceRegister; got != want {
				t.Fatalf("push_url = %q, want %q", got, want)
			}
		})
	}
}
