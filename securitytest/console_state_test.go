package securitytest

import (
	"context"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/server"
)

// Package app documents State as "a plain value: subscribers get their own
// copy and may keep it". A shallow copy would let Setup, Challenge, Alert and
// User point into the controller's own state, which the next action changes
// in place: a kept State would change under its reader's feet, and reading it
// while an action runs would be a data race. (Found through
// TestConsoleFilesAndLogHoldNoSecret under -race; app.State.clone fixes it.)
func TestKeptStateDoesNotChangeLater(t *testing.T) {
	r := Start(t)
	ctl, err := app.NewController(app.Config{ServerURL: r.Base})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ctl.Close)
	wait := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := ctl.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	ctl.Login("erin", server.DemoPassword, false)
	wait()
	kept := ctl.State()
	if kept.Setup == nil {
		t.Fatalf("erin not in setup: %+v", kept)
	}
	phase := kept.Setup.Phase
	ctl.StartPairing()
	wait()
	if kept.Setup.Phase != phase || kept.Setup.Pairing != nil {
		t.Fatalf("a State kept at phase %q now says %q with a pairing: published states share Setup with the controller", phase, kept.Setup.Phase)
	}
}
