//go:build issue4pending

package securitytest

// Tests of issue 4 code (throttling, pushes) that fail today. They are kept
// out of `make test` by the build tag until the server2 branch fixes what
// they find; run them with `go test -tags issue4pending ./securitytest/`.

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// The per-member limit of 10 wrong passwords per 15 minutes must hold when
// the attacker sends the guesses at once. Today the limit is checked in one
// transaction and the failure recorded in another after the hash, so every
// guess that arrives before the first failure is recorded is judged: 40
// parallel guesses are all answered 401.
func TestPasswordLimitHoldsUnderParallelGuesses(t *testing.T) {
	r := Start(t)
	rs := race(t, 40, func(i int) (Resp, error) {
		return r.Send(context.Background(), "POST", api.PathLogin, "", api.LoginRequest{Username: "bob", Password: fmt.Sprint("guess-", i)})
	})
	c := countStatus(rs)
	if c[http.StatusUnauthorized] > 10 {
		t.Fatalf("40 parallel wrong passwords: %v; %d judged, the limit is 10", c, c[http.StatusUnauthorized])
	}
}

// Push bombing: "at most 3 open per member" is dodged by cancelling each
// push and sending the next one: the phone is notified without limit. A
// rate of pushes sent (open or not) per member bounds it.
func TestPushesPerMinuteBoundedEvenWhenCancelled(t *testing.T) {
	r := Start(t)
	mfa := r.LoginState(t, "alice", api.StateMFARequired).MFAToken
	sent := 0
	for i := 0; i < 30; i++ {
		res := r.Do(t, "POST", api.PathChallenges, mfa, api.ChallengeRequest{Method: api.MethodAppNotification})
		if res.Status != http.StatusCreated {
			break
		}
		sent++
		var ch api.Challenge
		if err := jsonUnmarshal(res.Body, &ch); err != nil {
			t.Fatal(err)
		}
		r.OK(t, "DELETE", api.PathChallenge(ch.ChallengeID), mfa, nil, http.StatusNoContent, nil)
		r.Clock.Advance(time.Second)
	}
	if sent > 3 {
		t.Fatalf("%d pushes reached the phone within 30 s by cancelling each one", sent)
	}
}
