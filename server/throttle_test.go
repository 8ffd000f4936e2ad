package server_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
	"github.com/remotesupport/techconsole/server/store"
)

// loginProblem signs in expecting a problem and returns it with the Retry-After header.
func (c *tc) loginProblem(username, password string, wantStatus int, wantCode string, header ...string) (api.Problem, string) {
	c.t.Helper()
	status, h, data := c.raw("POST", api.PathLogin, "", api.LoginRequest{Username: username, Password: password}, header...)
	return c.checkProblem("login "+username, status, h, data, wantStatus, wantCode), h.Get("Retry-After")
}

func TestPasswordThrottle(t *testing.T) {
	c := start(t)
	for _, user := range []string{"bob", "nobody-here"} { // an unknown username counts the same
		t.Run(user, func(t *testing.T) {
			c.t = t
			for i := range 10 {
				c.clock.Advance(10 * time.Second)
				p, _ := c.loginProblem(user, "Wrong-Pass-"+strconv.Itoa(i), http.StatusUnauthorized, api.CodeInvalidCredentials)
				if p.RetryAfter != nil {
					t.Fatalf("attempt %d already carries retry_after", i+1)
				}
			}
			// The 11th, even with the right password, waits until the first
			// failure (90 s ago) leaves the 15-minute window: 810 s.
			p, ra := c.loginProblem(user, server.DemoPassword, http.StatusTooManyRequests, api.CodeTooManyAttempts)
			if p.RetryAfter == nil || *p.RetryAfter != 810 || ra != "810" {
				t.Fatalf("retry_after %v, Retry-After %q, want 810", p.RetryAfter, ra)
			}
			c.clock.Advance(810 * time.Second)
			if user == "bob" {
				c.loginState("bob", api.StateMFARequired)
			} else {
				c.loginProblem(user, server.DemoPassword, http.StatusUnauthorized, api.CodeInvalidCredentials)
			}
		})
	}
	// Other members are not affected by bob's failures.
	c.t = t
	c.loginState("carol", api.StateMFARequired)
}

func TestCodeThrottleAcrossSignIns(t *testing.T) {
	c := start(t)
	secret := demo(t, "bob").TOTPSecret
	wrong := func(mfa, id string) int {
		status, _, _ := c.raw("POST", api.PathChallengeVerify(id), mfa, api.VerifyRequest{Code: "000000"})
		return status
	}
	// Two sign-ins, 5 wrong codes each (the most one sign-in allows).
	for range 2 {
		r := c.loginState("bob", api.StateMFARequired)
		ch := c.startChallenge(r.MFAToken, api.MethodAuthenticatorApp)
		for range 5 {
			if s := wrong(r.MFAToken, ch.ChallengeID); s != http.StatusUnauthorized && s != http.StatusGone {
				t.Fatalf("wrong code: HTTP %d", s)
			}
		}
	}
	// A third sign-in: the password passes, but even the right code waits.
	r := c.loginState("bob", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodAuthenticatorApp)
	p := c.fail("POST", api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: c.totpCode(secret)}, http.StatusTooManyRequests, api.CodeTooManyAttempts)
	if p.RetryAfter == nil || *p.RetryAfter != 900 {
		t.Errorf("retry_after = %v, want 900", p.RetryAfter)
	}
	// Setup confirmation codes are held back too.
	c.clock.Advance(15 * time.Minute)
	r = c.loginState("bob", api.StateMFARequired)
	ch = c.startChallenge(r.MFAToken, api.MethodAuthenticatorApp)
	c.verify(r.MFAToken, ch.ChallengeID, c.totpCode(secret))
}

func TestAddressThrottle(t *testing.T) {
	// 100 failures from one address, recorded straight into the store (100
	// hashed sign-ins would only slow the test), then one over the API.
	fill := func(t *testing.T, inst *servertest.Instance, addr string, n int, at time.Time) {
		err := inst.Server.Store().Write(context.Background(), func(tx store.Tx) error {
			for i := range n {
				if _, err := tx.InsertFailure(store.Failure{At: at, Kind: "password", Subject: "user" + strconv.Itoa(i), ClientAddress: addr}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Run("peer address", func(t *testing.T) {
		c := start(t)
		fill(t, c.inst, "127.0.0.1", 99, c.clock.Now())
		c.loginProblem("erin", "Wrong-Pass-2026", http.StatusUnauthorized, api.CodeInvalidCredentials) // the 100th
		// Every member from this address waits now; X-Forwarded-For is not believed.
		c.loginProblem("grace", server.DemoPassword, http.StatusTooManyRequests, api.CodeTooManyAttempts, "X-Forwarded-For", "198.51.100.9")
		c.clock.Advance(15 * time.Minute)
		c.loginState("grace", api.StateAuthenticated)
	})
	t.Run("trusted proxy", func(t *testing.T) {
		c := start(t, servertest.WithConfig(func(cfg *server.Config) { cfg.TrustedProxy = true }))
		fill(t, c.inst, "203.0.113.7", 100, c.clock.Now())
		c.loginProblem("grace", server.DemoPassword, http.StatusTooManyRequests, api.CodeTooManyAttempts, "X-Forwarded-For", "203.0.113.7, 10.0.0.1")
		status, _, data := c.raw("POST", api.PathLogin, "", api.LoginRequest{Username: "grace", Password: server.DemoPassword}, "X-Forwarded-For", "203.0.113.8")
		if status != http.StatusOK {
			t.Errorf("another client behind the proxy: HTTP %d %s", status, data)
		}
	})
}

// TestUnknownUsernameAnswersLikeAWrongPassword: same status, code and
// body; and both cost a hash. The time check only looks for a skipped hash:
// argon2id at m=19 MiB, t=2 cannot finish in under 10 ms, while an answer
// without it takes about 1 ms, and a busy machine only makes answers slower.
// The statistical comparison of the two timings belongs to the soak suite.
func TestUnknownUsernameAnswersLikeAWrongPassword(t *testing.T) {
	const noHashBelow = 10 * time.Millisecond
	c := start(t)
	timed := func(user string) (time.Duration, []byte) {
		start := time.Now()
		status, _, data := c.raw("POST", api.PathLogin, "", api.LoginRequest{Username: user, Password: "Wrong-Pass-2026"})
		if status != http.StatusUnauthorized {
			t.Fatalf("%s: HTTP %d", user, status)
		}
		return time.Since(start), data
	}
	for range 3 {
		known, kb := timed("bob")
		unknown, ub := timed("nobody")
		if string(kb) != string(ub) {
			t.Errorf("answers differ:\n%s\n%s", kb, ub)
		}
		for _, d := range []struct {
			who  string
			took time.Duration
		}{{"wrong password", known}, {"unknown username", unknown}} {
			if d.took < noHashBelow {
				t.Errorf("%s answered in %v: the password hash was skipped", d.who, d.took)
			}
		}
	}
}

// TestOldFailuresArePruned: failures past a day go as new ones come.
func TestOldFailuresArePruned(t *testing.T) {
	c := start(t)
	st := c.inst.Server.Store()
	old := c.clock.Now().Add(-25 * time.Hour)
	insert := func(at time.Time, n int) {
		err := st.Write(context.Background(), func(tx store.Tx) error {
			for range n {
				if _, err := tx.InsertFailure(store.Failure{At: at, Kind: "password", Subject: "x", ClientAddress: "192.0.2.1"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	insert(old, 20)
	insert(c.clock.Now(), 2)
	var left store.FailureWindow
	err := st.Read(context.Background(), func(tx store.Tx) error {
		var err error
		left, err = tx.RecentFailures(store.FailureFilter{ClientAddress: "192.0.2.1"}, old.Add(-time.Hour), c.clock.Now(), 100)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(left.Counted) != 2 {
		t.Errorf("%d failures left, want the 2 recent ones", len(left.Counted))
	}
}
