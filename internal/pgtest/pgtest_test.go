package pgtest_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/remotesupport/techconsole/internal/pgtest"
)

// Two tests get two databases, each empty and usable.
func TestNewDatabaseIsFreshAndSeparate(t *testing.T) {
	a, b := pgtest.NewDatabase(t), pgtest.NewDatabase(t)
	if a == b {
		t.Fatalf("both tests got %s", a)
	}
	ctx := context.Background()
	for _, u := range []string{a, b} {
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&n); err != nil {
			t.Fatalf("query: %v", err)
		}
		conn.Close(ctx)
		if n != 0 {
			t.Errorf("a new database has %d tables", n)
		}
	}
}
