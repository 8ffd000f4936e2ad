package securitytest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/internal/pgtest"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

// Replicas (docs/DESIGN.md, storage): two authserver processes on one
// PostgreSQL database answer as one server. Whatever is decided once
// (a code, a refresh token) is decided once across both; the password
// throttle counts the failures of both; a push approved through one wakes
// the console's long-poll waiting on the other.

type replicas struct {
	a, b   *Proc
	device string // alice's demo phone
	// metricsA serves replica A's Prometheus metrics.
	metricsA string
}

func startReplicas(t *testing.T) *replicas {
	t.Helper()
	if servertest.Postgres() {
		t.Skip("engine-independent: runs in the suite's first pass (it always runs on PostgreSQL)")
	}
	db := pgtest.NewDatabase(t)
	key := filepath.Join(t.TempDir(), "auth.key")
	// A seeds the demo organisation; B then finds it.
	a := StartProc(t, db, procAdminPassword, "--key", key, "--metrics-addr", "127.0.0.1:0")
	r := &replicas{a: a, device: a.DeviceToken(t), metricsA: metricsURL(t, a)}
	r.b = StartProc(t, db, procAdminPassword, "--key", key)
	return r
}

var metricsField = regexp.MustCompile(`metrics=(http://\S+)`)

func metricsURL(t *testing.T, p *Proc) string {
	t.Helper()
	m := metricsField.FindStringSubmatch(p.Log())
	if m == nil {
		t.Fatalf("no metrics address in the log:\n%s", p.Log())
	}
	return m[1]
}

// gauge reads one sample of a metric from a Prometheus text page.
func gauge(t *testing.T, url, sample string) float64 {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), sample+" "); ok {
			var f float64
			fmt.Sscan(v, &f)
			return f
		}
	}
	return 0
}

// The console signs in on A and waits for the push there; the phone
// approves it through B: A's long-poll answers at once, not at its timeout.
func TestReplicasPushApprovedOnOtherReplicaWakesLongPoll(t *testing.T) {
	r := startReplicas(t)
	a, b := r.a.Peer(), r.b.Peer()
	var login api.AuthResponse
	a.OK(t, "POST", api.PathLogin, "", api.LoginRequest{Username: "alice", Password: server.DemoPassword}, http.StatusOK, &login)
	var ch api.Challenge
	a.OK(t, "POST", api.PathChallenges, login.MFAToken, api.ChallengeRequest{Method: api.MethodAppNotification}, http.StatusCreated, &ch)

	type answer struct {
		res  Resp
		took time.Duration
		err  error
	}
	polled := make(chan answer, 1)
	go func() {
		start := time.Now()
		res, err := a.Send(context.Background(), "GET", api.PathChallenge(ch.ChallengeID)+"?wait=20", login.MFAToken, nil)
		polled <- answer{res, time.Since(start), err}
	}()
	// Approve only once A's long-poll is asleep, so that the wake-up is what
	// answers it (not a read of an already approved push).
	deadline := time.Now().Add(10 * time.Second)
	for gauge(t, r.metricsA, `authserver_long_polls_open{kind="challenge"}`) < 1 {
		if time.Now().After(deadline) {
			t.Fatal("A's long-poll never went to sleep")
		}
		time.Sleep(10 * time.Millisecond)
	}
	approved := time.Now()
	b.OK(t, "POST", api.PathNotification(ch.ChallengeID), r.device,
		api.NotificationDecision{Decision: api.DecisionApprove, MatchNumber: ch.MatchNumber}, http.StatusNoContent, nil)
	got := <-polled
	if got.err != nil {
		t.Fatal(got.err)
	}
	var st api.ChallengeStatus
	if err := jsonUnmarshal(got.res.Body, &st); err != nil || st.Status != api.ChallengeApproved || st.Tokens == nil {
		t.Fatalf("A's long-poll answered %s, want approved with tokens", got.res)
	}
	if late := time.Since(approved); late > 2*time.Second {
		t.Fatalf("A's long-poll answered %s after B's approval: not woken across replicas", late)
	}
}

// Fifty verifies of one SMS code, half through each replica: one wins.
func TestReplicasFiftyVerifiesOfOneCode(t *testing.T) {
	r := startReplicas(t)
	peers := []*Peer{r.a.Peer(), r.b.Peer()}
	bob, err := servertest.Demo("bob")
	if err != nil {
		t.Fatal(err)
	}
	var login api.AuthResponse
	peers[0].OK(t, "POST", api.PathLogin, "", api.LoginRequest{Username: "bob", Password: server.DemoPassword}, http.StatusOK, &login)
	var ch api.Challenge
	peers[1].OK(t, "POST", api.PathChallenges, login.MFAToken, api.ChallengeRequest{Method: api.MethodSMS}, http.StatusCreated, &ch)
	code := outboxCode(t, peers[0], bob.Phone)
	rs := race(t, 50, func(i int) (Resp, error) {
		return peers[i%2].Send(context.Background(), "POST", api.PathChallengeVerify(ch.ChallengeID), login.MFAToken, api.VerifyRequest{Code: code})
	})
	if c := countStatus(rs); c[http.StatusOK] != 1 || c[http.StatusOK]+c[http.StatusUnauthorized]+c[http.StatusGone] != 50 {
		t.Fatalf("50 verifies of one code on two replicas: %v, want exactly one 200 and the rest refused", c)
	}
	if !strings.Contains(metricsPage(t, r.metricsA), "authserver_db_write_retries_total") {
		t.Error("replica A exports no authserver_db_write_retries_total")
	}
	t.Logf("write transactions run again on replica A: %v", gauge(t, r.metricsA, "authserver_db_write_retries_total"))
}

func metricsPage(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	return string(b)
}

// One refresh token presented to both replicas at once: one rotation wins,
// the other is a reuse, and the family (the winner's new token included)
// is revoked.
func TestReplicasRefreshTokenUsedOnBoth(t *testing.T) {
	r := startReplicas(t)
	peers := []*Peer{r.a.Peer(), r.b.Peer()}
	for round := range 5 {
		var login api.AuthResponse
		peers[0].OK(t, "POST", api.PathLogin, "", api.LoginRequest{Username: "grace", Password: server.DemoPassword}, http.StatusOK, &login)
		if login.Tokens == nil {
			t.Fatalf("grace signs in without two-step verification in the demo; got %+v", login)
		}
		rs := race(t, 2, func(i int) (Resp, error) {
			return peers[i].Send(context.Background(), "POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: login.Tokens.RefreshToken})
		})
		if c := countStatus(rs); c[http.StatusOK] != 1 || c[http.StatusUnauthorized] != 1 {
			t.Fatalf("round %d: one refresh token on both replicas: %v, want one 200 and one 401", round, c)
		}
		for _, res := range rs {
			if res.Status != http.StatusOK {
				continue
			}
			var won api.Tokens
			if err := jsonUnmarshal(res.Body, &won); err != nil {
				t.Fatal(err)
			}
			for _, p := range peers {
				p.Fail(t, "POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: won.RefreshToken}, http.StatusUnauthorized, api.CodeInvalidToken)
			}
		}
	}
}

// Wrong passwords for one member, alternating between the replicas, meet
// the per-member limit (10) as on one server; then the right password is
// refused on both.
func TestReplicasPasswordThrottleCountsBoth(t *testing.T) {
	r := startReplicas(t)
	peers := []*Peer{r.a.Peer(), r.b.Peer()}
	judged := 0
	for ; judged < 30; judged++ {
		res := peers[judged%2].Do(t, "POST", api.PathLogin, "", api.LoginRequest{Username: "bob", Password: fmt.Sprintf("guess-%d", judged)})
		if res.Status == http.StatusTooManyRequests {
			break
		}
		if res.Status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %s", judged, res)
		}
	}
	if judged != 10 {
		t.Fatalf("%d wrong passwords judged over two replicas before the limit, want 10", judged)
	}
	for _, p := range peers {
		if res := p.Do(t, "POST", api.PathLogin, "", api.LoginRequest{Username: "bob", Password: server.DemoPassword}); res.Status != http.StatusTooManyRequests {
			t.Fatalf("the right password after the limit: %s, want 429 on both replicas", res)
		}
	}
}

func outboxCode(t *testing.T, p *Peer, to string) string {
	t.Helper()
	var msgs []api.OutboxMessage
	p.OK(t, "GET", api.PathDevOutbox+"?to="+to, "", nil, http.StatusOK, &msgs)
	if len(msgs) == 0 {
		t.Fatalf("no message to %s", to)
	}
	return msgs[0].Code
}
