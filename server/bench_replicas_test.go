package server_test

import (
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/internal/pgtest"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
	"github.com/remotesupport/techconsole/server/store/postgres"
)

// BenchmarkPushApprovalAcrossReplicas: the console's long-poll waits on
// replica A while the phone approves through replica B, both on one
// PostgreSQL database: B's commit reaches A's long-poll through
// LISTEN/NOTIFY. Reports p50 and p99 in milliseconds (goal: p99 < 50 ms).
func BenchmarkPushApprovalAcrossReplicas(b *testing.B) {
	db, key := pgtest.NewDatabase(b), filepath.Join(b.TempDir(), "auth.key")
	clock := servertest.NewClock(time.Now())
	shared := servertest.WithConfig(func(cfg *server.Config) { cfg.Engine, cfg.DBPath, cfg.KeyPath = postgres.Engine{}, db, key })
	a := servertest.Start(b, servertest.WithClock(clock), shared)
	replicaB := servertest.Start(b, servertest.WithClock(clock), shared)
	const pushSpacing = 91 * time.Second // see BenchmarkPushApprovalToLongPoll
	pushLatencyVia(b, a, replicaB.URL, a.Demo(b, "alice").DeviceToken, max(b.N, 100), func() (string, api.ChallengeRequest) {
		clock.Advance(pushSpacing)
		var r api.AuthResponse
		call(b, a.URL, "POST", api.PathLogin, "", api.LoginRequest{Username: "alice", Password: server.DemoPassword}, &r, http.StatusOK)
		return r.MFAToken, api.ChallengeRequest{Method: api.MethodAppNotification}
	}, func(st api.ChallengeStatus) bool { return st.State == api.StateAuthenticated && st.Tokens != nil })
}
