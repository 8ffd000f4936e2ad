package server_test

import (
	"net/http"
	"os"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/servertest"
)

// TestDatabaseFilesArePrivate: the SQLite file and its -wal and -shm
// companions hold password hashes, sealed secrets and token hashes: only the
// server's own user may read them (0600), like the key file, whatever the
// umask, from the first start on and after writes, and a database left
// readable by an older version is closed up at the next start.
func TestDatabaseFilesArePrivate(t *testing.T) {
	servertest.SQLiteOnly(t, "the modes of the SQLite file and its companions")
	c := start(t)
	db := c.inst.DBPath
	files := []string{db, db + "-wal", db + "-shm", db + ".key"}
	check := func(when string) {
		t.Helper()
		for _, f := range files {
			st, err := os.Stat(f)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			if perm := st.Mode().Perm(); perm != 0o600 {
				t.Errorf("%s: %s has mode %04o, want 0600", when, f, perm)
			}
		}
	}
	check("after start")
	c.ok("POST", api.PathLogin, "", api.LoginRequest{Username: "admin", Password: servertest.AdminPassword}, http.StatusOK, nil)
	c.loginState("grace", api.StateAuthenticated)
	check("after writes")

	for _, f := range files[:3] {
		if err := os.Chmod(f, 0o644); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	c.inst.Restart(t)
	c.loginState("grace", api.StateAuthenticated)
	check("after a restart on files left 0644")
}
