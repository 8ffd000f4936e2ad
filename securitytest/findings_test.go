//go:build securityfindings

package securitytest

// A finding in the console core (package app) that is reported rather than
// fixed here; the lead fixes it in app/. Run with
// `go test -tags securityfindings ./securitytest/`.

import (
	"context"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/server"
)

// Package app (console core) documents State as "a plain value: subscribers
// get their own copy and may keep it", but the copy is shallow: Setup,
// Challenge, Alert and User point into the controller's own state, which the
// next action changes in place. A screen (or test) that keeps a State sees it
// change under its feet, and reading it while an action runs is a data race
// (`go test -race` flags it). Found through TestConsoleFilesAndLogHoldNoSecret.
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
