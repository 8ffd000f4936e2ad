package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/migrate"
)

// migrationsLock is the advisory lock key (the ASCII of "authmigr") that
// replicas starting together on one database take around the migrations, so
// that one applies them and the others then find them applied.
const migrationsLock int64 = 0x617574686d696772

func (s *Store) runner() (*migrate.Runner, error) {
	return migrate.New(s.db, migrate.Postgres, Migrations())
}

// Migrate applies the migrations the database lacks and returns them. It
// refuses a database that a newer build has migrated further than this one.
func (s *Store) Migrate(ctx context.Context) ([]store.Migration, error) {
	r, err := s.runner()
	if err != nil {
		return nil, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationsLock); err != nil {
		return nil, fmt.Errorf("migrations: lock: %w", err)
	}
	defer unlock(conn)
	return r.Up(ctx)
}

func unlock(conn *sql.Conn) {
	// A session lock ends with its connection too; closing it would do.
	conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationsLock)
}

// Migrations lists the database's migrations without changing it.
func (s *Store) Migrations(ctx context.Context) ([]store.Migration, error) {
	r, err := s.runner()
	if err != nil {
		return nil, err
	}
	return r.Status(ctx)
}

// Ping says whether the database answers and has every migration this
// build knows applied, and none it does not (the readiness check).
func (s *Store) Ping(ctx context.Context) error {
	r, err := s.runner()
	if err != nil {
		return err
	}
	if err := r.Check(ctx); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	return nil
}
