package postgres

import (
	"context"
	"fmt"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// provider is the goose runner over the embedded migrations. A session
// advisory lock makes replicas that start together migrate one at a time.
func (s *Store) provider() (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("migrations lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s.db, Migrations(),
		goose.WithTableName(versionTable), goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Migrate applies the migrations the database lacks. It refuses a database
// that a newer build has migrated further than this one knows.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return s.checkNotNewer(ctx, p)
}

func (s *Store) checkNotNewer(ctx context.Context, p *goose.Provider) error {
	have, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	want, err := latestMigration()
	if err != nil {
		return err
	}
	if have > want {
		return fmt.Errorf("database schema is at migration %d, newer than this build (%d): run a newer authserver", have, want)
	}
	return nil
}
