package server_test

import (
	"context"
	"database/sql"
	"net/http"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
	"github.com/remotesupport/techconsole/server/store"
)

// sweptTables are the tables the sweep keeps bounded.
var sweptTables = []string{"challenges", "mfa_tokens", "step_up_tokens", "sessions", "access_tokens", "refresh_tokens",
	"push_tokens", "setup_backup_checks", "outbox", "failures", "audit"}

// rowCounts counts the rows of the swept tables through a connection of
// its own.
func rowCounts(t *testing.T, dbPath string) map[string]int {
	t.Helper()
	driver, dsn := "sqlite", "file:"+dbPath+"?mode=ro"
	if servertest.Postgres() {
		driver, dsn = "pgx", dbPath
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]int{}
	for _, table := range sweptTables {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

// TestSweepKeepsTablesBounded: a month of simulated days, each with full
// and password-only sign-ins, a wrong password, refreshes and an outbox
// message, a sweep at the end of each day: from the second week on no
// table holds more rows than it did at the end of the first, and the
// newest session still refreshes.
func TestSweepKeepsTablesBounded(t *testing.T) {
	c := start(t, servertest.WithConfig(func(cfg *server.Config) { cfg.AuditRetention = 7 * 24 * time.Hour }))
	ctx := context.Background()
	var firstWeek map[string]int
	var refresh string
	for day := 1; day <= 30; day++ {
		for range 2 {
			refresh = c.signInTOTP("bob").Tokens.RefreshToken
		}
		c.admin()
		c.fail("POST", api.PathLogin, "", api.LoginRequest{Username: "carol", Password: "not-her-password"}, http.StatusUnauthorized, api.CodeInvalidCredentials)
		var tokens api.Tokens
		c.ok("POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: refresh}, http.StatusOK, &tokens)
		refresh = tokens.RefreshToken
		err := c.inst.Server.Store().Write(ctx, func(tx store.Tx) error {
			return tx.InsertOutbox(api.OutboxMessage{At: c.clock.Now(), Channel: api.MethodSMS, To: "555-0100", Body: "code", Code: "123456"})
		})
		if err != nil {
			t.Fatal(err)
		}

		c.clock.Advance(6 * time.Hour)
		if _, err := c.inst.Server.Sweep(ctx); err != nil {
			t.Fatalf("day %d: %v", day, err)
		}
		// The session of the morning is still alive in the afternoon.
		c.ok("POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: refresh}, http.StatusOK, &tokens)
		c.clock.Advance(18 * time.Hour)
		if _, err := c.inst.Server.Sweep(ctx); err != nil {
			t.Fatalf("day %d: %v", day, err)
		}

		counts := rowCounts(t, c.inst.DBPath)
		switch {
		case day == 8:
			firstWeek = counts
			for _, table := range []string{"challenges", "mfa_tokens", "sessions", "refresh_tokens", "failures", "audit", "outbox"} {
				if counts[table] == 0 {
					t.Errorf("day %d: nothing in %s: the test exercises nothing there", day, table)
				}
			}
		case day > 8:
			for _, table := range sweptTables {
				if counts[table] > firstWeek[table] {
					t.Errorf("day %d: %s holds %d rows, %d after the first week", day, table, counts[table], firstWeek[table])
				}
			}
		}
	}
	t.Logf("rows after 30 days: %v", rowCounts(t, c.inst.DBPath))
}

// TestSweepRunsInTheBackground: a server that serves sweeps by itself.
func TestSweepRunsInTheBackground(t *testing.T) {
	c := start(t, servertest.WithConfig(func(cfg *server.Config) { cfg.SweepEvery = 20 * time.Millisecond }))
	c.admin()
	if n := rowCounts(t, c.inst.DBPath)["sessions"]; n == 0 {
		t.Fatal("no session to sweep")
	}
	c.clock.Advance(48 * time.Hour)
	deadline := time.Now().Add(20 * time.Second)
	for rowCounts(t, c.inst.DBPath)["sessions"] != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the expired session is still there after 20 s")
		}
		time.Sleep(20 * time.Millisecond) // polling for the sweep's result, not waiting for it to happen
	}
}
