// Package pgtest gives tests a database of their own on the throwaway
// PostgreSQL cluster that scripts/test-env.sh starts for a test run.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables set by scripts/test-env.sh.
const (
	// EnvURL holds the cluster's URL (its maintenance database).
	EnvURL = "AUTHSERVER_TEST_POSTGRES"
	// EnvRequire makes a test that finds no cluster fail instead of skipping:
	// inside `make test` PostgreSQL is part of the suite.
	EnvRequire = "AUTHSERVER_REQUIRE_POSTGRES"
)

// Available reports whether a test cluster is configured.
func Available() bool { return os.Getenv(EnvURL) != "" }

// ClusterURL returns the test cluster's URL, or skips t (fails it inside
// `make test`) when there is none.
func ClusterURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(EnvURL)
	if u != "" {
		return u
	}
	if os.Getenv(EnvRequire) != "" {
		tb.Fatalf("PostgreSQL is required here (%s set) but %s is empty: scripts/test-env.sh could not start a cluster", EnvRequire, EnvURL)
	}
	tb.Skipf("no PostgreSQL: %s is not set (run through scripts/test-env.sh, which starts a throwaway cluster)", EnvURL)
	return ""
}

// NewDatabase creates an empty database with a unique name on the test
// cluster, drops it when the test ends, and returns its URL.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	base := ClusterURL(tb)
	name := "t_" + randomHex(tb, 8)
	if err := admin(base, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		// FORCE: a server under test may still hold pooled connections.
		if err := admin(base, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop test database: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("test cluster URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

func admin(base, stmt string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return fmt.Errorf("connect to the test cluster: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, stmt); err != nil {
		return err
	}
	return nil
}

func randomHex(tb testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		tb.Fatalf("random name: %v", err)
	}
	return hex.EncodeToString(b)
}
