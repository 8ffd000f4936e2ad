package server_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
)

// TestAdministratorOutsideTheirGroups: henry manages Support Desk only.
func TestAdministratorOutsideTheirGroups(t *testing.T) {
	c := start(t)
	master := c.admin()
	henry := c.signInTOTP("henry").Tokens.AccessToken
	carol := c.memberByName(master, "carol") // Field Services
	bob := c.memberByName(master, "bob")     // Support Desk
	field := c.groupByName(master, "Field Services")
	support := c.groupByName(master, "Support Desk")

	var listed []api.Member
	c.ok("GET", api.PathAdminMembers, henry, nil, http.StatusOK, &listed)
	var names []string
	for _, m := range listed {
		names = append(names, m.Username)
	}
	if !slices.Equal(names, []string{"alice", "bob", "erin", "frank", "henry"}) {
		t.Errorf("henry sees %v", names)
	}
	var groups []api.Group
	c.ok("GET", api.PathAdminGroups, henry, nil, http.StatusOK, &groups)
	if len(groups) != 1 || groups[0].ID != support.ID {
		t.Errorf("henry sees groups %+v", groups)
	}

	forbidden := []struct {
		name         string
		method, path string
		body         any
	}{
		{"reset outside", "POST", api.PathAdminMemberReset(carol.ID), nil},
		{"edit outside", "PATCH", api.PathAdminMember(carol.ID), api.MemberRequest{Phone: ptr("555-0199")}},
		{"read outside", "GET", api.PathAdminMember(carol.ID), nil},
		{"create outside", "POST", api.PathAdminMembers, api.MemberRequest{Username: ptr("newbie"), Password: ptr("Long-Enough-2026"), GroupID: ptr(field.ID)}},
		{"create an administrator", "POST", api.PathAdminMembers, api.MemberRequest{Username: ptr("boss"), Password: ptr("Long-Enough-2026"),
			GroupID: ptr(support.ID), Roles: &[]api.Role{api.RoleAdministrator, api.RoleTechnician}}},
		{"change roles", "PATCH", api.PathAdminMember(bob.ID), api.MemberRequest{Roles: &[]api.Role{api.RoleAdministrator}}},
		{"move group", "PATCH", api.PathAdminMember(bob.ID), api.MemberRequest{GroupID: ptr(field.ID)}},
		{"change settings", "PUT", api.PathAdminSettings, api.TwoStepSettings{Technicians: api.TechniciansNone, PrimaryMethod: api.MethodSMS}},
		{"create group", "POST", api.PathAdminGroups, api.GroupRequest{Name: ptr("Mine")}},
		{"edit group", "PATCH", api.PathAdminGroup(support.ID), api.GroupRequest{EnforceTwoStep: ptr(false)}},
		{"read audit", "GET", api.PathAdminAudit, nil},
	}
	for _, tt := range forbidden {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			c.fail(tt.method, tt.path, henry, tt.body, http.StatusForbidden, api.CodeForbidden)
		})
	}
	c.t = t
	// Nothing changed.
	if got := c.memberByName(master, "carol"); got.Phone != carol.Phone || len(got.Factors) != len(carol.Factors) || got.Factors[0].Status != api.FactorActive {
		t.Errorf("carol changed: %+v", got)
	}

	// Inside his group he may create, edit contact details, set passwords and reset.
	var created api.Member
	c.ok("POST", api.PathAdminMembers, henry, api.MemberRequest{Username: ptr("ivan"), Password: ptr("Ivan-Pass-2026"),
		DisplayName: ptr("Ivan Ives"), GroupID: ptr(support.ID), Email: ptr("ivan@example.com")}, http.StatusCreated, &created)
	if !slices.Equal(created.Roles, []api.Role{api.RoleTechnician}) || created.GroupID != support.ID || !created.TwoStepRequired || len(created.Factors) != 0 {
		t.Errorf("created = %+v", created)
	}
	var edited api.Member
	c.ok("PATCH", api.PathAdminMember(bob.ID), henry, api.MemberRequest{Phone: ptr("555-0177"), Password: ptr("Bob-New-Pass-2026")}, http.StatusOK, &edited)
	if edited.Phone != "555-0177" {
		t.Errorf("edited = %+v", edited)
	}
	// The contact phone is not a factor: bob's SMS factor still goes to the old number.
	for _, f := range edited.Factors {
		if f.Method == api.MethodSMS && f.Label != "Text message to ***0102" {
			t.Errorf("a contact detail changed a factor: %+v", f)
		}
	}
	c.fail("POST", api.PathLogin, "", api.LoginRequest{Username: "bob", Password: server.DemoPassword}, http.StatusUnauthorized, api.CodeInvalidCredentials)
	if r := c.login("bob", "Bob-New-Pass-2026"); r.State != api.StateMFARequired {
		t.Errorf("bob with the new password: %+v", r)
	}
	c.ok("POST", api.PathAdminMemberReset(bob.ID), henry, nil, http.StatusNoContent, nil)

	// A technician is no administrator.
	grace := c.loginState("grace", api.StateAuthenticated).Tokens.AccessToken
	c.fail("GET", api.PathAdminMembers, grace, nil, http.StatusForbidden, api.CodeForbidden)
	c.fail("GET", api.PathAdminSettings, grace, nil, http.StatusForbidden, api.CodeForbidden)
}

func TestMasterAdministratorManagesEverything(t *testing.T) {
	c := start(t)
	master := c.admin()
	var st api.TwoStepSettings
	c.ok("GET", api.PathAdminSettings, master, nil, http.StatusOK, &st)
	if st.MasterAdministrators || !st.Administrators || st.Technicians != api.TechniciansSelectedGroups || st.PrimaryMethod != api.MethodAppNotification {
		t.Errorf("demo settings = %+v", st)
	}
	var g api.Group
	c.ok("POST", api.PathAdminGroups, master, api.GroupRequest{Name: ptr("Night Shift"), EnforceTwoStep: ptr(true)}, http.StatusCreated, &g)
	c.fail("POST", api.PathAdminGroups, master, api.GroupRequest{Name: ptr("Night Shift")}, http.StatusConflict, api.CodeConflict)
	c.ok("PATCH", api.PathAdminGroup(g.ID), master, api.GroupRequest{EnforceTwoStep: ptr(false)}, http.StatusOK, &g)
	if g.EnforceTwoStep || g.Name != "Night Shift" {
		t.Errorf("group = %+v", g)
	}
	var m api.Member
	c.ok("POST", api.PathAdminMembers, master, api.MemberRequest{Username: ptr("judy"), Password: ptr("Judy-Pass-2026"),
		Roles: &[]api.Role{api.RoleAdministrator, api.RoleTechnician}, GroupID: ptr(g.ID), ManagedGroupIDs: &[]string{g.ID}}, http.StatusCreated, &m)
	if !slices.Equal(m.ManagedGroupIDs, []string{g.ID}) {
		t.Errorf("member = %+v", m)
	}
	c.fail("POST", api.PathAdminMembers, master, api.MemberRequest{Username: ptr("judy"), Password: ptr("Judy-Pass-2026"), GroupID: ptr(g.ID)},
		http.StatusConflict, api.CodeConflict)
	c.fail("POST", api.PathAdminMembers, master, api.MemberRequest{Username: ptr("kim"), Password: ptr("password"), GroupID: ptr(g.ID)},
		http.StatusBadRequest, api.CodeWeakPassword)
	c.fail("POST", api.PathAdminMembers, master, api.MemberRequest{Username: ptr("kim"), Password: ptr("short"), GroupID: ptr(g.ID)},
		http.StatusBadRequest, api.CodeWeakPassword)
	c.fail("POST", api.PathAdminMembers, master, api.MemberRequest{Username: ptr("kim"), Password: ptr("Kim-Pass-2026")},
		http.StatusBadRequest, api.CodeValidation) // a technician needs a group
	admin := c.memberByName(master, "admin")
	c.fail("PATCH", api.PathAdminMember(admin.ID), master, api.MemberRequest{Roles: &[]api.Role{api.RoleTechnician}, GroupID: ptr(g.ID)},
		http.StatusForbidden, api.CodeUseSelfService) // not even to step down: the last master administrator stays
	// Frank (after a lost-phone reset) is reset by the master, again: still reset, SMS kept.
	frank := c.memberByName(master, "frank")
	c.ok("POST", api.PathAdminMemberReset(frank.ID), master, nil, http.StatusNoContent, nil)
	c.loginState("frank", api.StateMFASetupRequired)
}

func TestOutboxOnlyInDevMode(t *testing.T) {
	c := start(t, servertestWithoutDev())
	c.fail("GET", api.PathDevOutbox, "", nil, http.StatusNotFound, api.CodeNotFound)
	r := c.loginState("bob", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodSMS) // sent nowhere, but the challenge works
	if ch.SentTo == "" {
		t.Errorf("challenge = %+v", ch)
	}
}

// TestWhoActsOnWhom is docs/DESIGN.md section 3's rule, call by call: master
// administrators act on every other member, administrators only on the
// technicians of the groups they manage, nobody on themselves (but reading).
func TestWhoActsOnWhom(t *testing.T) {
	c := start(t)
	master := c.admin()
	support := c.groupByName(master, "Support Desk")
	field := c.groupByName(master, "Field Services")
	create := func(name string, roles []api.Role, group string, managed []string) api.Member {
		var m api.Member
		c.ok("POST", api.PathAdminMembers, master, api.MemberRequest{Username: ptr(name), Password: ptr("Long-Enough-2026"),
			Roles: &roles, GroupID: ptr(group), ManagedGroupIDs: &managed}, http.StatusCreated, &m)
		return m
	}
	both := []api.Role{api.RoleAdministrator, api.RoleTechnician}
	peer := create("ivy", both, support.ID, []string{support.ID, field.ID})          // henry's peer
	second := create("max", []api.Role{api.RoleMasterAdministrator}, "", []string{}) // another master
	henry := c.signInTOTP("henry").Tokens.AccessToken
	members := map[string]api.Member{}
	for _, n := range []string{"bob", "carol", "henry", "admin"} {
		members[n] = c.memberByName(master, n)
	}
	members["ivy"], members["max"] = peer, second

	// Creating: an administrator adds technicians to his groups only, and
	// never an administrator. (Before the table: the master sets henry's
	// password there, which ends his session.)
	c.fail("POST", api.PathAdminMembers, henry, api.MemberRequest{Username: ptr("boss"), Password: ptr("Long-Enough-2026"),
		Roles: &both, GroupID: ptr(support.ID)}, http.StatusForbidden, api.CodeForbidden)
	c.fail("POST", api.PathAdminMembers, henry, api.MemberRequest{Username: ptr("away"), Password: ptr("Long-Enough-2026"),
		GroupID: ptr(field.ID)}, http.StatusForbidden, api.CodeForbidden)
	c.ok("POST", api.PathAdminMembers, henry, api.MemberRequest{Username: ptr("newbie"), Password: ptr("Long-Enough-2026"),
		GroupID: ptr(support.ID)}, http.StatusCreated, nil)

	const (
		ok   = ""
		deny = api.CodeForbidden
		self = api.CodeUseSelfService
	)
	for _, tt := range []struct {
		actor, target string
		read, change  string // the problem code expected, ok for success
	}{
		{"henry", "bob", ok, ok},       // a technician of his group
		{"henry", "carol", deny, deny}, // a technician of another group
		{"henry", "ivy", deny, deny},   // a peer administrator in his own group
		{"henry", "admin", deny, deny}, // a master administrator
		{"henry", "henry", ok, self},   // himself
		{"admin", "henry", ok, ok},     // an administrator
		{"admin", "max", ok, ok},       // another master administrator
		{"admin", "admin", ok, self},   // himself
	} {
		t.Run(tt.actor+" on "+tt.target, func(t *testing.T) {
			c.t = t
			tok := map[string]string{"henry": henry, "admin": master}[tt.actor]
			id := members[tt.target].ID
			check := func(code, method, path string, body any, okStatus int) {
				if code == ok {
					c.ok(method, path, tok, body, okStatus, nil)
					return
				}
				c.fail(method, path, tok, body, http.StatusForbidden, code)
			}
			check(tt.read, "GET", api.PathAdminMember(id), nil, http.StatusOK)
			check(tt.change, "PATCH", api.PathAdminMember(id), api.MemberRequest{DisplayName: ptr("Renamed " + tt.target)}, http.StatusOK)
			check(tt.change, "PATCH", api.PathAdminMember(id), api.MemberRequest{Password: ptr("Changed-Pass-2026-" + tt.actor)}, http.StatusOK)
			// The reset last: it ends the target's sessions (henry's own is never reset here).
			check(tt.change, "POST", api.PathAdminMemberReset(id), nil, http.StatusNoContent)

			var listed []api.Member
			c.ok("GET", api.PathAdminMembers, tok, nil, http.StatusOK, &listed)
			shown := slices.ContainsFunc(listed, func(m api.Member) bool { return m.ID == id })
			if shown != (tt.read == ok) {
				t.Errorf("%s's member list shows %s: %t, want %t", tt.actor, tt.target, shown, tt.read == ok)
			}
		})
	}
}
