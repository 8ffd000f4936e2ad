package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

// A small JSON client for the tests: the console's client package is not
// used here, so the server is checked against the contract alone.

type tc struct {
	t       testing.TB
	inst    *servertest.Instance
	clock   *servertest.Clock
	version string // X-Console-Version sent with every request ("" = none)
}

// start runs a fresh demo server with a controllable clock.
func start(t testing.TB, opts ...servertest.Option) *tc {
	t.Helper()
	clock := servertest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	inst := servertest.Start(t, append([]servertest.Option{servertest.WithClock(clock)}, opts...)...)
	return &tc{t: t, inst: inst, clock: clock}
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

// raw sends a request; body may be nil, a string (sent as is) or a value
// (sent as JSON). It returns the status, headers and body.
func (c *tc) raw(method, path, bearer string, body any, header ...string) (int, http.Header, []byte) {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			c.t.Fatalf("marshal: %v", err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, c.inst.URL+path, rd)
	if err != nil {
		c.t.Fatalf("request: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if c.version != "" {
		req.Header.Set(api.ConsoleVersionHeader, c.version)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, data
}

// ok sends a request that must answer want, decoding the answer into out.
func (c *tc) ok(method, path, bearer string, body any, want int, out any) {
	c.t.Helper()
	status, _, data := c.raw(method, path, bearer, body)
	if status != want {
		c.t.Fatalf("%s %s: HTTP %d, want %d: %s", method, path, status, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			c.t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
}

// fail sends a request that must answer a problem with the status and code.
func (c *tc) fail(method, path, bearer string, body any, wantStatus int, wantCode string) api.Problem {
	c.t.Helper()
	status, h, data := c.raw(method, path, bearer, body)
	return c.checkProblem(method+" "+path, status, h, data, wantStatus, wantCode)
}

func (c *tc) checkProblem(what string, status int, h http.Header, data []byte, wantStatus int, wantCode string) api.Problem {
	c.t.Helper()
	var p api.Problem
	if ct := h.Get("Content-Type"); ct != api.ProblemContentType {
		c.t.Fatalf("%s: HTTP %d with Content-Type %q, want a problem: %s", what, status, ct, data)
	}
	if err := json.Unmarshal(data, &p); err != nil {
		c.t.Fatalf("%s: decode problem %s: %v", what, data, err)
	}
	if status != wantStatus || p.Code != wantCode || p.Status != status {
		c.t.Fatalf("%s: HTTP %d %q, want %d %q: %s", what, status, p.Code, wantStatus, wantCode, data)
	}
	return p
}

func (c *tc) login(username, password string) api.AuthResponse {
	c.t.Helper()
	var r api.AuthResponse
	c.ok("POST", api.PathLogin, "", api.LoginRequest{Username: username, Password: password}, http.StatusOK, &r)
	return r
}

// loginState signs a demo member in and checks the state.
func (c *tc) loginState(username, wantState string) api.AuthResponse {
	c.t.Helper()
	r := c.login(username, server.DemoPassword)
	if r.State != wantState {
		c.t.Fatalf("login %s: state %q, want %q", username, r.State, wantState)
	}
	return r
}

func (c *tc) startChallenge(mfaToken string, method api.Method) api.Challenge {
	c.t.Helper()
	var ch api.Challenge
	c.ok("POST", api.PathChallenges, mfaToken, api.ChallengeRequest{Method: method}, http.StatusCreated, &ch)
	return ch
}

func (c *tc) verify(mfaToken, challengeID, code string) api.AuthResponse {
	c.t.Helper()
	var r api.AuthResponse
	c.ok("POST", api.PathChallengeVerify(challengeID), mfaToken, api.VerifyRequest{Code: code}, http.StatusOK, &r)
	if r.State != api.StateAuthenticated || r.Tokens == nil || r.User == nil {
		c.t.Fatalf("verify: %+v, want authenticated with tokens and user", r)
	}
	return r
}

// totpCode is the code an authenticator app shows for secret at the
// server's current time.
func (c *tc) totpCode(secret string) string {
	c.t.Helper()
	code, err := totp.GenerateCodeCustom(secret, c.clock.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		c.t.Fatalf("totp: %v", err)
	}
	return code
}

func demo(t testing.TB, username string) server.DemoAccount {
	t.Helper()
	a, err := servertest.Demo(username)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// signIn runs a full demo sign-in with the authenticator app and returns
// the authenticated answer.
func (c *tc) signInTOTP(username string) api.AuthResponse {
	c.t.Helper()
	r := c.loginState(username, api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodAuthenticatorApp)
	out := c.verify(r.MFAToken, ch.ChallengeID, c.totpCode(demo(c.t, username).TOTPSecret))
	c.clock.Advance(30 * time.Second) // the next sign-in needs a fresh time step
	return out
}

// admin signs the master administrator in (two-step not required of masters in the demo).
func (c *tc) admin() string {
	c.t.Helper()
	r := c.login("admin", c.inst.AdminPassword)
	if r.State != api.StateAuthenticated {
		c.t.Fatalf("admin login: %+v", r)
	}
	return r.Tokens.AccessToken
}

// memberByName finds a member through the admin API.
func (c *tc) memberByName(adminToken, username string) api.Member {
	c.t.Helper()
	var ms []api.Member
	c.ok("GET", api.PathAdminMembers, adminToken, nil, http.StatusOK, &ms)
	for _, m := range ms {
		if m.Username == username {
			return m
		}
	}
	c.t.Fatalf("member %s not listed", username)
	return api.Member{}
}

func (c *tc) groupByName(adminToken, name string) api.Group {
	c.t.Helper()
	var gs []api.Group
	c.ok("GET", api.PathAdminGroups, adminToken, nil, http.StatusOK, &gs)
	for _, g := range gs {
		if g.Name == name {
			return g
		}
	}
	c.t.Fatalf("group %s not listed", name)
	return api.Group{}
}

func (c *tc) twoStep(bearer string) api.TwoStepStatus {
	c.t.Helper()
	var st api.TwoStepStatus
	c.ok("GET", api.PathTwoStep, bearer, nil, http.StatusOK, &st)
	return st
}

func factorOf(st api.TwoStepStatus, m api.Method) (api.Factor, bool) {
	for _, f := range st.Factors {
		if f.Method == m {
			return f, true
		}
	}
	return api.Factor{}, false
}

// parallel runs fn n times at once and returns the HTTP statuses.
func parallel(n int, fn func() int) []int {
	out := make([]int, n)
	var wg sync.WaitGroup
	startGate := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startGate
			out[i] = fn()
		}()
	}
	close(startGate)
	wg.Wait()
	return out
}

func count(xs []int, v int) int {
	n := 0
	for _, x := range xs {
		if x == v {
			n++
		}
	}
	return n
}

func ptr[T any](v T) *T { return &v }
