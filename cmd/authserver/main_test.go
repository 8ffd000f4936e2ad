package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
)

func TestRunServesUntilCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	db := filepath.Join(t.TempDir(), "auth.db")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", addr, "--db", db, "--demo", "--dev", "--admin-password", "Cmd-Admin-Pass-2026"}, &stdout, &stderr)
	}()
	body, _ := json.Marshal(api.LoginRequest{Username: "admin", Password: "Cmd-Admin-Pass-2026"})
	var resp *http.Response
	for try := 0; try < 100; try++ {
		resp, err = http.Post("http://"+addr+api.PathLogin, "application/json", bytes.NewReader(body))
		if err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("server never answered: %v\n%s", err, stderr.String())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("admin login: HTTP %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	out := stdout.String()
	for _, a := range server.DemoAccounts() {
		if a.OTPAuthURI != "" && !strings.Contains(out, a.OTPAuthURI) {
			t.Errorf("the demo URI of %s was not printed", a.Username)
		}
	}
	if m := regexp.MustCompile(`device token \(shown once\): (\S+)`).FindStringSubmatch(out); m == nil || len(m[1]) < 43 {
		t.Errorf("the demo phone's device token was not printed:\n%s", out)
	}
	if strings.Contains(stderr.String(), "Cmd-Admin-Pass-2026") {
		t.Errorf("the admin password was logged")
	}
}

func TestRunRefusesBadArguments(t *testing.T) {
	db := filepath.Join(t.TempDir(), "auth.db")
	for _, args := range [][]string{{"--no-such-flag"}, {"extra"}, {"--db", db, "--public-url", "ftp://auth.example.test"}, {"--db", db, "--public-url", "auth.example.test"}} {
		var out bytes.Buffer
		if err := run(context.Background(), args, &out, &out); err == nil {
			t.Errorf("run(%v) = nil, want an error", args)
		}
	}
}
