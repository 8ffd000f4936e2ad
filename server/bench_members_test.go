package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
	"github.com/remotesupport/techconsole/server/store"
)

// benchMembers is how many members BenchmarkMembersPage seeds.
const benchMembers = 100_000

// seedMembers inserts n technicians through the store of inst's engine (one
// transaction per 5,000), half in each of two groups, so that both a master
// administrator's and an administrator's list are long.
func seedMembers(b *testing.B, inst *servertest.Instance, groups []string, n int) {
	b.Helper()
	ctx := context.Background()
	st, err := inst.Config.Engine.Open(ctx, inst.DBPath, store.OpenOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const batch = 5000
	created := time.Now()
	for i := 0; i < n; i += batch {
		err := st.Write(ctx, func(tx store.Tx) error {
			for j := i; j < min(i+batch, n); j++ {
				m := store.Member{ID: fmt.Sprintf("mem_bench%07d", j), Username: fmt.Sprintf("tech%06d", j),
					DisplayName: fmt.Sprintf("Technician %d", j), PasswordHash: server.DemoPasswordHash,
					Roles: []api.Role{api.RoleTechnician}, GroupID: groups[j%len(groups)], ManagedGroupIDs: []string{},
					CreatedAt: created}
				if err := tx.InsertMember(m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMembersPage: GET /admin/members?limit=100 with 100,000 members,
// one request per operation; p50/max in ms over the operations.
func BenchmarkMembersPage(b *testing.B) {
	clock := servertest.NewClock(time.Now())
	inst := servertest.Start(b, servertest.WithClock(clock))
	var admin api.AuthResponse
	call(b, inst.URL, "POST", api.PathLogin, "", api.LoginRequest{Username: "admin", Password: inst.AdminPassword}, &admin, http.StatusOK)
	master := admin.Tokens.AccessToken
	var gs []api.Group
	call(b, inst.URL, "GET", api.PathAdminGroups, master, nil, &gs, http.StatusOK)
	var ids []string
	for _, g := range gs {
		ids = append(ids, g.ID)
	}
	seedMembers(b, inst, ids, benchMembers)
	if servertest.Postgres() {
		// PostgreSQL plans from statistics that autovacuum gathers within a
		// minute of a bulk load in service; gather them now.
		analyze(b, inst.DBPath)
	}
	henry := benchSignInTOTP(b, inst, clock, "henry")

	// A cursor halfway through the master's list.
	middle := url.QueryEscape(server.MemberCursor(fmt.Sprintf("tech%06d", benchMembers/2)))
	cases := []struct{ name, bearer, query string }{
		{"master/first", master, "?limit=100"},
		{"master/middle", master, "?limit=100&after=" + middle},
		{"master/search-rare", master, "?limit=100&q=tech09999"},
		{"master/search-none", master, "?limit=100&q=nobody"},
		{"master/search-common", master, "?limit=100&q=" + url.QueryEscape("Technician 7")},
		// 10,000 matches, all at the end of the username order.
		{"master/search-common-late", master, "?limit=100&q=tech09"},
		{"administrator/first", henry, "?limit=100"},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				var page []api.Member
				call(b, inst.URL, "GET", api.PathAdminMembers+tc.query, tc.bearer, nil, &page, http.StatusOK)
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50_ms")
			b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max_ms")
		})
	}
}

// benchSignInTOTP signs a demo member in with their authenticator code.
func benchSignInTOTP(b *testing.B, inst *servertest.Instance, clock *servertest.Clock, user string) string {
	b.Helper()
	var r api.AuthResponse
	call(b, inst.URL, "POST", api.PathLogin, "", api.LoginRequest{Username: user, Password: server.DemoPassword}, &r, http.StatusOK)
	var ch api.Challenge
	call(b, inst.URL, "POST", api.PathChallenges, r.MFAToken, api.ChallengeRequest{Method: api.MethodAuthenticatorApp}, &ch, http.StatusCreated)
	code, err := totp.GenerateCodeCustom(inst.Demo(b, user).TOTPSecret, clock.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		b.Fatal(err)
	}
	var out api.AuthResponse
	call(b, inst.URL, "POST", api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: code}, &out, http.StatusOK)
	return out.Tokens.AccessToken
}

// analyze gathers PostgreSQL's planner statistics of the database dsn.
func analyze(b *testing.B, dsn string) {
	b.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), "ANALYZE"); err != nil {
		b.Fatal(err)
	}
}
