package postgres

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/remotesupport/techconsole/server/store"
)

// Redact returns dsn with its passwords masked (store.DisplayName).
func Redact(dsn string) string { return store.DisplayName(dsn) }

// errorWithoutDSN replaces a parse error of the connection string by a fixed
// message: pgx masks the passwords it recognises in the string it quotes,
// but the cause it appends (net/url's error) quotes the string unmasked. A
// connect error names host, user and database, never the password.
func errorWithoutDSN(err error) error {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		return errors.New("invalid connection string (expected postgres://user:password@host:port/database?options or key=value pairs)")
	}
	return err
}
