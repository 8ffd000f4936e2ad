package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// TestMembersSearch: a search finds the members whose username or display
// name holds it, case-insensitively, whichever way it is looked up (the
// trigram index for a rare search, a walk for a short or common one), and
// keeps doing so after members are renamed, deleted and added and after a
// VACUUM renumbers the members' rowids.
func TestMembersSearch(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// More members share "tech" than the index path takes.
	var all []store.Member
	for i := range searchIndexLimit + 200 {
		all = append(all, searchMember(fmt.Sprintf("tech%05d", i), fmt.Sprintf("Technician %d", i)))
	}
	all = append(all, searchMember("zoe", `Zoë "Q" O'Brien`), searchMember("percent", "100% sure_thing"))
	write(t, st, func(tx store.Tx) error {
		for _, m := range all {
			if err := tx.InsertMember(m); err != nil {
				return err
			}
		}
		return nil
	})
	searches := []string{"tech00042", "TECH0004", "ech", "ch", "zoË", `"Q"`, "o'b", "100%", "e_t", "nobody", "4"}
	checkSearches(t, st, all, searches)

	// Rename some, delete some (so that a VACUUM renumbers the rest), add one.
	write(t, st, func(tx store.Tx) error {
		for i := 0; i < 300; i += 3 {
			all[i].DisplayName = fmt.Sprintf("Renamed %d", i)
			if err := tx.UpdateMember(all[i]); err != nil {
				return err
			}
		}
		return nil
	})
	gone := map[string]bool{}
	db := st.(*sqliteStore).w
	for i := 1; i < 300; i += 7 {
		if _, err := db.ExecContext(ctx, `DELETE FROM members WHERE id = ?`, all[i].ID); err != nil {
			t.Fatal(err)
		}
		gone[all[i].ID] = true
	}
	all = slices.DeleteFunc(all, func(m store.Member) bool { return gone[m.ID] })
	if _, err := db.ExecContext(ctx, `VACUUM`); err != nil {
		t.Fatal(err)
	}
	late := searchMember("latecomer", "Renamed Later")
	write(t, st, func(tx store.Tx) error { return tx.InsertMember(late) })
	all = append(all, late)
	checkSearches(t, st, all, append(searches, "renamed", "Renamed 3", "tech00001", "later"))
}

func searchMember(username, display string) store.Member {
	return store.Member{ID: newID(prefixMember), Username: username, DisplayName: display, PasswordHash: "x",
		Roles: []api.Role{api.RoleTechnician}, ManagedGroupIDs: []string{}, CreatedAt: time.Unix(1_700_000_000, 0)}
}

func write(t *testing.T, st store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := st.Write(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// checkSearches compares the first two pages of each search, and a page
// from the middle of the list, with the members that hold it.
func checkSearches(t *testing.T, st store.Store, all []store.Member, searches []string) {
	t.Helper()
	for _, q := range searches {
		var want []string
		for _, m := range all {
			if strings.Contains(strings.ToLower(m.Username+"\x00"+m.DisplayName), strings.ToLower(q)) {
				want = append(want, m.Username)
			}
		}
		slices.Sort(want)
		for _, after := range []string{"", "tech00150", "tech03000"} {
			var page []store.Member
			err := st.Read(context.Background(), func(tx store.Tx) error {
				var err error
				page, err = tx.MembersPage(store.MemberPage{Search: q, After: after, Limit: 100})
				return err
			})
			if err != nil {
				t.Fatalf("q=%q after %q: %v", q, after, err)
			}
			var got []string
			for _, m := range page {
				got = append(got, m.Username)
			}
			from, _ := slices.BinarySearch(want, after+"\x00")
			exp := want[from:min(from+100, len(want))]
			if !slices.Equal(got, exp) {
				t.Errorf("q=%q after %q: %d members %.60v, want %d %.60v", q, after, len(got), got, len(exp), exp)
			}
		}
	}
}
