package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

// TestEmbeddedAdminCenter: with --admin-password the embedded server's master
// administrator signs in with it and the console says where the Admin Center
// is, without repeating the password; without it nobody can sign in as admin.
func TestEmbeddedAdminCenter(t *testing.T) {
	const password = "Embedded-Admin-2026"
	for _, tt := range []struct {
		name      string
		password  string
		wantState string
		wantSaid  bool
	}{
		{"with --admin-password", password, api.StateAuthenticated, true},
		{"without", "", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var said bytes.Buffer
			b := &backend{dataDir: t.TempDir(), adminPassword: tt.password, adminOut: &said,
				log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			url, err := b.startServer()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(b.close)

			body, _ := json.Marshal(api.LoginRequest{Username: "admin", Password: password})
			resp, err := http.Post(url+api.PathLogin, "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var got api.AuthResponse
			_ = json.NewDecoder(resp.Body).Decode(&got)
			if got.State != tt.wantState {
				t.Errorf("admin sign-in: HTTP %d state %q, want %q", resp.StatusCode, got.State, tt.wantState)
			}
			if tt.wantState == "" && resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("admin sign-in without --admin-password: HTTP %d, want 401", resp.StatusCode)
			}
			if gotSaid := strings.Contains(said.String(), url+"/admin/"); gotSaid != tt.wantSaid {
				t.Errorf("console said %q; want the Admin Center URL: %v", said.String(), tt.wantSaid)
			}
			if strings.Contains(said.String(), password) {
				t.Error("the console repeated the admin password")
			}
		})
	}
}

// TestEmbeddedDemoPhoneKeepsItsDevice: the demo phone's device token is made
// when the embedded server seeds a new database; the virtual phone gets it
// then, and keeps using it on later starts (which do not seed, and listen on
// another port).
func TestEmbeddedDemoPhoneKeepsItsDevice(t *testing.T) {
	dir := t.TempDir()
	for _, start := range []string{"first start (seeds)", "second start"} {
		b := &backend{dataDir: dir, embedded: true, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		url, err := b.startServer()
		if err != nil {
			t.Fatal(err)
		}
		ph, err := b.openPhone(url)
		if err != nil {
			b.close()
			t.Fatalf("%s: %v", start, err)
		}
		a, err := ph.Find("alice")
		if err == nil && a.Server != url {
			err = fmt.Errorf("the phone gets pushes from %s, not %s", a.Server, url)
		}
		if err == nil {
			_, err = ph.Pending(context.Background(), a.Name, 0)
		}
		b.close()
		if err != nil {
			t.Fatalf("%s: alice's demo phone: %v", start, err)
		}
	}
}

// TestEmbeddedAdminCenterClosesAgain: a password given with --admin-password
// opens the Admin Center for that start only; later starts without it keep
// the master administrator locked out, also those that skip setting a new
// random password because an earlier start already did.
func TestEmbeddedAdminCenterClosesAgain(t *testing.T) {
	const password = "Embedded-Admin-2026"
	dir := t.TempDir()
	for i, start := range []struct {
		password string
		wantCode int
	}{
		{password, http.StatusOK},
		{"", http.StatusUnauthorized},
		{"", http.StatusUnauthorized}, // the password stays the random one of the start before
		{password, http.StatusOK},
		{"", http.StatusUnauthorized},
	} {
		b := &backend{dataDir: dir, adminPassword: start.password, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		url, err := b.startServer()
		if err != nil {
			t.Fatal(err)
		}
		code, err := adminSignIn(url, password)
		b.close()
		if err != nil {
			t.Fatal(err)
		}
		if code != start.wantCode {
			t.Errorf("start %d (--admin-password given: %v): admin signs in with HTTP %d, want %d", i+1, start.password != "", code, start.wantCode)
		}
	}
}

func adminSignIn(url, password string) (int, error) {
	body, _ := json.Marshal(api.LoginRequest{Username: "admin", Password: password})
	resp, err := http.Post(url+api.PathLogin, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// BenchmarkEmbeddedServerWarmStart opens the embedded server on a seeded data
// folder, as every start of the console does: setting a new random admin
// password (what each start did before the marker) against keeping the one an
// earlier start set.
func BenchmarkEmbeddedServerWarmStart(b *testing.B) {
	for _, bc := range []struct {
		name  string
		reset bool
	}{{"admin password reset", true}, {"already closed", false}} {
		b.Run(bc.name, func(b *testing.B) {
			dir := b.TempDir()
			start := func() {
				be := &backend{dataDir: dir, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
				if _, err := be.startServer(); err != nil {
					b.Fatal(err)
				}
				be.close()
			}
			start() // seeds
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if bc.reset {
					b.StopTimer()
					os.Remove(filepath.Join(dir, adminClosedFile))
					b.StartTimer()
				}
				start()
			}
		})
	}
}
