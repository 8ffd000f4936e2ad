package app_test

import (
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/server/servertest"
)

// TestPrivateCA: a server behind https:// with a certificate of a private CA
// is reached once the CA file is given, and refused without it.
func TestPrivateCA(t *testing.T) {
	inst := servertest.Start(t)
	tlsSrv := httptest.NewTLSServer(inst.Server.Handler())
	t.Cleanup(tlsSrv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSrv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	tlsCfg, err := app.TLSConfig(caFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opts []client.Option
		want app.Step
	}{
		{"with the CA file", []client.Option{client.WithTLSConfig(tlsCfg)}, app.StepSignedIn},
		{"without", nil, app.StepSignedOut},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctl, err := app.NewController(app.Config{ServerURL: tlsSrv.URL, Prefs: app.NewPreferences(nil), ClientOptions: tc.opts})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(ctl.Close)
			rec := newRecorder()
			ctl.Subscribe(rec.add)
			ctl.Login("grace", demoPassword, false)
			s := rec.waitFor(t, "an answer", func(s app.State) bool { return !s.Busy && (s.Step == app.StepSignedIn || s.Alert != nil) })
			if s.Step != tc.want {
				t.Errorf("step %s (alert %+v), want %s", s.Step, s.Alert, tc.want)
			}
		})
	}
}
