package server_test

import (
	"context"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/store"
)

// TestPasswordLimitHoldsUnderParallelGuesses: the limit is checked and a
// provisional failure recorded in one write transaction before the hash, so
// guesses sent at once are judged no more than the limit allows. (A guess
// that finds the hashing slots taken for too long is answered 503 busy
// without a verdict; its place goes to another guess.)
func TestPasswordLimitHoldsUnderParallelGuesses(t *testing.T) {
	const guesses = 24
	for _, tt := range []struct {
		name    string
		wrong   int // status of a judged wrong guess
		limit   int
		guesser func(c *tc) func(i int) int
	}{
		{"sign-in of a member", http.StatusUnauthorized, 10, func(c *tc) func(int) int {
			return func(i int) int {
				st, _, _ := c.raw("POST", api.PathLogin, "", api.LoginRequest{Username: "bob", Password: "Wrong-Pass-" + strconv.Itoa(i)})
				return st
			}
		}},
		{"sign-in of an unknown username", http.StatusUnauthorized, 10, func(c *tc) func(int) int {
			return func(i int) int {
				st, _, _ := c.raw("POST", api.PathLogin, "", api.LoginRequest{Username: "nobody-here", Password: "Wrong-Pass-" + strconv.Itoa(i)})
				return st
			}
		}},
		// The session's own budget: 5.
		{"current password of a password change", http.StatusForbidden, 5, func(c *tc) func(int) int {
			access := c.signInTOTP("bob").Tokens.AccessToken
			return func(i int) int {
				st, _, _ := c.raw("POST", api.PathPassword, access, api.PasswordChangeRequest{
					CurrentPassword: "Wrong-Pass-" + strconv.Itoa(i), NewPassword: "Fresh-Pass-2026-x"})
				return st
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := start(t)
			guess := tt.guesser(c)
			var n atomic.Int32
			got := parallel(guesses, func() int { return guess(int(n.Add(1))) })
			judged, refused, busy := count(got, tt.wrong), count(got, http.StatusTooManyRequests), count(got, http.StatusServiceUnavailable)
			// A guess that found no hashing slot in time (503 busy, on a
			// loaded machine) was never judged: it may stand in for a judged one.
			if judged > tt.limit || judged+busy < tt.limit || judged+refused+busy != guesses {
				t.Fatalf("%d parallel wrong passwords: %v; want %d judged and the others refused", guesses, got, tt.limit)
			}
		})
	}
}

// TestRightPasswordClearsItsProvisionalFailure: a right password leaves no
// failure behind, so many sign-ins in a row never reach the limit.
func TestRightPasswordClearsItsProvisionalFailure(t *testing.T) {
	c := start(t)
	for i := range 12 {
		c.clock.Advance(time.Second)
		if r := c.login("bob", server.DemoPassword); r.State != api.StateMFARequired {
			t.Fatalf("sign-in %d: state %q", i+1, r.State)
		}
	}
	// The ten failures allowed are all still there, and no more.
	for i := range 10 {
		c.loginProblem("bob", "Wrong-Pass-"+strconv.Itoa(i), http.StatusUnauthorized, api.CodeInvalidCredentials)
	}
	c.loginProblem("bob", server.DemoPassword, http.StatusTooManyRequests, api.CodeTooManyAttempts)
}

// TestProvisionalFailures: a check in flight holds a place but is no
// failure; one whose server died before the hash decided (older than any
// check can take) counts as a failure.
func TestProvisionalFailures(t *testing.T) {
	c := start(t)
	insert := func(user string, n int, at time.Time) {
		t.Helper()
		err := c.inst.Server.Store().Write(context.Background(), func(tx store.Tx) error {
			for range n {
				f := store.Failure{At: at, Kind: "password", Subject: user, ClientAddress: "192.0.2.1", Provisional: true}
				if _, err := tx.InsertFailure(f); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Nine checks in flight leave bob one place: his right password takes it.
	insert("bob", 9, c.clock.Now())
	c.loginState("bob", api.StateMFARequired)
	// Ten checks that never came back, two minutes ago: the limit is reached
	// and lifts when they leave the window.
	insert("carol", 10, c.clock.Now().Add(-2*time.Minute))
	p, ra := c.loginProblem("carol", server.DemoPassword, http.StatusTooManyRequests, api.CodeTooManyAttempts)
	if p.RetryAfter == nil || *p.RetryAfter != 780 || ra != "780" {
		t.Fatalf("retry_after %v, Retry-After %q, want 780", p.RetryAfter, ra)
	}
	c.clock.Advance(780 * time.Second)
	c.loginState("carol", api.StateMFARequired)
}
