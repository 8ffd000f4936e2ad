package server_test

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/servertest"
)

// On shutdown the open long-polls answer at once with their current status,
// so the console and the phone poll again (after the restart, or on another
// replica) instead of waiting out the deadline for a cut connection.
func TestShutdownAnswersOpenLongPolls(t *testing.T) {
	var logs lockedBuffer
	c := start(t, servertest.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))

	// Erin's phone, registered during her setup, waits for pushes.
	setup := c.loginState("erin", api.StateMFASetupRequired).MFAToken
	var reg api.DeviceRegistration
	c.ok("POST", api.PathDeviceRegister, "", api.DeviceRegisterRequest{PushToken: pushToken(t, c.startPairing(setup).OTPAuthURI), DeviceName: "Erin's phone"},
		http.StatusCreated, &reg)
	type answer struct {
		status int
		body   string
		at     time.Time
	}
	device := make(chan answer, 1)
	go func() {
		status, _, data := c.rawNoFatal("GET", api.PathDeviceNotification+"?wait=25", reg.DeviceToken, nil)
		device <- answer{status, string(data), time.Now()}
	}()
	// Alice's console waits for her phone to answer a push.
	r := c.loginState("alice", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodAppNotification)
	challenge := c.pollAsync(r.MFAToken, ch.ChallengeID, 25)

	waitMetric(t, c.inst, series("authserver_long_polls_open", "kind", "challenge"), 1)
	waitMetric(t, c.inst, series("authserver_long_polls_open", "kind", "device"), 1)

	stopAt := time.Now()
	c.inst.Stop()
	if took := time.Since(stopAt); took > 5*time.Second {
		t.Errorf("shutdown took %v with two long-polls open", took)
	}
	cr := <-challenge
	if cr.status != http.StatusOK || cr.body.Status != api.ChallengePending {
		t.Errorf("challenge long-poll at shutdown: HTTP %d %s, want 200 pending", cr.status, cr.raw)
	}
	dr := <-device
	if dr.status != http.StatusOK || strings.TrimSpace(dr.body) != "[]" || dr.at.Sub(stopAt) > 5*time.Second {
		t.Errorf("device long-poll at shutdown: HTTP %d %q after %v, want 200 [] at once", dr.status, dr.body, dr.at.Sub(stopAt))
	}
	for _, want := range []string{"shutting down", "stopped serving"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log does not say %q", want)
		}
	}
}
