//go:build soak

package securitytest

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
)

// TestSoakPasswordBudget24h plays the best password guesser against one
// member for 24 hours of server time, on both channels at once: as an
// untrusted client (no device cookie) and with a device cookie stolen from
// the member's console. Every guess is wrong; whenever both channels are
// refused, the clock jumps by the shorter Retry-After. The guesses the server
// judges bound the chance of finding a password drawn from N candidates:
// p = guesses / N.
func TestSoakPasswordBudget24h(t *testing.T) {
	r := Start(t)
	stolen := signedInCookie(t, loginWith(t, r.Peer, "bob", server.DemoPassword, ""), "bob")
	end := r.Now().Add(24 * time.Hour)
	judged := map[string]int{}
	for n := 0; r.Now().Before(end); {
		wait := time.Duration(0)
		for _, ch := range []struct{ name, cookie string }{{"untrusted", ""}, {"stolen cookie", stolen}} {
			res := loginWith(t, r.Peer, "bob", fmt.Sprint("guess-", n), ch.cookie)
			n++
			switch {
			case res.Status == http.StatusUnauthorized && res.Code() == api.CodeInvalidCredentials:
				judged[ch.name]++
				wait = -1
			case res.Status == http.StatusTooManyRequests:
				if d := retryAfter(t, res); wait == 0 || (wait > 0 && d < wait) {
					wait = d
				}
			default:
				t.Fatalf("guess %d (%s): %s", n, ch.name, res)
			}
		}
		if wait > 0 {
			r.Clock.Advance(wait)
		}
	}
	total := judged["untrusted"] + judged["stolen cookie"]
	figure(t, "| Password, 24 h of server time, best attacker (one member) | %d guesses judged without a device cookie, %d more with one stolen cookie (%d) | p = guesses / N: %.2f %% (%.2f %% with the stolen cookie) of a password from the top 10,000; %.3f %% (%.3f %%) from the top 100,000 |",
		judged["untrusted"], judged["stolen cookie"], total,
		float64(judged["untrusted"])/1e4*100, float64(total)/1e4*100, float64(judged["untrusted"])/1e5*100, float64(total)/1e5*100)
	// 10 per 15 minutes without a cookie allow 960 a day, as before device
	// cookies; a stolen cookie's own 5 per 15 minutes add 480.
	if judged["untrusted"] > 960 || judged["stolen cookie"] > 480 {
		t.Fatalf("judged %v in 24 h, want at most 960 untrusted and 480 with the stolen cookie", judged)
	}
	if judged["untrusted"] < 900 || judged["stolen cookie"] < 450 {
		t.Fatalf("only %v judged: the attacker model is broken", judged)
	}
}
