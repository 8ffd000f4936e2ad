package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/server/store/postgres"
)

func TestRedactHidesPasswords(t *testing.T) {
	for _, dsn := range []string{
		"postgres://auth:s3cretpw@db.example:5432/auth?sslmode=require",
		"postgresql://auth:s3cretpw@db.example/auth?sslpassword=s3cretpw",
		"host=db.example user=auth password=s3cretpw dbname=auth",
		"host=db.example user=auth password='s3cret pw' dbname=auth",
		"postgres://auth:s3cretpw@db.example:notaport/auth",
	} {
		if got := postgres.Redact(dsn); strings.Contains(got, "s3cret") {
			t.Errorf("Redact(%q) = %q: password left in", "…", got)
		}
	}
}

// A connection string that does not parse, or a server that cannot be
// reached, is reported without the password.
func TestOpenErrorsHidePassword(t *testing.T) {
	ctx := context.Background()
	for _, dsn := range []string{
		"postgres://auth:s3cretpw@127.0.0.1:notaport/auth",
		"postgres://auth:s3cretpw@127.0.0.1:1/auth?connect_timeout=2",
		"host=127.0.0.1 port=1 user=auth password=s3cretpw connect_timeout=2",
	} {
		_, err := postgres.Open(ctx, dsn)
		if err == nil {
			t.Fatalf("opened an unreachable database")
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error carries the password: %s", strings.ReplaceAll(err.Error(), "s3cret", "<HERE>"))
		}
	}
}
