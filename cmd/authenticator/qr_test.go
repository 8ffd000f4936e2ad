package main

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

// TestPairFromQRCode pairs the virtual phone from the QR code PNG that the
// server hands out during setup, as a tester would from a saved screenshot:
// the phone gets the very secret (its code is the server's) and registers for
// pushes through the URI's push_url and push_token.
func TestPairFromQRCode(t *testing.T) {
	srv := servertest.Start(t)
	ctx := context.Background()
	cl, err := client.New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	login, err := cl.Login(ctx, "erin", server.DemoPassword)
	if err != nil || login.State != api.StateMFASetupRequired {
		t.Fatalf("erin login: %+v %v", login, err)
	}
	setup, err := cl.StartAuthenticator(ctx, login.MFAToken, "")
	if err != nil {
		t.Fatal(err)
	}
	png, err := base64.StdEncoding.DecodeString(setup.QRPNG)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	qrFile := filepath.Join(dir, "pairing.png")
	if err := os.WriteFile(qrFile, png, 0o600); err != nil {
		t.Fatal(err)
	}

	c := cli{t: t, accounts: filepath.Join(dir, "a.json"), kc: &app.MemoryKeychain{}}
	out, err := c.run("", "pair", "--qr", qrFile)
	if err != nil || !strings.Contains(out, "paired Remote Support:erin") || !strings.Contains(out, "notification") {
		t.Fatalf("pair --qr: %q %v", out, err)
	}
	out, err = c.run("", "code", "erin")
	want, _ := totp.GenerateCode(setup.Secret, time.Now())
	if err != nil || !strings.HasPrefix(out, want) && !strings.Contains(out, "(1s left)") && !strings.Contains(out, "(0s left)") {
		t.Fatalf("code after pairing from the QR code: %q %v", out, err)
	}
}

func TestPairFromQRCodeRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	notImage := filepath.Join(dir, "notes.png")
	if err := os.WriteFile(notImage, []byte("not an image"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := cli{t: t, accounts: filepath.Join(dir, "a.json"), kc: &app.MemoryKeychain{}}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"pair", "--qr", filepath.Join(dir, "missing.png")}, "read QR code"},
		{[]string{"pair", "--qr", notImage}, "not a PNG or JPEG"},
		{[]string{"pair", "--qr", notImage, "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"}, "otpauth URI or --qr"},
		{[]string{"pair"}, "otpauth URI or --qr"},
	}
	for _, tt := range tests {
		if _, err := c.run("", tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want one saying %q", tt.args, err, tt.want)
		}
	}
}
