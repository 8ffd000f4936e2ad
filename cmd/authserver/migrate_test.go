package main

import (
	"compress/gzip"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/server"
)

// releaseDatabase puts the fixture into a fresh folder and returns its
// path: a database (and its key) that the release before the migration
// runner made with --demo, its migrations recorded in that release's own
// table.
func releaseDatabase(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "auth.db")
	in, err := os.Open(filepath.Join("testdata", "release-before-goose.db.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	zr, err := gzip.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenFile(db, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join("testdata", "release-before-goose.db.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db+".key", key, 0o600); err != nil {
		t.Fatal(err)
	}
	return db
}

func runBinary(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(binary(t), args...).CombinedOutput()
	return string(out), err
}

// statusLines runs migrate status and returns its migration lines (the
// header and the closing sentence left out) and the closing sentence.
func statusLines(t *testing.T, db string) ([]string, string) {
	t.Helper()
	out, err := runBinary(t, "migrate", "status", "--db", db)
	if err != nil {
		t.Fatalf("migrate status: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "VERSION") {
		t.Fatalf("migrate status:\n%s", out)
	}
	return lines[1 : len(lines)-1], lines[len(lines)-1]
}

// releaseLastMigration is the newest migration of the release that made
// testdata/release-before-goose.db.
const releaseLastMigration = "0019_sweep.sql"

// TestBinaryMigrateTakesOverARelease: a database of the release before the
// runner shows every migration of that release applied, at the time that
// release applied it, and the ones added since pending; it starts (ready,
// bob signs in) with only those run, and has nothing left to apply.
func TestBinaryMigrateTakesOverARelease(t *testing.T) {
	db := releaseDatabase(t)
	before, _ := statusLines(t, db)
	last := slices.IndexFunc(before, func(l string) bool { return strings.HasSuffix(l, releaseLastMigration) })
	if last < 0 {
		t.Fatalf("status of the release's database has no %s:\n%s", releaseLastMigration, strings.Join(before, "\n"))
	}
	for _, l := range before[:last+1] {
		if !strings.Contains(l, " applied ") || !strings.Contains(l, "2026-12-02 03:37:24") {
			t.Errorf("release's migration not applied at its time: %q", l)
		}
	}
	for _, l := range before[last+1:] {
		if !strings.Contains(l, " pending ") {
			t.Errorf("migration newer than the release not pending: %q", l)
		}
	}

	p := startBinary(t, nil, "--addr", "127.0.0.1:0", "--db", db)
	res, err := http.Get(p.url() + server.PathHealthReady)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("ready: %s", res.Status)
	}
	signInBob(t, newClient(t, p.url()), time.Now())
	p.stop()
	if ran, newer := strings.Count(p.log(), "database migration applied"), len(before)-last-1; ran != newer {
		t.Errorf("%d migrations ran on the release's database, want the %d newer ones:\n%s", ran, newer, p.log())
	}

	if out, err := runBinary(t, "migrate", "up", "--db", db); err != nil || !strings.Contains(out, "nothing to apply") {
		t.Errorf("migrate up: %v\n%s", err, out)
	}
	after, verdict := statusLines(t, db)
	if verdict != "up to date" || strings.Join(after[:last+1], "\n") != strings.Join(before[:last+1], "\n") {
		t.Errorf("status after the start (%s):\n%s\nwant the release's lines kept:\n%s", verdict, strings.Join(after, "\n"), strings.Join(before[:last+1], "\n"))
	}
}

// TestBinaryMigrateUpAndRefusals: with --migrate=false a new database is
// refused until migrate up applied its migrations; a database that a newer
// build migrated is refused by the server and by migrate up, with a
// sentence saying so, and its status names the unknown migration.
func TestBinaryMigrateUpAndRefusals(t *testing.T) {
	db := filepath.Join(t.TempDir(), "auth.db")
	out, err := runBinary(t, "--addr", "127.0.0.1:0", "--db", db, "--migrate=false")
	if err == nil || !strings.Contains(out, "migrations pending") || !strings.Contains(out, "authserver migrate up") {
		t.Fatalf("start without migrating a new database: %v\n%s", err, out)
	}
	pending, verdict := statusLines(t, db)
	if verdict != fmt.Sprintf("%d pending: the server applies them at start, or run authserver migrate up", len(pending)) {
		t.Errorf("status of a new database: %q", verdict)
	}
	if out, err := runBinary(t, "migrate", "up", "--db", db); err != nil || strings.Count(out, "applied ") != len(pending) {
		t.Fatalf("migrate up: %v\n%s", err, out)
	}
	p := startBinary(t, nil, "--addr", "127.0.0.1:0", "--db", db, "--migrate=false")
	p.stop()

	newest, _, _ := strings.Cut(pending[len(pending)-1], " ")
	newer, _ := strconv.Atoi(newest)
	newer++
	raw, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, 1)`, newer)
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("newer than this build: it has migration %d applied, and this build knows migrations up to %s only", newer, newest)
	for _, args := range [][]string{{"--addr", "127.0.0.1:0", "--db", db}, {"migrate", "up", "--db", db}} {
		out, err := runBinary(t, args...)
		if err == nil || !strings.Contains(out, want) {
			t.Errorf("%v on a newer database: %v\n%s", args, err, out)
		}
	}
	lines, verdict := statusLines(t, db)
	if !strings.Contains(lines[len(lines)-1], "unknown to this build") || !strings.HasPrefix(verdict, "the database is newer than this build") {
		t.Errorf("status of a newer database: %q, %q", lines[len(lines)-1], verdict)
	}
}
