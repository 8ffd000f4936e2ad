package app_test

import (
	"context"
	"testing"

	"github.com/remotesupport/techconsole/app"
)

// TestResumeTakesOverAnEntryNamedByAddress: a refresh token an older console
// kept under the server's address resumes the session once, and is then
// kept under the server's id alone.
func TestResumeTakesOverAnEntryNamedByAddress(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ctl, rec := e.controller(t, currentV)
	ctl.Login("grace", demoPassword, true)
	rec.idle(t, app.StepSignedIn)
	tok, err := e.kc.Get(ctx, app.ServiceName(e.key()), "grace")
	if err != nil {
		t.Fatal(err)
	}
	// as an older console kept it
	if err := e.kc.Delete(ctx, app.ServiceName(e.key()), "grace"); err != nil {
		t.Fatal(err)
	}
	if err := e.kc.Set(ctx, app.ServiceName(e.srv.URL), "grace", tok); err != nil {
		t.Fatal(err)
	}
	ctl.Close()

	ctl2, rec2 := e.controller(t, currentV)
	ctl2.Resume()
	rec2.idle(t, app.StepSignedIn)
	if _, err := e.kc.Get(ctx, app.ServiceName(e.srv.URL), "grace"); err != app.ErrNoEntry {
		t.Errorf("the entry named by the address stays: %v", err)
	}
	if _, err := e.kc.Get(ctx, app.ServiceName(e.key()), "grace"); err != nil {
		t.Errorf("no entry under the server's id: %v", err)
	}
}
