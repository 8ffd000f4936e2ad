package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/postgres"
)

// A wake-up sent through one store reaches the listener of another on the
// same database; after its connection is killed the listener LISTENs again
// (waking everyone) and still receives.
func TestWakeReachesOtherStoreAndSurvivesReconnect(t *testing.T) {
	a := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b, err := postgres.Open(ctx, a.ConnConfig().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	topics := make(chan string, 16)
	listening := make(chan struct{}, 16)
	done := make(chan error, 1)
	go func() {
		done <- b.ListenWake(ctx, store.WakeHandlers{
			Wake: func(ts ...string) {
				for _, t := range ts {
					topics <- t
				}
			},
			WakeAll: func() { listening <- struct{}{} },
		})
	}()
	wait := func(what string, ch <-chan struct{}) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatalf("no %s", what)
		}
	}
	expect := func(want string) {
		t.Helper()
		select {
		case got := <-topics:
			if got != want {
				t.Fatalf("woke %q, want %q", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no wake-up for %s", want)
		}
	}
	wait("LISTEN", listening)
	if err := a.Wake(ctx, "challenge:c1"); err != nil {
		t.Fatal(err)
	}
	expect("challenge:c1")

	// Kill the listener's backend from outside, as a failover would.
	conn, err := pgx.ConnectConfig(ctx, a.ConnConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query ILIKE 'listen%' AND datname = current_database()`); err != nil {
		t.Fatal(err)
	}
	wait("LISTEN after the reconnection", listening)
	if err := a.Wake(ctx, "device:f1"); err != nil {
		t.Fatal(err)
	}
	expect("device:f1")
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("listener ended with %v", err)
	}
}
