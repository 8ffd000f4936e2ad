package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
	"github.com/remotesupport/techconsole/server/store/sqlite"
)

func openServer(ctx context.Context, db, key string) (*server.Server, error) {
	return server.Open(ctx, server.Config{Engine: sqlite.Engine{}, DBPath: db, KeyPath: key, Demo: true, AdminPassword: servertest.AdminPassword,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// demoDatabase makes a database with the demo organisation (sealed TOTP
// secrets) and its key file beside it.
func demoDatabase(t *testing.T) (db, key string) {
	t.Helper()
	db = filepath.Join(t.TempDir(), "auth.db")
	s, err := openServer(t.Context(), db, "")
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	return db, db + ".key"
}

// A database restored without its key file used to start with a new key and
// answer every authenticator code with 500; now it does not start, and says
// which key file is missing.
func TestMissingKeyFileRefusesToStart(t *testing.T) {
	db, key := demoDatabase(t)
	if err := os.Remove(key); err != nil {
		t.Fatal(err)
	}
	_, err := openServer(t.Context(), db, "")
	if !errors.Is(err, server.ErrKeyMissing) || !strings.Contains(err.Error(), key) {
		t.Fatalf("open without the key file: %v, want ErrKeyMissing naming %s", err, key)
	}
	if _, statErr := os.Stat(key); !errors.Is(statErr, os.ErrNotExist) {
		t.Error("a new key file was made for a database with sealed secrets")
	}
}

func TestAnotherKeyRefusesToStart(t *testing.T) {
	db, key := demoDatabase(t)
	other := filepath.Join(t.TempDir(), "other.key")
	if err := os.WriteFile(other, bytes.Repeat([]byte{7}, 32), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := openServer(t.Context(), db, other)
	if !errors.Is(err, server.ErrKeyMismatch) || !strings.Contains(err.Error(), other) {
		t.Fatalf("open with another key: %v, want ErrKeyMismatch naming %s", err, other)
	}
	if s, err := openServer(t.Context(), db, key); err != nil {
		t.Fatalf("open with its own key: %v", err)
	} else {
		s.Close()
	}
}

// A database from before key checks (no check value yet) adopts the key
// file that opens its secrets, and refuses one that does not.
func TestDatabaseWithoutCheckValueAdoptsItsKey(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ownKey  bool
		wantErr error
	}{
		{"its own key", true, nil},
		{"another key", false, server.ErrKeyMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, key := demoDatabase(t)
			raw, err := sql.Open("sqlite", "file:"+db)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(`DELETE FROM key_check`); err != nil {
				t.Fatal(err)
			}
			raw.Close()
			if !tc.ownKey {
				b := make([]byte, 32)
				rand.Read(b)
				if err := os.WriteFile(key, b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			s, err := openServer(t.Context(), db, "")
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("open: %v, want %v", err, tc.wantErr)
			}
			if err == nil {
				s.Close()
			}
		})
	}
}

func TestNewDatabaseMakesItsKey(t *testing.T) {
	db := filepath.Join(t.TempDir(), "auth.db")
	s, err := server.Open(t.Context(), server.Config{Engine: sqlite.Engine{}, DBPath: db, AdminPassword: servertest.AdminPassword})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	st, err := os.Stat(db + ".key")
	if err != nil || st.Mode().Perm() != 0o600 || st.Size() != 32 {
		t.Fatalf("key file: %v %v", st, err)
	}
	// Even with nothing sealed yet, the database now belongs to that key.
	if err := os.Remove(db + ".key"); err != nil {
		t.Fatal(err)
	}
	if _, err := openServer(t.Context(), db, ""); !errors.Is(err, server.ErrKeyMissing) {
		t.Fatalf("open after losing the key: %v, want ErrKeyMissing", err)
	}
}

func TestRotateKeyKeepsAuthenticatorsWorking(t *testing.T) {
	servertest.SQLiteOnly(t, "rotate-key works on a SQLite file")
	c := start(t)
	c.signInTOTP("bob")
	c.inst.Stop()
	key := c.inst.DBPath + ".key"
	before, _ := os.ReadFile(key)

	res, err := server.RotateKey(t.Context(), sqlite.Engine{}, c.inst.DBPath, "", c.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res.Secrets < 5 { // the demo has five authenticator factors
		t.Errorf("%d secrets sealed again, want every demo authenticator", res.Secrets)
	}
	after, _ := os.ReadFile(key)
	kept, _ := os.ReadFile(res.OldKeyPath)
	if bytes.Equal(before, after) || !bytes.Equal(before, kept) || len(after) != 32 {
		t.Fatalf("key files after rotation: the new key must replace the old one, kept as %s", res.OldKeyPath)
	}
	if st, err := os.Stat(key); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("new key file mode: %v %v", st, err)
	}
	c.inst.Restart(t)
	c.signInTOTP("bob")
	c.signInTOTP("carol")

	// An old key no longer fits.
	if _, err := openServer(t.Context(), c.inst.DBPath, res.OldKeyPath); !errors.Is(err, server.ErrKeyMismatch) {
		t.Errorf("open with the old key: %v, want ErrKeyMismatch", err)
	}
}

// A rotation stopped after its transaction, before the new key file took the
// old one's place: the server refuses to start and says so; rotate-key run
// again finishes the job.
func TestInterruptedRotationIsFinished(t *testing.T) {
	db, key := demoDatabase(t)
	now := time.Now()
	res, err := server.RotateKey(t.Context(), sqlite.Engine{}, db, "", now)
	if err != nil {
		t.Fatal(err)
	}
	// Put the files back as they were between the commit and the renames.
	if err := os.Rename(key, key+".new"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(res.OldKeyPath, key); err != nil {
		t.Fatal(err)
	}
	_, err = openServer(t.Context(), db, "")
	if !errors.Is(err, server.ErrKeyMismatch) || !strings.Contains(err.Error(), "rotate-key") {
		t.Fatalf("open after an interrupted rotation: %v, want a mismatch that points at rotate-key", err)
	}
	res2, err := server.RotateKey(t.Context(), sqlite.Engine{}, db, "", now.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if res2.Secrets != 0 || res2.OldKeyPath == "" {
		t.Errorf("finishing: %+v, want the files swapped and nothing sealed again", res2)
	}
	s, err := openServer(t.Context(), db, "")
	if err != nil {
		t.Fatalf("open after finishing the rotation: %v", err)
	}
	s.Close()
}

// A backup taken while the server runs restores into a server where an
// authenticator code signs in.
func TestBackupRestoresWithItsKey(t *testing.T) {
	servertest.SQLiteOnly(t, "backup copies a SQLite file (PostgreSQL has pg_dump)")
	c := start(t)
	c.signInTOTP("bob")
	to := filepath.Join(t.TempDir(), "copy.db")
	if err := server.Backup(t.Context(), sqlite.Engine{}, c.inst.DBPath, "", to); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(to + ".key"); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup key: %v %v", st, err)
	}
	if err := server.Backup(t.Context(), sqlite.Engine{}, c.inst.DBPath, "", to); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("a second backup onto the same name: %v, want a refusal", err)
	}

	dir := t.TempDir()
	restore := func(from, name string) {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	restore(to, "auth.db")
	restore(to+".key", "auth.db.key")
	r := start(t, servertest.WithConfig(func(cfg *server.Config) { cfg.DBPath = filepath.Join(dir, "auth.db") }))
	r.clock.Set(c.clock.Now()) // bob's last time step stays used
	r.signInTOTP("bob")
	if got := r.login("bob", server.DemoPassword); got.State != api.StateMFARequired {
		t.Errorf("bob on the restored server: %+v", got)
	}
}

func TestBackupNeedsTheKey(t *testing.T) {
	db, key := demoDatabase(t)
	os.Remove(key)
	to := filepath.Join(t.TempDir(), "copy.db")
	if err := server.Backup(t.Context(), sqlite.Engine{}, db, "", to); err == nil || !strings.Contains(err.Error(), key) {
		t.Fatalf("backup without the key: %v, want an error naming %s", err, key)
	}
	if _, err := os.Stat(to); !errors.Is(err, os.ErrNotExist) {
		t.Error("a copy without its key was left behind")
	}
}
