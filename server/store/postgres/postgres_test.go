package postgres_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/internal/pgtest"
	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/postgres"
)

// openStore opens the engine on a fresh database with the schema applied.
func openStore(t *testing.T) *postgres.Store {
	t.Helper()
	ctx := context.Background()
	s, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping after migrating: %v", err)
	}
	return s
}

func seedMember(t *testing.T, s store.Store, id, username string) {
	t.Helper()
	err := s.Write(context.Background(), func(tx store.Tx) error {
		return tx.InsertMember(store.Member{ID: id, Username: username, DisplayName: "D " + username, PasswordHash: "h",
			Roles: []api.Role{api.RoleTechnician}, CreatedAt: time.Now()})
	})
	if err != nil {
		t.Fatalf("insert member: %v", err)
	}
}

func TestMembersRoundTrip(t *testing.T) {
	s := openStore(t)
	seedMember(t, s, "m1", "Alice")
	seedMember(t, s, "m2", "bob")
	err := s.Write(context.Background(), func(tx store.Tx) error {
		return tx.InsertMember(store.Member{ID: "m3", Username: "ALICE", PasswordHash: "h", CreatedAt: time.Now()})
	})
	if !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("a name equal up to case: %v, want ErrDuplicate", err)
	}
	err = s.Read(context.Background(), func(tx store.Tx) error {
		m, err := tx.MemberByUsername("alice")
		if err != nil || m.ID != "m1" || !m.HasRole(api.RoleTechnician) {
			t.Errorf("by username: %+v %v", m, err)
		}
		page, err := tx.MembersPage(store.MemberPage{Search: "d B", Limit: 10})
		if err != nil || len(page) != 1 || page[0].ID != "m2" {
			t.Errorf("search page: %+v %v", page, err)
		}
		fs, err := tx.FactorsOf([]string{"m1", "m2"})
		if err != nil || len(fs) != 0 {
			t.Errorf("factors of: %v %v", fs, err)
		}
		if _, err := tx.Member("nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing member: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFailuresAndSweep(t *testing.T) {
	s := openStore(t)
	now := time.Now()
	err := s.Write(context.Background(), func(tx store.Tx) error {
		for i := range 3 {
			if _, err := tx.InsertFailure(store.Failure{At: now.Add(time.Duration(i) * time.Second), Kind: "password", Subject: "alice", ClientAddress: "a"}); err != nil {
				return err
			}
		}
		id, err := tx.InsertFailure(store.Failure{At: now, Kind: "password", Subject: "alice", ClientAddress: "a", Provisional: true})
		if err != nil {
			return err
		}
		w, err := tx.RecentFailures(store.FailureFilter{Subject: "alice", Kind: "password"}, now.Add(-time.Minute), now.Add(-time.Minute), 10)
		if err != nil {
			return err
		}
		if len(w.Counted) != 3 || w.InFlight != 1 {
			t.Errorf("window %+v", w)
		}
		if err := tx.ConfirmFailure(id, now); err != nil {
			return err
		}
		n, err := tx.Sweep(store.SweepFailures, now.Add(time.Hour), 100)
		if err != nil || n != 4 {
			t.Errorf("sweep: %d %v", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Fifty requests spend one refresh token at once: one wins, the others
// see it spent, none fails for the conflict (Write runs it again).
func TestSingleUseUnderConcurrentWrites(t *testing.T) {
	s := openStore(t)
	seedMember(t, s, "m1", "alice")
	ctx := context.Background()
	err := s.Write(ctx, func(tx store.Tx) error {
		if err := tx.InsertSession(store.Session{ID: "s1", MemberID: "m1", CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			return err
		}
		return tx.InsertRefreshToken(store.RefreshToken{Hash: "r1", SessionID: "s1", CreatedAt: time.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	var wins, spent atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			err := s.Write(ctx, func(tx store.Tx) error {
				r, err := tx.RefreshToken("r1")
				if err != nil {
					return err
				}
				if !r.UsedAt.IsZero() {
					spent.Add(1)
					return nil
				}
				if err := tx.UseRefreshToken("r1", time.Now()); err != nil {
					return err
				}
				wins.Add(1)
				return nil
			})
			if err != nil {
				t.Errorf("write: %v", err)
			}
		})
	}
	wg.Wait()
	t.Logf("retries: %d", s.Retries())
	if wins.Load() != 1 || spent.Load() != 49 {
		t.Fatalf("wins %d spent %d", wins.Load(), spent.Load())
	}
}

// Ping (the readiness check) fails while a migration this build knows is
// missing; a database migrated by a newer build is refused at start.
func TestPingAndNewerSchema(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	if _, err := s.DB().ExecContext(ctx, `DELETE FROM goose_db_version WHERE version_id = (SELECT MAX(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err == nil {
		t.Fatal("ready with a migration missing")
	}
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (1, true), (999, true)`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err == nil || !strings.Contains(err.Error(), "newer than this build") {
		t.Fatalf("migrate on a newer database: %v, want a refusal", err)
	}
}
