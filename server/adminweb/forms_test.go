package adminweb_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

func groupIDs(t *testing.T, inst *servertest.Instance) map[string]string {
	t.Helper()
	admin := login(t, inst, "admin", inst.AdminPassword)
	var gs []api.Group
	if st := apiJSON(t, inst, http.MethodGet, api.PathAdminGroups, admin.Tokens.AccessToken, nil, &gs); st != http.StatusOK {
		t.Fatalf("list groups: HTTP %d", st)
	}
	ids := map[string]string{}
	for _, g := range gs {
		ids[g.Name] = g.ID
	}
	return ids
}

// Members are created and edited within the permission rules; a refusal
// keeps what was typed.
func TestMemberFormsFollowThePermissionRules(t *testing.T) {
	inst := servertest.Start(t)
	ids := memberIDs(t, inst)
	groups := groupIDs(t, inst)
	henry := newBrowser(t, inst)
	henry.signIn("henry", server.DemoPassword)
	master := newBrowser(t, inst)
	master.signIn("admin", inst.AdminPassword)

	for _, tc := range []struct {
		name   string
		b      *browser
		path   string
		form   url.Values
		status int
		want   []string
	}{
		{"administrator adds a technician to his group", henry, "/admin/members/new",
			url.Values{"username": {"ivy"}, "display_name": {"Ivy Irwin"}, "password": {"Ivy-Pass-2026x"}, "group_id": {groups["Support Desk"]}},
			http.StatusOK, []string{"Member ivy created."}},
		{"administrator may not add to another group", henry, "/admin/members/new",
			url.Values{"username": {"jack"}, "display_name": {"Jack Jones"}, "password": {"Jack-Pass-2026x"}, "group_id": {groups["Field Services"]}},
			http.StatusForbidden, []string{"you do not manage this member", `value="Jack Jones"`}},
		{"administrator edits contact details in his group", henry, "/admin/members/" + ids["bob"],
			url.Values{"display_name": {"Robert Brown"}, "phone": {"555-0177"}, "email": {"bob@example.com"}},
			http.StatusOK, []string{"Member bob saved."}},
		{"administrator may not edit another group", henry, "/admin/members/" + ids["carol"],
			url.Values{"display_name": {"Caroline"}}, http.StatusForbidden, []string{"you do not manage this member"}},
		{"master administrator gives roles and managed groups", master, "/admin/members/" + ids["grace"],
			url.Values{"username": {"grace"}, "display_name": {"Grace Green"}, "roles": {"administrator", "technician"},
				"group_id": {groups["Back Office"]}, "managed_group_ids": {groups["Back Office"]}},
			http.StatusOK, []string{"Member grace saved."}},
		{"invalid email keeps the form", master, "/admin/members/" + ids["dave"],
			url.Values{"username": {"dave"}, "display_name": {"Dave D."}, "email": {"not-an-address"}, "roles": {"technician"}, "group_id": {groups["Field Services"]}},
			http.StatusBadRequest, []string{"There is a problem", `value="Dave D."`, `value="not-an-address"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := tc.b.post(tc.path, tc.form, true)
			if status != tc.status {
				t.Fatalf("HTTP %d, want %d\n%s", status, tc.status, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q\n%s", w, body)
				}
			}
		})
	}
	var grace api.Member
	admin := login(t, inst, "admin", inst.AdminPassword)
	apiJSON(t, inst, http.MethodGet, api.PathAdminMember(ids["grace"]), admin.Tokens.AccessToken, nil, &grace)
	if len(grace.Roles) != 2 || len(grace.ManagedGroupIDs) != 1 {
		t.Errorf("grace after the master's edit: roles %v, manages %v", grace.Roles, grace.ManagedGroupIDs)
	}
}

func TestGroupRenameAndEnforce(t *testing.T) {
	inst := servertest.Start(t)
	groups := groupIDs(t, inst)
	b := newBrowser(t, inst)
	b.signIn("admin", inst.AdminPassword)
	id := groups["Back Office"]
	if status, body := b.post("/admin/groups/"+id, url.Values{"name": {"Back Office East"}, "enforce_two_step": {"on"}}, true); status != http.StatusOK || !strings.Contains(body, "Back Office East” saved.") {
		t.Fatalf("rename: HTTP %d\n%s", status, body)
	}
	if !regexp.MustCompile(`id="enforce-` + id + `" name="enforce_two_step" checked`).MatchString(b.last) {
		t.Errorf("the enforce box is not ticked after saving\n%s", b.last)
	}
	if r := login(t, inst, "grace", server.DemoPassword); r.State != api.StateMFASetupRequired {
		t.Errorf("grace (Back Office) signs in with %s once her group enforces 2FA, want mfa_setup_required", r.State)
	}
	status, body := b.post("/admin/groups/"+id, url.Values{"name": {"Support Desk"}}, true)
	if status != http.StatusConflict || !strings.Contains(body, `value="Support Desk"`) {
		t.Errorf("duplicate name: HTTP %d, want 409 keeping the typed name\n%s", status, body)
	}
}

func TestAuditFilter(t *testing.T) {
	inst := servertest.Start(t)
	login(t, inst, "grace", server.DemoPassword)
	login(t, inst, "bob", server.DemoPassword)
	b := newBrowser(t, inst)
	b.signIn("admin", inst.AdminPassword)
	rows := regexp.MustCompile(`<tr><td data-label="Time">.*?<code>([^<]+)</code></td><td data-label="Member">([^<]*)</td>`)
	for _, tc := range []struct {
		query            string
		wantMember, kind string // every row must match ("" = any)
		min              int
	}{
		{"?member=grace", "grace", "", 1},
		{"?kind=sign_in", "", "sign_in.", 3},
		{"?member=bob&kind=sign_in.mfa_required", "bob", "sign_in.mfa_required", 1},
	} {
		t.Run(tc.query, func(t *testing.T) {
			status, body := b.get("/admin/audit" + tc.query)
			if status != http.StatusOK {
				t.Fatalf("HTTP %d", status)
			}
			found := rows.FindAllStringSubmatch(body, -1)
			if len(found) < tc.min {
				t.Fatalf("%d rows, want at least %d\n%s", len(found), tc.min, body)
			}
			for _, r := range found {
				if (tc.wantMember != "" && r[2] != tc.wantMember) || !strings.HasPrefix(r[1], tc.kind) {
					t.Errorf("row %s/%s does not match the filter", r[1], r[2])
				}
			}
		})
	}
}
