package app_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/client"
)

// holdVerify holds every code check (challenge verify, factor confirm) at
// the transport until release is closed, counting them.
type holdVerify struct {
	base    http.RoundTripper
	arrived chan struct{}
	release chan struct{}
	mu      sync.Mutex
	n       int
}

func (h *holdVerify) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/verify") || strings.HasSuffix(r.URL.Path, "/confirm") {
		h.mu.Lock()
		h.n++
		h.mu.Unlock()
		select {
		case h.arrived <- struct{}{}:
		default:
		}
		<-h.release
	}
	return h.base.RoundTrip(r)
}

func (h *holdVerify) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

// TestCodeIsCheckedOnce: the same code submitted again while its check is in
// flight (the field submits at six digits, then Enter) neither cancels that
// check nor sends the code a second time; the member is signed in.
func TestCodeIsCheckedOnce(t *testing.T) {
	e := newEnv(t)
	hold := &holdVerify{base: http.DefaultTransport, arrived: make(chan struct{}, 1), release: make(chan struct{})}
	ctl, rec := e.controller(t, currentV, func(c *app.Config) {
		c.ClientOptions = []client.Option{client.WithHTTPClient(&http.Client{Transport: hold})}
	})
	ctl.Login("bob", demoPassword, false)
	rec.waitFor(t, "the authenticator prompt", func(s app.State) bool {
		return s.Step == app.StepChallenge && !s.Busy && s.Challenge != nil && s.Challenge.Method == api.MethodAuthenticatorApp && s.Challenge.Active
	})
	code := totpNow(t, demo(t, "bob").TOTPSecret)
	ctl.SubmitCode(code)
	<-hold.arrived // the check is on the wire
	ctl.SubmitCode(code)
	ctl.SubmitCode(" " + code)
	close(hold.release)
	st := rec.waitFor(t, "signed in or an alert", func(s app.State) bool {
		return !s.Busy && (s.Step == app.StepSignedIn || s.Alert != nil)
	})
	if st.Step != app.StepSignedIn {
		t.Fatalf("step %s, alert %+v; want signed in", st.Step, st.Alert)
	}
	if n := hold.count(); n != 1 {
		t.Errorf("the code was checked %d times, want once", n)
	}
}
