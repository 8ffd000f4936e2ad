package client_test

import (
	"context"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/server/servertest"
)

// TestAdminAPI drives the Admin Center calls as the master administrator.
func TestAdminAPI(t *testing.T) {
	srv := servertest.Start(t)
	ctx := context.Background()
	c := newClient(t, srv.URL)
	login, err := c.Login(ctx, "admin", srv.AdminPassword)
	if err != nil || login.State != api.StateAuthenticated {
		t.Fatalf("admin login: %+v %v", login, err)
	}
	tok := login.Tokens.AccessToken
	st, err := c.Settings(ctx, tok)
	if err != nil || st.PrimaryMethod != api.MethodAppNotification || st.Technicians != api.TechniciansSelectedGroups {
		t.Fatalf("settings: %+v %v", st, err)
	}
	groups, err := c.Groups(ctx, tok)
	if err != nil || len(groups) != 3 {
		t.Fatalf("groups: %+v %v", groups, err)
	}
	on := true
	name := "Night Shift"
	g, err := c.CreateGroup(ctx, tok, api.GroupRequest{Name: &name, EnforceTwoStep: &on})
	if err != nil || !g.EnforceTwoStep {
		t.Fatalf("create group: %+v %v", g, err)
	}
	off := false
	if g, err = c.UpdateGroup(ctx, tok, g.ID, api.GroupRequest{EnforceTwoStep: &off}); err != nil || g.EnforceTwoStep {
		t.Fatalf("update group: %+v %v", g, err)
	}
	members, err := c.Members(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	var bobID string
	for _, m := range members {
		if m.Username == "bob" {
			bobID = m.ID
		}
	}
	if bobID == "" {
		t.Fatalf("bob not among %d members", len(members))
	}
	if m, err := c.Member(ctx, tok, bobID); err != nil || m.Username != "bob" {
		t.Fatalf("member: %+v %v", m, err)
	}
	uname, pw, roles := "ivan", "Ivan-Pass-2026!", []api.Role{api.RoleTechnician}
	m, err := c.CreateMember(ctx, tok, api.MemberRequest{Username: &uname, Password: &pw, DisplayName: &uname, Roles: &roles, GroupID: &g.ID})
	if err != nil || m.Username != "ivan" {
		t.Fatalf("create member: %+v %v", m, err)
	}
	phone := "555-0150"
	if m, err = c.UpdateMember(ctx, tok, m.ID, api.MemberRequest{Phone: &phone}); err != nil || m.Phone != phone {
		t.Fatalf("update member: %+v %v", m, err)
	}
	if err := c.ResetTwoStep(ctx, tok, bobID); err != nil {
		t.Fatal(err)
	}
	bobLogin, err := c.Login(ctx, "bob", "Demo-Pass-2026")
	if err != nil || bobLogin.State != api.StateMFASetupRequired || !bobLogin.Reset {
		t.Fatalf("bob after reset: %+v %v", bobLogin, err)
	}
	events, err := c.Audit(ctx, tok, 5)
	if err != nil || len(events) == 0 || len(events) > 5 {
		t.Fatalf("audit: %d %v", len(events), err)
	}
	st.PrimaryMethod = api.MethodSMS
	out, err := c.PutSettings(ctx, tok, *st)
	if err != nil || out.ResetMembers == nil || *out.ResetMembers == 0 {
		t.Fatalf("put settings: %+v %v", out, err)
	}
	// A technician is refused.
	if _, err := c.Settings(ctx, bobLogin.MFAToken); err == nil {
		t.Fatal("an mfa_token read the settings")
	}
	if _, err := c.Outbox(ctx, ""); err != nil {
		t.Fatal(err)
	}
}

// TestAdminPages: the client pages through members (with a search) and the
// audit log by the server's cursor.
func TestAdminPages(t *testing.T) {
	srv := servertest.Start(t)
	ctx := context.Background()
	c := newClient(t, srv.URL)
	login, err := c.Login(ctx, "admin", srv.AdminPassword)
	if err != nil || login.State != api.StateAuthenticated {
		t.Fatalf("admin login: %+v %v", login, err)
	}
	tok := login.Tokens.AccessToken
	all, err := c.Members(ctx, tok)
	if err != nil || len(all) < 3 {
		t.Fatalf("members: %d %v", len(all), err)
	}
	var paged []api.Member
	mq := client.MembersQuery{Limit: 2}
	for pages := 1; ; pages++ {
		page, next, err := c.MembersPage(ctx, tok, mq)
		if err != nil || len(page) > 2 || pages > len(all) {
			t.Fatalf("page %d: %d members, %v", pages, len(page), err)
		}
		paged = append(paged, page...)
		if next == "" {
			break
		}
		mq.After = next
	}
	if len(paged) != len(all) || paged[len(paged)-1].ID != all[len(all)-1].ID {
		t.Errorf("paged %d members, listed %d", len(paged), len(all))
	}
	found, next, err := c.MembersPage(ctx, tok, client.MembersQuery{Search: "Brown"})
	if err != nil || next != "" || len(found) != 1 || found[0].Username != "bob" {
		t.Errorf("search Brown: %+v %q %v", found, next, err)
	}
	if _, err := c.Login(ctx, "admin", srv.AdminPassword); err != nil {
		t.Fatal(err)
	}
	newest, next, err := c.AuditPage(ctx, tok, 1, "")
	if err != nil || len(newest) != 1 || next == "" {
		t.Fatalf("audit page: %+v %q %v", newest, next, err)
	}
	older, _, err := c.AuditPage(ctx, tok, 1, next)
	if err != nil || len(older) != 1 || older[0].ID >= newest[0].ID {
		t.Errorf("next audit page: %+v after %+v, %v", older, newest, err)
	}
}
