package server_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
	"github.com/remotesupport/techconsole/server/store"
)

// BenchmarkSweepBacklog: the sweep of a backlog of 20,000 expired sign-ins
// (an mfa_token, a challenge, a session with an access and two refresh
// tokens, two audit events each), while password sign-ins run beside it:
// how long the sweep takes per 500-row batch (what a sign-in may wait for
// the write lock because of it), and the sign-ins' latency meanwhile and
// alone just before.
func BenchmarkSweepBacklog(b *testing.B) {
	const backlog = 20_000
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		clock := servertest.NewClock(time.Now())
		inst := servertest.Start(b, servertest.WithClock(clock),
			servertest.WithConfig(func(c *server.Config) { c.AuditRetention = time.Hour }))
		var member string
		err := inst.Server.Store().Read(ctx, func(tx store.Tx) error {
			m, err := tx.MemberByUsername("grace")
			member = m.ID
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		old := clock.Now().Add(-72 * time.Hour)
		for i := 0; i < backlog; i += 2000 {
			err := inst.Server.Store().Write(ctx, func(tx store.Tx) error {
				for j := i; j < i+2000; j++ {
					id := fmt.Sprintf("%08d", j)
					if err := tx.InsertMFAToken(store.MFAToken{Hash: "mfa" + id, MemberID: member, Kind: store.MFAKindChallenge, ExpiresAt: old}); err != nil {
						return err
					}
					if err := tx.InsertChallenge(store.Challenge{ID: "chl_" + id, MemberID: member, FactorID: "f", Method: api.MethodSMS,
						Purpose: api.PurposeLogin, BearerHash: "mfa" + id, Status: store.ChallengeStatusPassed, ExpiresAt: old, CreatedAt: old}); err != nil {
						return err
					}
					if err := tx.InsertSession(store.Session{ID: "ses_" + id, MemberID: member, CreatedAt: old, ExpiresAt: old}); err != nil {
						return err
					}
					if err := tx.InsertAccessToken(store.AccessToken{Hash: "acc" + id, SessionID: "ses_" + id, ExpiresAt: old}); err != nil {
						return err
					}
					for k := range 2 {
						if err := tx.InsertRefreshToken(store.RefreshToken{Hash: fmt.Sprintf("ref%s%d", id, k), SessionID: "ses_" + id, CreatedAt: old}); err != nil {
							return err
						}
						if err := tx.InsertAudit(api.AuditEvent{At: old, Kind: "sign_in.ok", MemberID: member}); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		// The same sign-ins without a sweep, for comparison in this run.
		var alone []time.Duration
		for range 8 {
			start := time.Now()
			if err := do(inst.URL, "POST", api.PathLogin, "", api.LoginRequest{Username: "grace", Password: server.DemoPassword}, nil, http.StatusOK); err != nil {
				b.Fatal(err)
			}
			alone = append(alone, time.Since(start))
		}
		slices.Sort(alone)
		b.ReportMetric(float64(alone[len(alone)/2].Microseconds())/1000, "signin_alone_p50_ms")
		stop, done := make(chan struct{}), make(chan struct{})
		var took []time.Duration
		go func() {
			defer close(done)
			for {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				if err := do(inst.URL, "POST", api.PathLogin, "", api.LoginRequest{Username: "grace", Password: server.DemoPassword}, nil, http.StatusOK); err != nil {
					b.Error(err)
					return
				}
				took = append(took, time.Since(start))
			}
		}()
		b.StartTimer()
		start := time.Now()
		rep, err := inst.Server.Sweep(ctx)
		elapsed := time.Since(start)
		b.StopTimer()
		close(stop)
		<-done
		if err != nil {
			b.Fatal(err)
		}
		rows, batches := 0, 0
		for _, n := range rep.Deleted {
			rows += n
			batches += n/500 + 1
		}
		b.ReportMetric(float64(rows), "rows")
		b.ReportMetric(float64(elapsed.Microseconds())/1000/float64(batches), "ms/batch")
		if len(took) > 0 {
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "signin_p50_ms")
			b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "signin_max_ms")
			b.ReportMetric(float64(len(took)), "signins")
		}
		b.StartTimer()
	}
}
