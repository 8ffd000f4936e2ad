package client_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

// A server with a certificate from a private authority: the client signs
// in over HTTPS (HTTP/2) when given that authority, and a renewed
// certificate is served after a reload without a restart.
func TestSignInOverTLS(t *testing.T) {
	dir := t.TempDir()
	cert := servertest.NewTestCert(t, dir)
	certs, err := server.NewCertReloader(cert.CertFile, cert.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv := servertest.Start(t, servertest.WithConfig(func(cfg *server.Config) { cfg.TLS = certs.TLSConfig() }))
	ctx := context.Background()

	c := newClient(t, srv.URL, client.WithTLSConfig(&tls.Config{RootCAs: cert.Pool}))
	r, err := c.Login(ctx, "bob", server.DemoPassword)
	if err != nil || r.State != api.StateMFARequired {
		t.Fatalf("login over TLS: %+v %v", r, err)
	}
	ch, err := c.StartChallenge(ctx, r.MFAToken, api.ChallengeRequest{Method: api.MethodAuthenticatorApp})
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := servertest.Demo("bob")
	code, _ := totp.GenerateCode(bob.TOTPSecret, time.Now())
	done, err := c.Verify(ctx, r.MFAToken, ch.ChallengeID, code)
	if err != nil || done.State != api.StateAuthenticated || done.Tokens == nil {
		t.Fatalf("verify over TLS: %+v %v", done, err)
	}

	// Without the authority the certificate is not trusted.
	if _, err := newClient(t, srv.URL).Login(ctx, "bob", server.DemoPassword); err == nil {
		t.Error("a client that does not trust the authority signed in")
	}

	// net/http offers HTTP/2 over TLS.
	h2 := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: cert.Pool}, ForceAttemptHTTP2: true}}
	resp, err := h2.Get(srv.URL + server.PathHealthReady)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.StatusCode != http.StatusOK {
		t.Errorf("health over TLS: %s %d, want HTTP/2 200", resp.Proto, resp.StatusCode)
	}

	// A renewed certificate (another authority here) is served after Reload.
	renewed := servertest.NewTestCert(t, dir)
	if err := certs.Reload(); err != nil {
		t.Fatal(err)
	}
	conn, err := tls.Dial("tcp", srv.URL[len("https://"):], &tls.Config{RootCAs: renewed.Pool})
	if err != nil {
		t.Fatalf("after the reload: %v", err)
	}
	defer conn.Close()
	if got := conn.ConnectionState().PeerCertificates[0].SerialNumber; got.Cmp(renewed.Serial) != 0 {
		t.Errorf("served serial %v after the reload, want %v", got, renewed.Serial)
	}
}
