//go:build securityfindings

package securitytest

// Findings in server part 1 that were reported rather than fixed (the fix
// changes what the contract means, not one line). Run with
// `go test -tags securityfindings ./securitytest/`.

import (
	"net/http"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

// A member who confirms the authenticator during first-time setup but never
// adds a backup nor presses Activate is, at the next sign-in, treated as
// enrolled (mfa_required with the authenticator alone): Activate's rule
// (authenticator plus an SMS or email backup) is skipped for good.
func TestAbandonedSetupStillNeedsActivate(t *testing.T) {
	r := Start(t)
	tok := r.LoginState(t, "erin", api.StateMFASetupRequired).MFAToken
	var pair api.AuthenticatorSetup
	r.OK(t, "POST", api.PathTwoStepAuth, tok, nil, http.StatusCreated, &pair)
	r.NextStep()
	r.OK(t, "POST", api.PathFactorConfirm(pair.FactorID), tok, api.VerifyRequest{Code: Code(t, pair.Secret, r.Now())}, http.StatusOK, nil)
	// The member closes the console here and signs in again later.
	a := r.Login(t, "erin", "Demo-Pass-2026")
	if a.State != api.StateMFASetupRequired {
		t.Fatalf("after an abandoned setup: state %q with methods %v, want mfa_setup_required", a.State, a.Methods)
	}
}
