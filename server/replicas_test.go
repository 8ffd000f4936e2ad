package server_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/remotesupport/techconsole/internal/pgtest"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/postgres"
)

// Replicas started together on a new PostgreSQL database all start; one of
// them seeds it (the master administrator and the demo once).
func TestReplicasStartTogetherOnNewDatabase(t *testing.T) {
	if servertest.Postgres() {
		t.Skip("engine-independent: runs in the suite's first pass (it always runs on PostgreSQL)")
	}
	db := pgtest.NewDatabase(t)
	key := filepath.Join(t.TempDir(), "auth.key")
	// The key file exists before they start, as on replicas that share it.
	first, err := server.Open(context.Background(), server.Config{Engine: postgres.Engine{}, DBPath: db, KeyPath: key, AdminPassword: servertest.AdminPassword})
	if err != nil {
		t.Fatal(err)
	}
	first.Close()
	db = pgtest.NewDatabase(t)
	const n = 4
	srvs := make([]*server.Server, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			srvs[i], errs[i] = server.Open(context.Background(), server.Config{Engine: postgres.Engine{}, DBPath: db, KeyPath: key, Demo: true, AdminPassword: servertest.AdminPassword})
		})
	}
	wg.Wait()
	seeded := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("replica %d: %v", i, errs[i])
		}
		defer srvs[i].Close()
		if srvs[i].SeededDemo() != nil {
			seeded++
		}
	}
	if seeded != 1 {
		t.Fatalf("%d replicas seeded the demo, want 1", seeded)
	}
	var members int
	err = srvs[0].Store().Read(context.Background(), func(tx store.Tx) (err error) { members, err = tx.CountMembers(); return err })
	if err != nil || members != len(server.DemoAccounts())+1 {
		t.Fatalf("%d members (%v), want the demo's and the master administrator", members, err)
	}
}
