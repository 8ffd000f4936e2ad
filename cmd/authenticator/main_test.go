package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/server/servertest"
)

type cli struct {
	t        *testing.T
	accounts string
	kc       app.Keychain
}

func (c cli) run(stdin string, args ...string) (string, error) {
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"--accounts", c.accounts}, args...),
		deps{stdin: strings.NewReader(stdin), stdout: &out, keychain: c.kc})
	return out.String(), err
}

func TestPairListCode(t *testing.T) {
	c := cli{t: t, accounts: filepath.Join(t.TempDir(), "a.json"), kc: &app.MemoryKeychain{}}
	bob, _ := servertest.Demo("bob")
	out, err := c.run("", "pair", bob.OTPAuthURI)
	if err != nil || !strings.Contains(out, "paired Remote Support:bob") {
		t.Fatalf("pair: %q %v", out, err)
	}
	out, err = c.run("", "list")
	if err != nil || strings.TrimSpace(out) != "Remote Support:bob" {
		t.Fatalf("list: %q %v", out, err)
	}
	out, err = c.run("", "code", "bob")
	want, _ := totp.GenerateCode(bob.TOTPSecret, time.Now())
	if err != nil || !strings.HasPrefix(out, want) && !strings.Contains(out, "(1s left)") && !strings.Contains(out, "(0s left)") {
		t.Fatalf("code: %q %v, want %s", out, err, want)
	}
	for _, args := range [][]string{{}, {"frobnicate"}, {"code"}, {"approve", "bob"}, {"pair", "https://x"}, {"pair", "--qr", "missing.png"}} {
		if _, err := c.run("", args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

func TestApproveWaitsForPush(t *testing.T) {
	srv := servertest.Start(t)
	c := cli{t: t, accounts: filepath.Join(t.TempDir(), "a.json"), kc: &app.MemoryKeychain{}}
	alice := srv.Demo(t, "alice")
	if out, err := c.run(alice.DeviceToken+"\n", "import-device", alice.OTPAuthURI, "--server", srv.URL); err != nil || !strings.Contains(out, "notifications") {
		t.Fatalf("import-device: %q %v", out, err)
	}
	ctx := context.Background()
	cl, _ := client.New(srv.URL)
	login, err := cl.Login(ctx, "alice", alice.Password)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := cl.StartChallenge(ctx, login.MFAToken, api.ChallengeRequest{Method: api.MethodAppNotification, Purpose: api.PurposeLogin})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.run("", "approve", "alice", "--number", ch.MatchNumber, "--timeout", "10s")
	if err != nil || !strings.Contains(out, "approved") {
		t.Fatalf("approve: %q %v", out, err)
	}
	st, err := cl.WaitChallenge(ctx, login.MFAToken, ch.ChallengeID, 5*time.Second)
	if err != nil || st.Status != api.ChallengeApproved || st.Tokens == nil {
		t.Fatalf("after approve: %+v %v", st, err)
	}
}

func TestVersionFlag(t *testing.T) {
	c := cli{t: t, accounts: filepath.Join(t.TempDir(), "a.json"), kc: &app.MemoryKeychain{}}
	out, err := c.run("", "--version")
	if err != nil || !strings.HasPrefix(out, "authenticator ") || !strings.Contains(out, "go1.") {
		t.Fatalf("--version: %q %v", out, err)
	}
}

// TestOldPhoneMovesToTheDataFolder: the phone of an older console, in the
// configuration folder, moves to the data folder at the first command (as
// the console moves its data), and the command finds its accounts there.
func TestOldPhoneMovesToTheDataFolder(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "data"))
	kc := &app.MemoryKeychain{}
	old := filepath.Join(home, "config", "techconsole", "phone.json")
	bob, _ := servertest.Demo("bob")
	if _, err := (cli{t: t, accounts: old, kc: kc}).run("", "pair", bob.OTPAuthURI); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"list"}, deps{stdin: strings.NewReader(""), stdout: &out, keychain: kc}); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(out.String()) != "Remote Support:bob" {
		t.Errorf("list after the move: %q", out.String())
	}
	if _, err := os.Stat(filepath.Join(home, "data", "techconsole", "phone.json")); err != nil {
		t.Errorf("phone.json is not in the data folder: %v", err)
	}
	if _, err := os.Stat(old); err == nil {
		t.Error("phone.json is still in the configuration folder")
	}
}
