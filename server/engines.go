package server

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/postgres"
)

// IsPostgres reports whether db (Config.DBPath, --db) names a PostgreSQL
// database rather than a SQLite file.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// DBName is db as it may appear in messages and logs: a PostgreSQL
// connection string without its password.
func DBName(db string) string {
	if IsPostgres(db) {
		return postgres.Redact(db)
	}
	return db
}

// openStore opens the engine cfg.DBPath names and brings its schema up to
// date: a PostgreSQL URL, else a SQLite file.
func openStore(ctx context.Context, cfg Config, log *slog.Logger) (store.Store, *postgres.Store, error) {
	if !IsPostgres(cfg.DBPath) {
		st, err := OpenSQLite(ctx, cfg.DBPath, WithSQLiteLogger(log))
		return st, nil, err
	}
	if cfg.KeyPath == "" {
		return nil, nil, errors.New("server: with a PostgreSQL database the key file must be given (--key): every replica needs the same one")
	}
	pg, err := postgres.Open(ctx, cfg.DBPath)
	if err != nil {
		return nil, nil, err
	}
	if err := pg.Migrate(ctx); err != nil {
		pg.Close()
		return nil, nil, err
	}
	return pg, pg, nil
}
