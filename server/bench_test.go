package server_test

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	xargon2 "golang.org/x/crypto/argon2"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

// Benchmarks behind BENCHMARKS.md (make bench). They drive a real server on
// 127.0.0.1 over HTTP, client and server on the same machine.

// benchClient keeps enough idle connections for parallel benchmarks.
var benchClient = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// do sends a JSON request and decodes a JSON answer, refusing an unexpected
// status.
func do(base, method, path, bearer string, body, out any, want int) error {
	var rd io.Reader
	if body != nil {
		js, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := benchClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: HTTP %d, want %d: %s", method, path, resp.StatusCode, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	return nil
}

// call is do on the benchmark's own goroutine, failing it on error.
func call(b *testing.B, base, method, path, bearer string, body, out any, want int) {
	b.Helper()
	if err := do(base, method, path, bearer, body, out, want); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSignInVsArgon2id: full sign-ins (password + TOTP: login,
// challenge, verify, three HTTP calls) per second against bare argon2id
// verifications per second at the same parameters, both with one worker per
// CPU, in the same run. overhead_% is what the server adds to the hash.
func BenchmarkSignInVsArgon2id(b *testing.B) {
	clock := servertest.NewClock(time.Now())
	inst := servertest.Start(b, servertest.WithClock(clock))
	workers := runtime.GOMAXPROCS(0)
	members := []string{"bob", "carol", "henry", "alice"}
	if workers > len(members) {
		workers = len(members)
	}
	secrets := map[string]string{}
	for _, a := range server.DemoAccounts() {
		secrets[a.Username] = a.TOTPSecret
	}
	// A verify holds clockMu for reading from its code's time step to the
	// answer, so that another worker's clock move cannot push the code out
	// of the server's window meanwhile (a slower store made that happen).
	var clockMu sync.RWMutex
	signIn := func(user string) error {
		var r api.AuthResponse
		if err := do(inst.URL, "POST", api.PathLogin, "", api.LoginRequest{Username: user, Password: server.DemoPassword}, &r, http.StatusOK); err != nil {
			return err
		}
		var ch api.Challenge
		if err := do(inst.URL, "POST", api.PathChallenges, r.MFAToken, api.ChallengeRequest{Method: api.MethodAuthenticatorApp}, &ch, http.StatusCreated); err != nil {
			return err
		}
		clockMu.RLock()
		code, err := totp.GenerateCodeCustom(secrets[user], clock.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			clockMu.RUnlock()
			return err
		}
		var out api.AuthResponse
		err = do(inst.URL, "POST", api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: code}, &out, http.StatusOK)
		clockMu.RUnlock()
		if err != nil {
			return err
		}
		if out.State != api.StateAuthenticated {
			return fmt.Errorf("sign-in of %s: state %q", user, out.State)
		}
		// Each factor accepts a time step once: the next sign-in is 30 s later.
		clockMu.Lock()
		clock.Advance(30 * time.Second)
		clockMu.Unlock()
		return nil
	}
	hash := bareArgon2id(b)
	// run does n operations over the workers and returns the elapsed time
	// and the CPU time the process used meanwhile.
	run := func(n int, op func(user string) error) (time.Duration, time.Duration) {
		var next atomic.Int64
		var wg sync.WaitGroup
		errs := make([]error, workers)
		cpu := processCPU()
		start := time.Now()
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for errs[w] == nil && next.Add(1) <= int64(n) {
					errs[w] = op(members[w])
				}
			}()
		}
		wg.Wait()
		wall, used := time.Since(start), processCPU()-cpu
		if err := errors.Join(errs...); err != nil {
			b.Fatal(err)
		}
		return wall, used
	}
	run(workers, signIn) // warm up connections and caches
	run(workers, hash)
	// Alternate short rounds (four operations per worker) so that both kinds
	// see the same machine (other load, clock frequency); at least 96 of
	// each, whatever b.N is. overhead_% is the median over the rounds, which
	// bursts of other load on the machine do not drag.
	total := max(b.N, 96)
	round := 4 * workers
	var hashTime, signInTime, hashCPU, signInCPU time.Duration
	var ratios, cpuRatios []float64
	b.ResetTimer()
	for done := 0; done < total; done += round {
		hw, hc := run(round, hash)
		sw, sc := run(round, signIn)
		hashTime, hashCPU = hashTime+hw, hashCPU+hc
		signInTime, signInCPU = signInTime+sw, signInCPU+sc
		ratios = append(ratios, float64(sw)/float64(hw))
		if hc > 0 {
			cpuRatios = append(cpuRatios, float64(sc)/float64(hc))
		}
	}
	b.StopTimer()
	n := float64((total + round - 1) / round * round)
	hashes := n / hashTime.Seconds()
	signIns := n / signInTime.Seconds()
	b.ReportMetric(hashes, "argon2id/s")
	b.ReportMetric(signIns, "signins/s")
	// The median of the rounds and, for the spread, their quartiles.
	reportQuartiles(b, ratios, "overhead")
	reportQuartiles(b, cpuRatios, "cpu_overhead_rounds")
	b.ReportMetric((hashes/signIns-1)*100, "overhead_total_%")
	// The same in CPU time, which other load on the machine disturbs less;
	// it counts the benchmark's HTTP client too, so it overstates the server.
	if hashCPU > 0 {
		b.ReportMetric(float64(hashCPU)/n/1e6, "cpu_ms/hash")
		b.ReportMetric(float64(signInCPU)/n/1e6, "cpu_ms/signin")
		b.ReportMetric((float64(signInCPU)/float64(hashCPU)-1)*100, "cpu_overhead_%")
	}
}

// reportQuartiles reports the median of ratios as name_% (overhead in per
// cent) and the first and third quartiles as name_q1_% and name_q3_%.
func reportQuartiles(b *testing.B, ratios []float64, name string) {
	if len(ratios) == 0 {
		return
	}
	slices.Sort(ratios)
	at := func(q float64) float64 { return (ratios[int(q*float64(len(ratios)-1)+0.5)] - 1) * 100 }
	b.ReportMetric(at(0.5), name+"_%")
	b.ReportMetric(at(0.25), name+"_q1_%")
	b.ReportMetric(at(0.75), name+"_q3_%")
}

// bareArgon2id is the benchmarks' baseline: the demo password verified
// against its stored hash by golang.org/x/crypto/argon2 itself, at the
// server's parameters, in fresh memory each time, as any server using that
// package verifies.
func bareArgon2id(b *testing.B) func(string) error {
	parts := strings.Split(server.DemoPasswordHash, "$")
	var m, t uint32
	var p uint8
	if len(parts) != 6 {
		b.Fatal("the demo hash is not a PHC string")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		b.Fatal(err)
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err := errors.Join(err1, err2); err != nil {
		b.Fatal(err)
	}
	return func(string) error {
		got := xargon2.IDKey([]byte(server.DemoPassword), salt, t, m, p, uint32(len(want)))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			return errors.New("argon2id: the demo password does not match its hash")
		}
		return nil
	}
}

// BenchmarkRefresh: token refreshes (rotation) per second per CPU core, with
// parallel clients each rotating its own session; also per second of CPU
// time used, which other load on the machine disturbs less.
func BenchmarkRefresh(b *testing.B) {
	inst := servertest.Start(b)
	b.SetParallelism(4)
	n := 4 * runtime.GOMAXPROCS(0)
	tokens := make(chan string, n)
	for range n {
		var r api.AuthResponse
		call(b, inst.URL, "POST", api.PathLogin, "", api.LoginRequest{Username: "grace", Password: server.DemoPassword}, &r, http.StatusOK)
		tokens <- r.Tokens.RefreshToken
	}
	b.ResetTimer()
	cpu := processCPU()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		rt := <-tokens
		for pb.Next() {
			var t api.Tokens
			if err := do(inst.URL, "POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: rt}, &t, http.StatusOK); err != nil {
				b.Error(err)
				return
			}
			rt = t.RefreshToken
		}
		tokens <- rt
	})
	elapsed, used := time.Since(start), processCPU()-cpu
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds()/float64(runtime.NumCPU()), "refreshes/s/core")
	// Per second of CPU the process used (client included): what one core
	// does when it is not shared with other work on the machine.
	if used > 0 {
		b.ReportMetric(float64(b.N)/used.Seconds(), "refreshes/cpu_s")
	}
}

// BenchmarkPushApprovalToLongPoll: from the phone's approval request to the
// console's long-poll returning with the outcome. "sign-in": a login push,
// answered with a session (a password sign-in before each sample, outside
// the measured span); "step-up": a password_change push of a signed-in
// console, answered with a step-up token (no hash per sample, so more
// samples). Reports p50 and p99 in milliseconds.
func BenchmarkPushApprovalToLongPoll(b *testing.B) {
	login := func(b *testing.B, inst *servertest.Instance) string {
		var r api.AuthResponse
		call(b, inst.URL, "POST", api.PathLogin, "", api.LoginRequest{Username: "alice", Password: server.DemoPassword}, &r, http.StatusOK)
		return r.MFAToken
	}
	// The server allows 3 pushes a minute and 10 per 15 minutes per member:
	// each sample moves the server's clock past that window first (outside
	// the measured span), as a member would wait between sign-ins.
	const pushSpacing = 91 * time.Second
	b.Run("sign-in", func(b *testing.B) {
		clock := servertest.NewClock(time.Now())
		inst := servertest.Start(b, servertest.WithClock(clock))
		pushLatency(b, inst, inst.Demo(b, "alice").DeviceToken, max(b.N, 100), func() (string, api.ChallengeRequest) {
			clock.Advance(pushSpacing)
			return login(b, inst), api.ChallengeRequest{Method: api.MethodAppNotification}
		}, func(st api.ChallengeStatus) bool { return st.State == api.StateAuthenticated && st.Tokens != nil })
	})
	b.Run("step-up", func(b *testing.B) {
		clock := servertest.NewClock(time.Now())
		inst := servertest.Start(b, servertest.WithClock(clock))
		mfa := login(b, inst)
		var ch api.Challenge
		call(b, inst.URL, "POST", api.PathChallenges, mfa, api.ChallengeRequest{Method: api.MethodSMS}, &ch, http.StatusCreated)
		var signed api.AuthResponse
		call(b, inst.URL, "POST", api.PathChallengeVerify(ch.ChallengeID), mfa, api.VerifyRequest{Code: inst.LastCode(b, "555-0101")}, &signed, http.StatusOK)
		tokens := *signed.Tokens
		pushLatency(b, inst, inst.Demo(b, "alice").DeviceToken, max(b.N, 300), func() (string, api.ChallengeRequest) {
			// The spacing outlives an access token (15 minutes): rotate it,
			// keeping the session that the step-up is bound to.
			clock.Advance(pushSpacing)
			call(b, inst.URL, "POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: tokens.RefreshToken}, &tokens, http.StatusOK)
			return tokens.AccessToken, api.ChallengeRequest{Method: api.MethodAppNotification, Purpose: api.PurposePasswordChange}
		}, func(st api.ChallengeStatus) bool { return st.State == api.StateStepUp && st.StepUpToken != "" })
	})
}

// pushLatency takes samples of approval-to-long-poll latency: prepare gives
// the bearer and challenge request of each push, ok checks the answer.
func pushLatency(b *testing.B, inst *servertest.Instance, phone string, samples int,
	prepare func() (string, api.ChallengeRequest), ok func(api.ChallengeStatus) bool) {
	pushLatencyVia(b, inst, inst.URL, phone, samples, prepare, ok)
}

// pushLatencyVia is pushLatency with the phone's approval sent to phoneURL
// (another replica of inst's database).
func pushLatencyVia(b *testing.B, inst *servertest.Instance, phoneURL, phone string, samples int,
	prepare func() (string, api.ChallengeRequest), ok func(api.ChallengeStatus) bool) {
	lat := make([]time.Duration, 0, samples)
	b.ResetTimer()
	for range samples {
		bearer, req := prepare()
		var push api.Challenge
		call(b, inst.URL, "POST", api.PathChallenges, bearer, req, &push, http.StatusCreated)
		type answer struct {
			at  time.Time
			st  api.ChallengeStatus
			err error
		}
		done := make(chan answer, 1)
		go func() {
			var a answer
			a.err = do(inst.URL, "GET", api.PathChallenge(push.ChallengeID)+"?wait=25", bearer, nil, &a.st, http.StatusOK)
			a.at = time.Now()
			done <- a
		}()
		waitAsleep(b, inst, 1)
		start := time.Now()
		call(b, phoneURL, "POST", api.PathNotification(push.ChallengeID), phone,
			api.NotificationDecision{Decision: api.DecisionApprove, MatchNumber: push.MatchNumber}, nil, http.StatusNoContent)
		a := <-done
		if a.err != nil || a.st.Status != api.ChallengeApproved || !ok(a.st) {
			b.Fatalf("long-poll: %+v %v", a.st, a.err)
		}
		lat = append(lat, a.at.Sub(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
	b.ReportMetric(float64(len(lat)), "samples")
}
