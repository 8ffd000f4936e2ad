package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// TestApprovedPushHandsOutTokensOnce: several long-polls wait on one push;
// when the phone approves, exactly one of them carries the tokens.
func TestApprovedPushHandsOutTokensOnce(t *testing.T) {
	c := start(t)
	r := c.loginState("alice", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodAppNotification)
	const n = 6
	polls := make([]<-chan pollResult, n)
	for i := range polls {
		polls[i] = c.pollAsync(r.MFAToken, ch.ChallengeID, 20)
	}
	c.waitAsleep(t, n)
	c.decide(c.inst.Demo(t, "alice").DeviceToken, ch.ChallengeID, api.DecisionApprove, ch.MatchNumber, http.StatusNoContent)
	withTokens := 0
	for _, p := range polls {
		res := <-p
		if res.status != http.StatusOK || res.body.Status != api.ChallengeApproved {
			t.Errorf("long-poll: HTTP %d %s", res.status, res.raw)
		}
		if res.body.Tokens != nil {
			withTokens++
		}
	}
	if withTokens != 1 {
		t.Errorf("%d long-polls carried tokens, want exactly 1", withTokens)
	}
}

// TestPushTokenRaceAndExpiry: concurrent registrations with one push_token,
// exactly one wins; a token older than 10 minutes registers nothing.
func TestPushTokenRaceAndExpiry(t *testing.T) {
	c := start(t)
	tok := c.loginState("erin", api.StateMFASetupRequired).MFAToken
	push := pushToken(t, c.startPairing(tok).OTPAuthURI)
	statuses := parallel(8, func() int {
		status, _, _ := c.rawNoFatal("POST", api.PathDeviceRegister, "", api.DeviceRegisterRequest{PushToken: push, DeviceName: "phone"})
		return status
	})
	if count(statuses, http.StatusCreated) != 1 || count(statuses, http.StatusUnauthorized) != 7 {
		t.Errorf("concurrent registrations: %v, want one 201 and seven 401", statuses)
	}
	st := c.twoStep(tok)
	n := 0
	for _, f := range st.Factors {
		if f.Method == api.MethodAppNotification {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d app notification factors, want 1", n)
	}

	late := pushToken(t, c.startPairing(tok).OTPAuthURI)
	c.clock.Advance(10*time.Minute + time.Second)
	c.fail("POST", api.PathDeviceRegister, "", api.DeviceRegisterRequest{PushToken: late, DeviceName: "phone"}, http.StatusUnauthorized, api.CodeInvalidPushToken)
}

// TestLongPollWaitsOnlyForPushes: a pending push answers pending when the
// wait runs out; a code challenge answers at once whatever the wait.
func TestLongPollWaitsOnlyForPushes(t *testing.T) {
	c := start(t)
	r := c.loginState("alice", api.StateMFARequired)
	push := c.startChallenge(r.MFAToken, api.MethodAppNotification)
	p := c.poll(r.MFAToken, push.ChallengeID, 1)
	if p.body.Status != api.ChallengePending || p.took < 900*time.Millisecond || p.took > 5*time.Second {
		t.Errorf("pending push after wait=1: %s in %v", p.raw, p.took)
	}
	code := c.startChallenge(r.MFAToken, api.MethodAuthenticatorApp)
	p = c.poll(r.MFAToken, code.ChallengeID, 25)
	if p.body.Status != api.ChallengePending || p.took > 2*time.Second {
		t.Errorf("code challenge long-poll: %s in %v", p.raw, p.took)
	}
	c.fail("GET", api.PathChallenge(push.ChallengeID)+"?wait=31", r.MFAToken, nil, http.StatusBadRequest, api.CodeValidation)
	c.fail("GET", api.PathChallenge(push.ChallengeID)+"?wait=x", r.MFAToken, nil, http.StatusBadRequest, api.CodeValidation)
}
