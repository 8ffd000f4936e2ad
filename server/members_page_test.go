package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

// pages follows X-Next-Cursor from path (which has a query) to the last
// page, returning every item and how many pages it took.
func pages[T any](c *tc, path, bearer string) ([]T, int) {
	c.t.Helper()
	var all []T
	after := ""
	for n := 1; ; n++ {
		p := path
		if after != "" {
			p += "&after=" + url.QueryEscape(after)
		}
		status, h, data := c.raw("GET", p, bearer, nil)
		if status != http.StatusOK {
			c.t.Fatalf("GET %s: HTTP %d: %s", p, status, data)
		}
		var page []T
		if err := json.Unmarshal(data, &page); err != nil {
			c.t.Fatalf("GET %s: %v", p, err)
		}
		all = append(all, page...)
		if after = h.Get(api.NextCursorHeader); after == "" {
			return all, n
		}
		if n > 1000 {
			c.t.Fatalf("GET %s: more than 1000 pages", path)
		}
	}
}

func usernames(ms []api.Member) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Username)
	}
	return out
}

// TestMembersPages: the members list comes a page at a time, in username
// order, every member exactly once, for a master administrator and for an
// administrator (their technicians and themselves); ?q searches usernames
// and display names.
func TestMembersPages(t *testing.T) {
	c := start(t)
	master := c.admin()
	henry := c.signInTOTP("henry").Tokens.AccessToken

	var whole []api.Member
	c.ok("GET", api.PathAdminMembers+"?limit=1000", master, nil, http.StatusOK, &whole)
	paged, n := pages[api.Member](c, api.PathAdminMembers+"?limit=2", master)
	if !slices.Equal(usernames(paged), usernames(whole)) || n != (len(whole)+1)/2 {
		t.Errorf("pages of 2 (%d pages): %v, want %v", n, usernames(paged), usernames(whole))
	}
	if !slices.IsSorted(usernames(whole)) {
		t.Errorf("not in username order: %v", usernames(whole))
	}
	for i := range whole {
		if fmt.Sprint(whole[i]) != fmt.Sprint(paged[i]) {
			t.Errorf("member %s differs between a page of 2 and of 1000:\n%+v\n%+v", whole[i].Username, paged[i], whole[i])
		}
	}
	one := c.memberByName(master, "carol")
	var got api.Member
	c.ok("GET", api.PathAdminMember(one.ID), master, nil, http.StatusOK, &got)
	if fmt.Sprint(got) != fmt.Sprint(one) {
		t.Errorf("carol listed %+v, read alone %+v", one, got)
	}

	henrys, _ := pages[api.Member](c, api.PathAdminMembers+"?limit=1", henry)
	if want := []string{"alice", "bob", "erin", "frank", "henry"}; !slices.Equal(usernames(henrys), want) {
		t.Errorf("henry pages through %v, want %v", usernames(henrys), want)
	}

	for _, tt := range []struct {
		bearer, q string
		want      []string
	}{
		{master, "car", []string{"carol"}},
		{master, "CAR", []string{"carol"}},
		{master, "%", nil},
		{henry, "brown", []string{"bob"}}, // display name only
		{henry, "EVANS", []string{"erin"}},
		{henry, "carol", nil}, // not his to see
	} {
		var found []api.Member
		c.ok("GET", api.PathAdminMembers+"?q="+url.QueryEscape(tt.q), tt.bearer, nil, http.StatusOK, &found)
		if !slices.Equal(usernames(found), tt.want) {
			t.Errorf("q=%q: %v, want %v", tt.q, usernames(found), tt.want)
		}
	}

	for _, bad := range []string{"?limit=0", "?limit=1001", "?after=%25%25", "?q=" + url.QueryEscape(string(make([]byte, 101)))} {
		c.fail("GET", api.PathAdminMembers+bad, master, nil, http.StatusBadRequest, api.CodeValidation)
	}
}

// TestAuditPages: every audit event can be reached by following the cursor,
// not only the newest 1,000.
func TestAuditPages(t *testing.T) {
	c := start(t)
	master := c.admin()
	for range 3 {
		c.admin()
	}
	var newest []api.AuditEvent
	c.ok("GET", api.PathAdminAudit+"?limit=1000", master, nil, http.StatusOK, &newest)
	all, n := pages[api.AuditEvent](c, api.PathAdminAudit+"?limit=3", master)
	if len(all) != len(newest) || n < 2 {
		t.Fatalf("%d events in %d pages, want %d", len(all), n, len(newest))
	}
	for i := range all {
		if all[i].ID != newest[i].ID {
			t.Fatalf("event %d: id %d, want %d", i, all[i].ID, newest[i].ID)
		}
	}
	c.fail("GET", api.PathAdminAudit+"?after=x", master, nil, http.StatusBadRequest, api.CodeValidation)
}
