package securitytest

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

// Epoch is where every rig's clock starts.
var Epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Rig is a real server on 127.0.0.1 (fresh SQLite file, demo organisation,
// dev outbox) with a controllable clock, and a peer that talks to it.
type Rig struct {
	*Peer
	Inst  *servertest.Instance
	Clock *servertest.Clock
}

// Start runs a rig for the test.
func Start(t testing.TB, opts ...servertest.Option) *Rig {
	t.Helper()
	clock := servertest.NewClock(Epoch)
	inst := servertest.Start(t, append([]servertest.Option{servertest.WithClock(clock)}, opts...)...)
	// Before the server shuts down (cleanups run last first): connections the
	// transport dialled for a race but never used look "new" to the server,
	// whose graceful shutdown would wait 5 s for them.
	t.Cleanup(sharedTransport.CloseIdleConnections)
	return &Rig{Peer: &Peer{Base: inst.URL}, Inst: inst, Clock: clock}
}

// Account is a demo account by name; the test fails on an unknown one.
func Account(t testing.TB, username string) server.DemoAccount {
	t.Helper()
	a, err := servertest.Demo(username)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

var totpOpts = totp.ValidateOpts{Period: 30, Skew: 0, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Code is the TOTP code of secret at time at.
func Code(t testing.TB, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totpOpts)
	if err != nil {
		t.Fatalf("totp: %v", err)
	}
	return c
}

// WrongCode is a 6-digit code that is valid for none of the steps the server
// accepts at time at (±1 step): an attacker's guess that is certain to miss.
func WrongCode(t testing.TB, secret string, at time.Time, n int) string {
	t.Helper()
	valid := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		valid[Code(t, secret, at.Add(d))] = true
	}
	for i := n; ; i++ {
		c := fmt.Sprintf("%06d", (i*7919+12345)%1000000)
		if !valid[c] {
			return c
		}
	}
}

// Now is the server's time.
func (r *Rig) Now() time.Time { return r.Clock.Now() }

// NextStep moves the clock to the start of the next TOTP step, so that a
// fresh code is not a replay of one accepted before.
func (r *Rig) NextStep() {
	now := r.Clock.Now()
	r.Clock.Set(now.Truncate(30 * time.Second).Add(30 * time.Second))
}

// Login posts a username and password and returns the answer.
func (r *Rig) Login(t testing.TB, username, password string) api.AuthResponse {
	t.Helper()
	var a api.AuthResponse
	r.OK(t, "POST", api.PathLogin, "", api.LoginRequest{Username: username, Password: password}, http.StatusOK, &a)
	return a
}

// LoginState signs a demo member in with the demo password and checks the state.
func (r *Rig) LoginState(t testing.TB, username, state string) api.AuthResponse {
	t.Helper()
	a := r.Login(t, username, server.DemoPassword)
	if a.State != state {
		t.Fatalf("login %s: state %q, want %q", username, a.State, state)
	}
	return a
}

// Challenge starts a challenge with the bearer.
func (r *Rig) Challenge(t testing.TB, bearer string, req api.ChallengeRequest) api.Challenge {
	t.Helper()
	var ch api.Challenge
	r.OK(t, "POST", api.PathChallenges, bearer, req, http.StatusCreated, &ch)
	return ch
}

// Verify answers a challenge with a code that must pass.
func (r *Rig) Verify(t testing.TB, bearer, id, code string) api.AuthResponse {
	t.Helper()
	var a api.AuthResponse
	r.OK(t, "POST", api.PathChallengeVerify(id), bearer, api.VerifyRequest{Code: code}, http.StatusOK, &a)
	return a
}

// SignIn signs a demo member in completely: password, then (where asked) the
// authenticator code of the next time step. It returns the tokens.
func (r *Rig) SignIn(t testing.TB, username string) api.Tokens {
	t.Helper()
	a := r.Login(t, username, server.DemoPassword)
	switch a.State {
	case api.StateAuthenticated:
	case api.StateMFARequired:
		acc := Account(t, username)
		r.NextStep()
		ch := r.Challenge(t, a.MFAToken, api.ChallengeRequest{Method: api.MethodAuthenticatorApp})
		a = r.Verify(t, a.MFAToken, ch.ChallengeID, Code(t, acc.TOTPSecret, r.Now()))
	default:
		t.Fatalf("sign in %s: state %q", username, a.State)
	}
	if a.Tokens == nil {
		t.Fatalf("sign in %s: no tokens", username)
	}
	return *a.Tokens
}

// Admin signs the master administrator in (no two-step in the demo policy).
func (r *Rig) Admin(t testing.TB) string {
	t.Helper()
	a := r.Login(t, "admin", r.Inst.AdminPassword)
	if a.State != api.StateAuthenticated || a.Tokens == nil {
		t.Fatalf("admin sign-in: %+v", a)
	}
	return a.Tokens.AccessToken
}

// StepUp runs a password_change challenge with the access token and the
// member's authenticator and returns the step-up token.
func (r *Rig) StepUp(t testing.TB, access, username string) string {
	t.Helper()
	r.NextStep()
	ch := r.Challenge(t, access, api.ChallengeRequest{Method: api.MethodAuthenticatorApp, Purpose: api.PurposePasswordChange})
	a := r.Verify(t, access, ch.ChallengeID, Code(t, Account(t, username).TOTPSecret, r.Now()))
	if a.State != api.StateStepUp || a.StepUpToken == "" {
		t.Fatalf("step-up %s: %+v", username, a)
	}
	return a.StepUpToken
}

// LastCode is the newest code sent to a phone or email.
func (r *Rig) LastCode(t testing.TB, to string) string {
	t.Helper()
	return r.Inst.LastCode(t, to)
}

// Setup runs a whole first-time setup with a setup mfa_token: pair the
// authenticator (confirmed with a code), add SMS on phone (confirmed with the
// code sent) and Activate. It returns the pairing and the Activate answer.
// (With an access token the SMS would need a step-up: see StepUpTOTP.)
func (r *Rig) Setup(t testing.TB, bearer, phone string) (api.AuthenticatorSetup, api.AuthResponse) {
	t.Helper()
	var pair api.AuthenticatorSetup
	r.OK(t, "POST", api.PathTwoStepAuth, bearer, nil, http.StatusCreated, &pair)
	r.NextStep()
	var f api.FactorResponse
	r.OK(t, "POST", api.PathFactorConfirm(pair.FactorID), bearer, api.VerifyRequest{Code: Code(t, pair.Secret, r.Now())}, http.StatusOK, &f)
	var sent api.CodeSent
	r.OK(t, "POST", api.PathTwoStepSMS, bearer, api.SMSSetupRequest{Phone: phone}, http.StatusCreated, &sent)
	r.OK(t, "POST", api.PathFactorConfirm(sent.FactorID), bearer, api.VerifyRequest{Code: r.LastCode(t, phone)}, http.StatusOK, &f)
	var a api.AuthResponse
	r.OK(t, "POST", api.PathTwoStepActivate, bearer, nil, http.StatusOK, &a)
	if a.State != api.StateAuthenticated || a.Tokens == nil {
		t.Fatalf("activate: %+v", a)
	}
	return pair, a
}
