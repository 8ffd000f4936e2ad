package main

import (
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/internal/pgtest"
)

const dbSecret = "Db-Secret-2026"

// withPassword puts dbSecret in a test database's URL (the test cluster
// trusts loopback, so the password is carried but not checked).
func withPassword(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), dbSecret)
	return u.String()
}

// The database's password, given in $AUTHSERVER_DB, appears in no log line
// of a server that starts on PostgreSQL, nor in the errors of one that cannot
// reach it or of a tool given the URL.
func TestDatabasePasswordNeverShown(t *testing.T) {
	db := withPassword(t, pgtest.NewDatabase(t))
	key := filepath.Join(t.TempDir(), "auth.key")
	p := startBinary(t, []string{"AUTHSERVER_DB=" + db}, "--addr", "127.0.0.1:0", "--key", key, "--demo",
		"--admin-password", "Bin-Admin-Pass-2026")
	start := p.waitLog("authserver starting")
	if db, _ := start["db"].(string); start["engine"] != "postgres" || !strings.Contains(db, "xxxxx") {
		t.Errorf("start line: engine %v, db %s (want postgres, the password masked)", start["engine"], strings.ReplaceAll(db, dbSecret, "<HERE>"))
	}
	p.stop()
	if strings.Contains(p.log(), dbSecret) {
		t.Errorf("the database password is in the log:\n%s", strings.ReplaceAll(p.log(), dbSecret, "<HERE>"))
	}

	unreachable := "postgres://auth:" + dbSecret + "@127.0.0.1:1/auth?connect_timeout=2"
	for _, args := range [][]string{
		{"--db", unreachable, "--key", key},
		{"--db", "postgres://auth:" + dbSecret + "@127.0.0.1:notaport/auth", "--key", key},
		{"rotate-key", "--db", unreachable},
		{"copy", "--from", filepath.Join(t.TempDir(), "none.db"), "--to", unreachable},
	} {
		out, err := exec.Command(binary(t), args...).CombinedOutput()
		if err == nil {
			t.Errorf("%s: succeeded", args[0])
		}
		if strings.Contains(string(out), dbSecret) {
			t.Errorf("%s: the password is in the output:\n%s", args[0], strings.ReplaceAll(string(out), dbSecret, "<HERE>"))
		}
	}
}

// migrate status and up work on a PostgreSQL database as on a file.
func TestMigrateOnPostgres(t *testing.T) {
	db := pgtest.NewDatabase(t)
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(binary(t), append([]string{"migrate"}, append(args, "--db", db)...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("migrate %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if out := run("status"); !strings.Contains(out, "pending") || !strings.Contains(out, "00001_init.sql") {
		t.Fatalf("status of a new database:\n%s", out)
	}
	if out := run("up"); !strings.Contains(out, "applied 00001_init.sql") {
		t.Fatalf("up:\n%s", out)
	}
	if out := run("status"); !strings.Contains(out, "up to date") {
		t.Fatalf("status after up:\n%s", out)
	}
}

// authserver copy moves a demo organisation from its SQLite file into
// PostgreSQL ($AUTHSERVER_DB), and a server then starts there with the file's
// key, seeding nothing.
func TestCopyCommand(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "auth.db")
	p := startBinary(t, nil, "--addr", "127.0.0.1:0", "--db", file, "--demo", "--admin-password", "Bin-Admin-Pass-2026")
	p.stop()
	db := pgtest.NewDatabase(t)
	cmd := exec.Command(binary(t), "copy", "--from", file)
	cmd.Env = append(cmd.Environ(), "AUTHSERVER_DB="+db)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "members") || !strings.Contains(string(out), "factors") {
		t.Fatalf("copy: %v\n%s", err, out)
	}
	q := startBinary(t, []string{"AUTHSERVER_DB=" + db}, "--addr", "127.0.0.1:0", "--key", file+".key")
	// The master administrator came along with their password hash.
	body := strings.NewReader(`{"username":"admin","password":"Bin-Admin-Pass-2026"}`)
	res, err := http.Post(q.url()+api.PathLogin, "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("admin sign-in on the copy: HTTP %d", res.StatusCode)
	}
	q.stop()
}

// rotate-key on a PostgreSQL database re-seals every secret with a new key
// and keeps the old one beside it: bob signs in with his authenticator code
// afterwards, and a replica started with the old key is refused.
func TestRotateKeyOnPostgres(t *testing.T) {
	db := pgtest.NewDatabase(t)
	key := filepath.Join(t.TempDir(), "auth.key")
	env := []string{"AUTHSERVER_ADMIN_PASSWORD=Env-Admin-Pass-2026"}
	p := startBinary(t, env, "--addr", "127.0.0.1:0", "--db", db, "--key", key, "--demo")
	first := time.Now()
	signInBob(t, newClient(t, p.url()), first)
	p.stop()

	out, err := exec.Command(binary(t), "rotate-key", "--db", db, "--key", key).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "the old key is kept in "+key+".old-") {
		t.Fatalf("rotate-key: %v\n%s", err, out)
	}
	p = startBinary(t, env, "--addr", "127.0.0.1:0", "--db", db, "--key", key)
	signInBob(t, newClient(t, p.url()), first.Add(30*time.Second))
	p.stop()

	old, err := filepath.Glob(key + ".old-*")
	if err != nil || len(old) != 1 {
		t.Fatalf("old keys: %v %v", old, err)
	}
	out, err = exec.Command(binary(t), "--addr", "127.0.0.1:0", "--db", db, "--key", old[0]).CombinedOutput()
	if err == nil || !strings.Contains(string(out), old[0]) {
		t.Errorf("a start with the old key: %v (want a refusal naming the key file)\n%s", err, out)
	}
}
