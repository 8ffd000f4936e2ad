package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// OpenSource opens the database at path, migrated to this build's schema,
// for reading its tables row by row (authserver copy, to another engine).
// The copy must not run beside a server writing to the file.
func OpenSource(ctx context.Context, path string) (*sql.DB, error) {
	st, err := Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := st.Close(); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}
