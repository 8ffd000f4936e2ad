package securitytest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
)

// Lockout is not a denial-of-service lever (OWASP "Slow Down Online Guessing
// Attacks with Device Cookies"): a right password hands out a signed device
// cookie bound to the member; a client that presents a valid one has its own
// small failure budget and is not locked out by anyone else's failures. Ten
// anonymous wrong passwords used to keep alice — or the master administrator —
// out for 15 minutes, renewable forever.

// loginWith posts a sign-in with a device cookie ("" = none).
func loginWith(t testing.TB, p *Peer, username, password, cookie string) Resp {
	t.Helper()
	return p.Do(t, "POST", api.PathLogin, "", api.LoginRequest{Username: username, Password: password, DeviceCookie: cookie})
}

// signedInCookie checks that res is a successful sign-in and returns the
// device cookie it carries.
func signedInCookie(t testing.TB, res Resp, what string) string {
	t.Helper()
	var a api.AuthResponse
	if res.Status != http.StatusOK {
		t.Fatalf("%s: %s, want a sign-in", what, res)
	}
	if err := json.Unmarshal(res.Body, &a); err != nil {
		t.Fatalf("%s: decode %s: %v", what, res, err)
	}
	if a.DeviceCookie == "" {
		t.Fatalf("%s: state %q without a device cookie", what, a.State)
	}
	return a.DeviceCookie
}

func TestAnonymousFailuresDoNotLockOutTrustedClients(t *testing.T) {
	r := Start(t)
	for _, who := range []struct{ username, password string }{
		{"alice", server.DemoPassword},  // a technician (mfa_required)
		{"admin", r.Inst.AdminPassword}, // the master administrator (authenticated)
	} {
		cookie := signedInCookie(t, loginWith(t, r.Peer, who.username, who.password, ""), who.username+" signs in")

		// Anyone, from anywhere, guesses wrong until the untrusted clients are locked out.
		if n, res := wrongPasswords(t, r, who.username, 50); n != 10 {
			t.Fatalf("%s: %d anonymous wrong passwords judged before the lockout, want 10 (%s)", who.username, n, res)
		}
		retryAfter(t, loginWith(t, r.Peer, who.username, who.password, ""))

		// The member's own client signs in with its cookie, and gets a fresh one.
		fresh := signedInCookie(t, loginWith(t, r.Peer, who.username, who.password, cookie), who.username+" with the device cookie")
		if fresh == cookie {
			t.Errorf("%s: the answer handed the same device cookie back", who.username)
		}
		signedInCookie(t, loginWith(t, r.Peer, who.username, who.password, fresh), who.username+" with the fresh cookie")
		// Without a cookie the lockout still holds.
		retryAfter(t, loginWith(t, r.Peer, who.username, who.password, ""))
	}

	// The per-address limit (100 failures across members) does not lock a
	// trusted client out either.
	r = Start(t)
	cookie := signedInCookie(t, loginWith(t, r.Peer, "alice", server.DemoPassword, ""), "alice signs in")
	parallelFailures(t, r.Peer, 100, func(i int) string { return fmt.Sprintf("198.51.100.%d", i%250+1) })
	retryAfter(t, loginWith(t, r.Peer, "grace", server.DemoPassword, ""))
	signedInCookie(t, loginWith(t, r.Peer, "alice", server.DemoPassword, cookie), "alice with her cookie after the address limit")
}

func TestTrustedClientLockedByItsOwnFailures(t *testing.T) {
	r := Start(t)
	a := signedInCookie(t, loginWith(t, r.Peer, "alice", server.DemoPassword, ""), "alice on laptop A")
	b := signedInCookie(t, loginWith(t, r.Peer, "alice", server.DemoPassword, ""), "alice on laptop B")

	for i := range 5 {
		res := loginWith(t, r.Peer, "alice", fmt.Sprint("typo-", i), a)
		if res.Status != http.StatusUnauthorized || res.Code() != api.CodeInvalidCredentials {
			t.Fatalf("wrong password %d with cookie A: %s, want 401", i+1, res)
		}
	}
	// Cookie A's budget is used up: refused, even with the right password.
	retryAfter(t, loginWith(t, r.Peer, "alice", "typo-5", a))
	retryAfter(t, loginWith(t, r.Peer, "alice", server.DemoPassword, a))

	// Nobody else is affected: another cookie, and clients without one.
	signedInCookie(t, loginWith(t, r.Peer, "alice", server.DemoPassword, b), "alice with cookie B")
	signedInCookie(t, loginWith(t, r.Peer, "alice", server.DemoPassword, ""), "alice without a cookie")
	if n, res := wrongPasswords(t, r, "alice", 50); n != 10 {
		t.Fatalf("the untrusted clients had %d wrong passwords left, want all 10 (%s)", n, res)
	}
}

func TestForgedOrForeignDeviceCookieCountsAsNone(t *testing.T) {
	r := Start(t)
	alice := signedInCookie(t, loginWith(t, r.Peer, "alice", server.DemoPassword, ""), "alice")
	bob := signedInCookie(t, loginWith(t, r.Peer, "bob", server.DemoPassword, ""), "bob")
	other := Start(t) // another server, another key
	elsewhere := signedInCookie(t, loginWith(t, other.Peer, "alice", server.DemoPassword, ""), "alice on another server")

	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	bad := map[string]string{
		"signature changed":    flip(alice, len(alice)-2),
		"middle changed":       flip(alice, len(alice)/2),
		"first byte changed":   flip(alice, 0),
		"another member's":     bob,
		"another server's":     elsewhere,
		"garbage":              "not.a.cookie",
		"truncated":            alice[:len(alice)-5],
		"with a trailing part": alice + ".x",
	}

	// Failures with a bad cookie count toward the untrusted clients' lockout…
	i := 0
	for name, c := range bad {
		for range 2 {
			if i == 10 {
				break
			}
			res := loginWith(t, r.Peer, "alice", fmt.Sprint("guess-", i), c)
			if res.Status != http.StatusUnauthorized {
				t.Fatalf("guess %d with a %s cookie: %s, want 401", i, name, res)
			}
			i++
		}
	}
	retryAfter(t, loginWith(t, r.Peer, "alice", server.DemoPassword, ""))
	// …and no bad cookie gets past it, right password or not.
	for name, c := range bad {
		res := loginWith(t, r.Peer, "alice", server.DemoPassword, c)
		if res.Status != http.StatusTooManyRequests {
			t.Errorf("alice's right password with a %s cookie: %s, want 429 like any untrusted client", name, res)
		}
	}
	signedInCookie(t, loginWith(t, r.Peer, "alice", server.DemoPassword, alice), "alice with her own cookie")

	// A cookie expires: one 31 days old is no longer trusted.
	r.Clock.Advance(31 * 24 * time.Hour)
	if n, _ := wrongPasswords(t, r, "alice", 50); n != 10 {
		t.Fatalf("%d wrong passwords before the lockout, want 10", n)
	}
	retryAfter(t, loginWith(t, r.Peer, "alice", server.DemoPassword, alice))
}

// A burst of right passwords is never answered 429: the failure that a check
// records before the hash only holds a place while the hash runs; a right
// password is refused only when the failures known to be failures have
// reached the limit.
func TestConcurrentRightPasswordsNotRefused(t *testing.T) {
	check := func(t *testing.T, r *Rig, n int, cookie string) {
		t.Helper()
		rs := race(t, n, func(int) (Resp, error) {
			return r.Send(context.Background(), "POST", api.PathLogin, "", api.LoginRequest{Username: "bob", Password: server.DemoPassword, DeviceCookie: cookie})
		})
		c := countStatus(rs)
		for _, res := range rs {
			if res.Status != http.StatusOK && res.Code() != api.CodeBusy { // 503 busy: the machine's hashing width, not the throttle
				t.Errorf("%d concurrent right passwords: %v; one answered %s", n, c, res)
				break
			}
		}
		if c[http.StatusOK] == 0 {
			t.Fatalf("%d concurrent right passwords: %v, none signed in", n, c)
		}
		t.Logf("%d concurrent right passwords: %v", n, c)
	}
	t.Run("no failures before", func(t *testing.T) {
		check(t, Start(t), 32, "")
	})
	t.Run("nine failures before", func(t *testing.T) {
		r := Start(t)
		for i := range 9 {
			loginProblem(t, r, "bob", fmt.Sprint("guess-", i), "")
		}
		r.Clock.Advance(10 * time.Minute)
		check(t, r, 8, "")
	})
	t.Run("a trusted client four failures in", func(t *testing.T) {
		r := Start(t)
		cookie := signedInCookie(t, loginWith(t, r.Peer, "bob", server.DemoPassword, ""), "bob")
		for i := range 4 {
			loginProblem(t, r, "bob", fmt.Sprint("typo-", i), cookie)
		}
		check(t, r, 8, cookie)
	})
}

func loginProblem(t testing.TB, r *Rig, username, password, cookie string) {
	t.Helper()
	if res := loginWith(t, r.Peer, username, password, cookie); res.Status != http.StatusUnauthorized {
		t.Fatalf("wrong password for %s: %s, want 401", username, res)
	}
}

// Retry-After says when the next try can succeed: when the oldest failure
// that counts leaves the 15-minute window.
func TestRetryAfterIsWhenTheNextTrySucceeds(t *testing.T) {
	for _, tt := range []struct {
		name     string
		failures int
		trusted  bool
	}{
		{"untrusted clients", 10, false},
		{"a trusted client", 5, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := Start(t)
			cookie := ""
			if tt.trusted {
				cookie = signedInCookie(t, loginWith(t, r.Peer, "bob", server.DemoPassword, ""), "bob")
			}
			first := r.Now()
			for i := range tt.failures {
				loginProblem(t, r, "bob", fmt.Sprint("guess-", i), cookie)
				r.Clock.Advance(time.Minute)
			}
			if tt.trusted {
				// Newer failures of untrusted clients do not move the trusted client's wait.
				for i := range 3 {
					loginProblem(t, r, "bob", fmt.Sprint("other-", i), "")
				}
			}
			r.Clock.Advance(500 * time.Millisecond)
			truth := first.Add(15 * time.Minute).Sub(r.Now())
			got := retryAfter(t, loginWith(t, r.Peer, "bob", server.DemoPassword, cookie))
			if d := got - truth; d < 0 || d > time.Second {
				t.Fatalf("Retry-After %s; the oldest failure leaves the window in %s", got, truth)
			}
			r.Clock.Advance(got - time.Second)
			if wait := retryAfter(t, loginWith(t, r.Peer, "bob", server.DemoPassword, cookie)); wait != time.Second {
				t.Fatalf("a second before the promised time: Retry-After %s, want 1s", wait)
			}
			r.Clock.Advance(time.Second)
			signedInCookie(t, loginWith(t, r.Peer, "bob", server.DemoPassword, cookie), "bob at the promised time")
		})
	}
}
