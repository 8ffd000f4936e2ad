package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	ss "github.com/zalando/go-keyring/secret_service"

	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/i18n"
)

// TestKeepSignedInAcrossRestarts starts the console with its embedded server
// three times on one data folder, against the real Secret Service: the
// member signs in once with "Keep me signed in", every later start resumes
// the session, and the keychain holds exactly one refresh-token entry for
// the member whatever address the server listens on. The third start finds
// its usual port taken and moves to another. Signing out leaves no
// refresh-token entry (the device cookie, which is no session, stays).
func TestKeepSignedInAcrossRestarts(t *testing.T) {
	requireSecretService(t)
	dir := t.TempDir()
	prefs := app.NewPreferences(app.NewMemoryPrefs())
	const member = "grace"
	var urls []string
	var key string
	t.Cleanup(func() {
		for _, svc := range append(services(urls), app.ServiceName(key), app.DeviceCookieService(key)) {
			_ = app.OSKeychain{}.Delete(context.Background(), svc, member)
		}
	})
	for start := 1; start <= 3; start++ {
		if start == 3 {
			// someone else took the port of the last start
			ln, err := net.Listen("tcp", strings.TrimPrefix(urls[len(urls)-1], "http://"))
			if err != nil {
				t.Fatalf("take the embedded server's port: %v", err)
			}
			defer ln.Close()
		}
		b := &backend{dataDir: dir, embedded: true, prefs: prefs, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		url, err := b.startServer()
		if err != nil {
			t.Fatalf("start %d: %v", start, err)
		}
		urls = append(urls, url)
		key = app.ServerKeyOf(b.srv.ID())
		ctl, err := app.NewController(app.Config{ServerURL: url, Prefs: prefs, Keychain: app.OSKeychain{}})
		if err != nil {
			t.Fatal(err)
		}
		states := watch(ctl)
		if start == 1 {
			ctl.Login(member, "Demo-Pass-2026", true)
		} else {
			ctl.Resume()
		}
		if st := states.until(t, app.StepSignedIn); st.User == nil || st.User.Username != member {
			t.Fatalf("start %d: signed in as %+v", start, st.User)
		}
		if n := refreshEntries(t, member, key, urls); n != 1 {
			t.Errorf("start %d (server at %s): %d refresh-token entries for %s, want 1", start, url, n, member)
		}
		if start == 3 {
			if urls[2] == urls[1] {
				t.Errorf("the third start listens on the taken address %s", url)
			}
			ctl.SignOut()
			states.until(t, app.StepSignedOut)
			if n := refreshEntries(t, member, key, urls); n != 0 {
				t.Errorf("after sign-out: %d refresh-token entries for %s, want none", n, member)
			}
		} else if start == 2 && urls[1] != urls[0] {
			t.Errorf("the embedded server moved from %s to %s with its port free", urls[0], urls[1])
		}
		ctl.Close()
		b.close()
	}
}

// services are the keychain services an older console named by URL.
func services(urls []string) []string {
	var out []string
	for _, u := range urls {
		out = append(out, app.ServiceName(u))
	}
	return out
}

// refreshEntries counts the Secret Service items that hold a refresh token
// of member for this server, whether named by its id or by any of its URLs.
func refreshEntries(t *testing.T, member, key string, urls []string) int {
	t.Helper()
	svc, err := ss.NewSecretService()
	if err != nil {
		t.Fatalf("secret service: %v", err)
	}
	coll := svc.GetLoginCollection()
	items, err := svc.SearchItems(coll, map[string]string{"username": member})
	if err != nil {
		t.Fatalf("search the keychain: %v", err)
	}
	want := map[string]bool{app.ServiceName(key): true}
	for _, s := range services(urls) {
		want[s] = true
	}
	n := 0
	for _, it := range items {
		v, err := svc.Object("org.freedesktop.secrets", it).GetProperty("org.freedesktop.Secret.Item.Attributes")
		if err != nil {
			t.Fatalf("read a keychain item: %v", err)
		}
		if attrs, _ := v.Value().(map[string]string); want[attrs["service"]] {
			n++
		}
	}
	return n
}

func requireSecretService(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	kc := app.OSKeychain{Timeout: 3 * time.Second}
	err := kc.Set(ctx, "TechnicianConsole test probe", t.Name(), "x")
	if err == nil {
		err = kc.Delete(ctx, "TechnicianConsole test probe", t.Name())
	}
	if err != nil {
		if os.Getenv("TECHCONSOLE_REQUIRE_KEYCHAIN") != "" || os.Getenv("CI") != "" {
			t.Fatalf("OS keychain unavailable: %v", err)
		}
		t.Skipf("no Secret Service (run through scripts/test-env.sh): %v", err)
	}
}

// stateWatch receives a controller's states.
type stateWatch chan app.State

func watch(ctl *app.Controller) stateWatch {
	ch := make(stateWatch, 256)
	ctl.Subscribe(func(s app.State) { ch <- s })
	return ch
}

// until waits for an idle state at step; an alert on the way fails the test.
func (w stateWatch) until(t *testing.T, step app.Step) app.State {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case s := <-w:
			if s.Step == step && !s.Busy {
				return s
			}
			if s.Alert != nil && !s.Busy {
				t.Fatalf("waiting for %s: %s", step, i18n.English(s.Alert.Message))
			}
		case <-deadline:
			t.Fatalf("no %s state within 30 s", step)
		}
	}
}
