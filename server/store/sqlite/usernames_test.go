package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

// TestExistingUsernamesIndexedAtStart: members from before usernames were
// compared in PRECIS form get their key and skeleton at the next start,
// oldest first; a name PRECIS refuses, or one that is another's up to case,
// width or look-alike letters, is left unindexed, logged, and still signs in
// with its name exactly as stored, while its variants reach the older member.
func TestExistingUsernamesIndexedAtStart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// Rows as a server before migration 0016 left them: no key, no skeleton.
	names := []string{"alice", "Alice", "ａｌｉｃｅ", "a1ice", "bo\u00adb", "Carol"}
	ids := map[string]string{}
	w := st.(*sqliteStore).w
	for i, name := range names {
		id := newID(prefixMember)
		ids[name] = id
		_, err := w.ExecContext(ctx, `INSERT INTO members (id, username, display_name, password_hash, roles, created_at) VALUES (?, ?, ?, '', 'technician', ?)`,
			id, name, name, int64(1000+i))
		if err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	var logs bytes.Buffer
	st, err = Open(ctx, path, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w = st.(*sqliteStore).w
	for _, c := range []struct {
		name, key string // "" = left unindexed
	}{{"alice", "alice"}, {"Alice", ""}, {"ａｌｉｃｅ", ""}, {"a1ice", ""}, {"bo\u00adb", ""}, {"Carol", "carol"}} {
		var key sql.NullString
		if err := w.QueryRowContext(ctx, `SELECT username_key FROM members WHERE id = ?`, ids[c.name]).Scan(&key); err != nil {
			t.Fatal(err)
		}
		if key.String != c.key {
			t.Errorf("%q: username_key %q, want %q", c.name, key.String, c.key)
		}
		logged := strings.Contains(logs.String(), ids[c.name])
		if logged != (c.key == "") {
			t.Errorf("%q: logged %t, want %t:\n%s", c.name, logged, c.key == "", logs.String())
		}
	}

	for typed, want := range map[string]string{
		"alice": "alice", "ALICE": "alice", "ａＬＩＣＥ": "alice",
		"Alice": "Alice", "ａｌｉｃｅ": "ａｌｉｃｅ", "a1ice": "a1ice", "bo\u00adb": "bo\u00adb",
		"carol": "Carol", "CAROL": "Carol",
	} {
		var m store.Member
		err := st.Read(ctx, func(tx store.Tx) (err error) { m, err = tx.MemberByUsername(typed); return err })
		if err != nil || m.ID != ids[want] {
			t.Errorf("sign-in name %q reaches %q (%v), want %q", typed, m.Username, err, want)
		}
	}
	for _, typed := range []string{"bob", "A1ICE"} {
		err := st.Read(ctx, func(tx store.Tx) error { _, err := tx.MemberByUsername(typed); return err })
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("sign-in name %q: %v, want not found", typed, err)
		}
	}

	// A clashing member stays usable: saving it (a password change) works.
	err = st.Write(ctx, func(tx store.Tx) error {
		m, err := tx.Member(ids["Alice"])
		if err != nil {
			return err
		}
		m.PasswordHash, m.LastSignInAt = "changed", time.Now()
		return tx.UpdateMember(m)
	})
	if err != nil {
		t.Fatalf("update the unindexed member: %v", err)
	}
	// Renamed to a name nobody has, it is indexed; renamed to a look-alike,
	// it is refused.
	err = st.Write(ctx, func(tx store.Tx) error {
		m, err := tx.Member(ids["Alice"])
		if err != nil {
			return err
		}
		m.Username = "A1ICE"
		if err := tx.UpdateMember(m); !errors.Is(err, store.ErrDuplicate) {
			t.Errorf("rename to a look-alike of alice: %v, want ErrDuplicate", err)
		}
		m.Username = "Alicia"
		return tx.UpdateMember(m)
	})
	if err != nil {
		t.Fatal(err)
	}
	var m store.Member
	if err := st.Read(ctx, func(tx store.Tx) (err error) { m, err = tx.MemberByUsername("ALICIA"); return err }); err != nil || m.ID != ids["Alice"] {
		t.Errorf("renamed member by key: %+v %v", m, err)
	}
}
