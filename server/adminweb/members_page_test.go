package adminweb_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/servertest"
	"github.com/remotesupport/techconsole/server/store"
)

// TestMembersPageByPage: the Organisation page shows a page of members at a
// time with a link to the next, and a search.
func TestMembersPageByPage(t *testing.T) {
	inst := servertest.Start(t)
	ctx := context.Background()
	var gs []api.Group
	tok := login(t, inst, "admin", inst.AdminPassword).Tokens.AccessToken
	if st := apiJSON(t, inst, http.MethodGet, api.PathAdminGroups, tok, nil, &gs); st != http.StatusOK {
		t.Fatalf("groups: HTTP %d", st)
	}
	demo := len(memberIDs(t, inst))
	err := inst.Server.Store().Write(ctx, func(tx store.Tx) error {
		for i := range 150 {
			if err := tx.InsertMember(store.Member{ID: fmt.Sprintf("mbr_page%04d", i), Username: fmt.Sprintf("zz%03d", i),
				DisplayName: fmt.Sprintf("Paged %d", i), PasswordHash: "x", Roles: []api.Role{api.RoleTechnician},
				GroupID: gs[0].ID, ManagedGroupIDs: []string{}, CreatedAt: time.Now()}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, inst)
	b.signIn("admin", inst.AdminPassword)
	rows := regexp.MustCompile(`<tr id="member-([^"]+)"`)
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">Next page</a>`)
	var seen []string
	path := "/admin/members"
	for pages := 1; ; pages++ {
		status, body := b.get(path)
		if status != http.StatusOK {
			t.Fatalf("GET %s: HTTP %d", path, status)
		}
		found := rows.FindAllStringSubmatch(body, -1)
		if len(found) == 0 || len(found) > 100 {
			t.Fatalf("page %d: %d rows", pages, len(found))
		}
		for _, f := range found {
			seen = append(seen, f[1])
		}
		m := next.FindStringSubmatch(body)
		if m == nil {
			if pages < 2 || !strings.Contains(body, "First page") {
				t.Errorf("page %d is the last, with no link back to the first", pages)
			}
			break
		}
		path = html.UnescapeString(m[1])
	}
	if len(seen) != demo+150 || seen[len(seen)-1] != "zz149" {
		t.Errorf("%d rows over the pages, the last %s", len(seen), seen[len(seen)-1])
	}

	_, body := b.get("/admin/members?q=Paged+14")
	found := rows.FindAllStringSubmatch(body, -1)
	if len(found) != 11 || next.MatchString(body) { // "Paged 14" and "Paged 140" to "Paged 149"
		t.Errorf("search: %d rows, next link %t", len(found), next.MatchString(body))
	}
	if _, body := b.get("/admin/members?q=nobody-at-all"); !strings.Contains(body, "No member matches") {
		t.Errorf("empty search: no message")
	}
}

// TestAuditOlderEvents: past the newest thousand, "Older events" reaches
// the rest of the audit log.
func TestAuditOlderEvents(t *testing.T) {
	inst := servertest.Start(t)
	ctx := context.Background()
	err := inst.Server.Store().Write(ctx, func(tx store.Tx) error {
		for i := range 1100 {
			if err := tx.InsertAudit(api.AuditEvent{At: time.Now(), Kind: "test.old", Detail: fmt.Sprintf("event %d", i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, inst)
	b.signIn("admin", inst.AdminPassword)
	_, body := b.get("/admin/audit")
	m := regexp.MustCompile(`<a href="([^"]+)" rel="next">Older events</a>`).FindStringSubmatch(body)
	if m == nil || strings.Contains(body, ">event 0<") {
		t.Fatalf("the newest thousand: older link %v, oldest event shown %t", m, strings.Contains(body, ">event 0<"))
	}
	_, body = b.get(html.UnescapeString(m[1]))
	if !strings.Contains(body, ">event 0<") || !strings.Contains(body, "Newest events") || strings.Contains(body, "Older events") {
		t.Errorf("the older page lacks the oldest event or the links:\n%s", body)
	}
}
