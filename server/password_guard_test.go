package server_test

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
)

// TestPasswordLimitHoldsUnderParallelGuesses: the limit is checked and a
// provisional failure recorded in one write transaction before the hash, so
// guesses sent at once are judged no more than the limit allows.
func TestPasswordLimitHoldsUnderParallelGuesses(t *testing.T) {
	const guesses = 24
	for _, tt := range []struct {
		name    string
		wrong   int // status of a judged wrong guess
		guesser func(c *tc) func(i int) int
	}{
		{"sign-in of a member", http.StatusUnauthorized, func(c *tc) func(int) int {
			return func(i int) int {
				st, _, _ := c.raw("POST", api.PathLogin, "", api.LoginRequest{Username: "bob", Password: "Wrong-Pass-" + strconv.Itoa(i)})
				return st
			}
		}},
		{"sign-in of an unknown username", http.StatusUnauthorized, func(c *tc) func(int) int {
			return func(i int) int {
				st, _, _ := c.raw("POST", api.PathLogin, "", api.LoginRequest{Username: "nobody-here", Password: "Wrong-Pass-" + strconv.Itoa(i)})
				return st
			}
		}},
		{"current password of a password change", http.StatusForbidden, func(c *tc) func(int) int {
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
			judged, refused := count(got, tt.wrong), count(got, http.StatusTooManyRequests)
			if judged != 10 || refused != guesses-10 {
				t.Fatalf("%d parallel wrong passwords: %v; want 10 judged and %d refused", guesses, got, guesses-10)
			}
		})
	}
}

// TestRightPasswordClearsItsProvisionalFailure: a right password leaves no
// failure behind, so many sign-ins in a row never reach the limit. (While
// checks are in flight their provisional failures count: a burst beyond the
// limit is refused even when some of its passwords are right.)
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
