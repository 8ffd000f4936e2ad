//go:build issue4pending

package securitytest

// Tests of issue 4 code (throttling, pushes) that fail today. They are kept
// out of `make test` by the build tag until the server2 branch fixes what
// they find; run them with `go test -tags issue4pending ./securitytest/`.

import (
	"net/http"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
)

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
