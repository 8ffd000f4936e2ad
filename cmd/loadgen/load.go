package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/remotesupport/techconsole/api"
)

// codeMember is a demo member whose second step is a code the dev outbox
// shows: the outbox is read by address, so one sign-in per member at a time
// runs from the challenge to the verify (the hashes still overlap).
type codeMember struct {
	username string
	method   api.Method
	to       string
	mu       sync.Mutex
}

func demoCodeMembers() []*codeMember {
	return []*codeMember{
		{username: "alice", method: api.MethodSMS, to: "555-0101"},
		{username: "bob", method: api.MethodSMS, to: "555-0102"},
		{username: "henry", method: api.MethodSMS, to: "555-0108"},
		{username: "carol", method: api.MethodEmail, to: "carol@example.com"},
		{username: "dave", method: api.MethodEmail, to: "dave@example.com"},
	}
}

type load struct {
	o        options
	members  []*codeMember
	sessions chan string // refresh tokens, for the refresh mode
}

func newLoad(o options) *load {
	return &load{o: o, members: demoCodeMembers()}
}

// prepare signs in one session per client for the refresh mode.
func (g *load) prepare(ctx context.Context) error {
	if g.o.mode != "refresh" {
		return nil
	}
	g.sessions = make(chan string, g.o.clients)
	for range g.o.clients {
		var r api.AuthResponse
		if _, err := g.call(ctx, "POST", api.PathLogin, "", api.LoginRequest{Username: "grace", Password: g.o.password}, &r, http.StatusOK); err != nil {
			return fmt.Errorf("sign in for the refresh mode: %w", err)
		}
		if r.Tokens == nil {
			return fmt.Errorf("sign in for the refresh mode: state %s", r.State)
		}
		g.sessions <- r.Tokens.RefreshToken
	}
	return nil
}

// loadResult is what one round of load measured.
type loadResult struct {
	requests  int
	ops       int // completed operations (sign-ins or refreshes)
	elapsed   time.Duration
	latencies []time.Duration // of completed operations
	errors    map[string]int
	serverCPU time.Duration
}

func (l loadResult) percentile(p float64) time.Duration {
	if len(l.latencies) == 0 {
		return 0
	}
	return l.latencies[min(len(l.latencies)-1, int(p*float64(len(l.latencies))))]
}

func (l loadResult) errorsText() string {
	if len(l.errors) == 0 {
		return "0"
	}
	var keys []string
	for k := range l.errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s×%d", k, l.errors[k]))
	}
	return strings.Join(parts, ", ")
}

// round runs clients concurrent clients for d.
func (g *load) round(ctx context.Context, clients int, d time.Duration) (loadResult, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu       sync.Mutex
		res      = loadResult{errors: map[string]int{}}
		requests atomic.Int64
		wg       sync.WaitGroup
	)
	cpu0, err := processCPU(g.o.pid)
	if err != nil {
		return res, err
	}
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				t0 := time.Now()
				// An operation started finishes after the round's end: a
				// refresh cut off after the server rotated the token would
				// leave the client a used one (and reuse revokes the session).
				n, err := g.op(context.WithoutCancel(ctx), c)
				requests.Add(int64(n))
				mu.Lock()
				if err != nil {
					res.errors[errorCode(err)]++
				} else {
					res.ops++
					res.latencies = append(res.latencies, time.Since(t0))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	cpu1, err := processCPU(g.o.pid)
	if err != nil {
		return res, err
	}
	res.serverCPU = cpu1 - cpu0
	res.requests = int(requests.Load())
	slices.Sort(res.latencies)
	return res, nil
}

// op runs one operation of the mode and returns how many requests it sent.
func (g *load) op(ctx context.Context, client int) (int, error) {
	switch g.o.mode {
	case "refresh":
		rt := <-g.sessions
		var t api.Tokens
		_, err := g.call(ctx, "POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: rt}, &t, http.StatusOK)
		if err == nil {
			rt = t.RefreshToken
		}
		g.sessions <- rt
		return 1, err
	case "full":
		return g.fullSignIn(ctx, g.members[client%len(g.members)])
	}
	var r api.AuthResponse
	if _, err := g.call(ctx, "POST", api.PathLogin, "", api.LoginRequest{Username: "grace", Password: g.o.password}, &r, http.StatusOK); err != nil {
		return 1, err
	}
	if r.State != api.StateAuthenticated {
		return 1, fmt.Errorf("state %s", r.State)
	}
	return 1, nil
}

// fullSignIn: password, a code challenge, the code from the dev outbox,
// verify.
func (g *load) fullSignIn(ctx context.Context, m *codeMember) (int, error) {
	var r api.AuthResponse
	if _, err := g.call(ctx, "POST", api.PathLogin, "", api.LoginRequest{Username: m.username, Password: g.o.password}, &r, http.StatusOK); err != nil {
		return 1, err
	}
	if r.State != api.StateMFARequired {
		return 1, fmt.Errorf("state %s", r.State)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var ch api.Challenge
	if _, err := g.call(ctx, "POST", api.PathChallenges, r.MFAToken, api.ChallengeRequest{Method: m.method}, &ch, http.StatusCreated); err != nil {
		return 2, err
	}
	var msgs []api.OutboxMessage
	q := api.PathDevOutbox + "?limit=1&to=" + m.to
	if _, err := g.call(ctx, "GET", q, "", nil, &msgs, http.StatusOK); err != nil {
		return 3, err
	}
	if len(msgs) == 0 {
		return 3, errors.New("outbox: no code")
	}
	var out api.AuthResponse
	if _, err := g.call(ctx, "POST", api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: msgs[0].Code}, &out, http.StatusOK); err != nil {
		return 4, err
	}
	if out.State != api.StateAuthenticated {
		return 4, fmt.Errorf("state %s", out.State)
	}
	return 4, nil
}

// statusError is an answer other than the one expected.
type statusError struct {
	status int
	code   string
}

func (e *statusError) Error() string { return fmt.Sprintf("HTTP %d %s", e.status, e.code) }

// errorCode names an error for the table: the problem code with its
// status, or what went wrong on the way.
func errorCode(err error) string {
	var se *statusError
	if errors.As(err, &se) {
		if se.code != "" {
			return strconv.Itoa(se.status) + " " + se.code
		}
		return strconv.Itoa(se.status)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	return "transport"
}

func (g *load) call(ctx context.Context, method, path, bearer string, in, out any, want int) (int, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(g.o.url, "/")+path, body)
	if err != nil {
		return 0, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode != want {
		var p api.Problem
		_ = json.Unmarshal(data, &p)
		return resp.StatusCode, &statusError{status: resp.StatusCode, code: p.Code}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's times: 100 on Linux
// everywhere Go runs.
const clockTicks = 100

// processCPU is the user and system CPU time of process pid so far (0 for
// pid 0).
func processCPU(pid int) (time.Duration, error) {
	if pid == 0 {
		return 0, nil
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("server CPU: %w", err)
	}
	// The command name (field 2) may hold spaces: count from its closing parenthesis.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, errors.New("server CPU: /proc stat too short")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("server CPU: %w", err)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// ownCPU is this process's CPU time so far.
func ownCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// bareHashes runs argon2id at the server's parameters (m=19 MiB, t=2, p=1,
// golang.org/x/crypto/argon2, fresh memory each time) on workers goroutines
// for d and returns the CPU time it used and how many hashes it made.
func bareHashes(ctx context.Context, workers int, d time.Duration) (time.Duration, int) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var n atomic.Int64
	var wg sync.WaitGroup
	cpu := ownCPU()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			salt := []byte("loadgen-baseline")
			for ctx.Err() == nil {
				argon2.IDKey([]byte("Demo-Pass-2026"), salt, 2, 19*1024, 1, 32)
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	return ownCPU() - cpu, int(n.Load())
}
