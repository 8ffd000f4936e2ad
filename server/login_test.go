package server_test

import (
	"net/http"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

func TestLoginStatesOfTheDemo(t *testing.T) {
	c := start(t)
	tests := []struct {
		user      string
		state     string
		reset     bool
		methods   []api.Method
		wantGroup string
	}{
		{"alice", api.StateMFARequired, false, []api.Method{api.MethodAppNotification, api.MethodAuthenticatorApp, api.MethodSMS}, ""},
		{"bob", api.StateMFARequired, false, []api.Method{api.MethodAuthenticatorApp, api.MethodSMS}, ""},
		{"carol", api.StateMFARequired, false, []api.Method{api.MethodAuthenticatorApp, api.MethodEmail}, ""},
		{"dave", api.StateMFARequired, false, []api.Method{api.MethodEmail}, ""},
		{"erin", api.StateMFASetupRequired, false, nil, ""},
		{"frank", api.StateMFASetupRequired, true, nil, ""},
		{"grace", api.StateAuthenticated, false, nil, "Back Office"},
		{"henry", api.StateMFARequired, false, []api.Method{api.MethodAuthenticatorApp, api.MethodSMS}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			c.t = t
			r := c.loginState(tt.user, tt.state)
			if r.Reset != tt.reset {
				t.Errorf("reset = %v, want %v", r.Reset, tt.reset)
			}
			if tt.state != api.StateAuthenticated && (r.MFAToken == "" || r.Tokens != nil) {
				t.Errorf("%s: want an mfa_token and no tokens, got %+v", tt.state, r)
			}
			if tt.state != api.StateAuthenticated && r.PrimaryMethod != api.MethodAppNotification {
				t.Errorf("primary_method = %q", r.PrimaryMethod)
			}
			var got []api.Method
			for _, m := range r.Methods {
				got = append(got, m.Method)
				if m.ID == "" || m.Label == "" {
					t.Errorf("method option %+v lacks id or label", m)
				}
			}
			if len(got) != len(tt.methods) {
				t.Fatalf("methods = %v, want %v", got, tt.methods)
			}
			for i := range got {
				if got[i] != tt.methods[i] {
					t.Fatalf("methods = %v, want %v", got, tt.methods)
				}
			}
			if tt.wantGroup != "" && (r.User == nil || r.User.Group == nil || r.User.Group.Name != tt.wantGroup) {
				t.Errorf("user = %+v, want group %s", r.User, tt.wantGroup)
			}
		})
	}
}

func TestWrongPasswordAndUnknownUserLookAlike(t *testing.T) {
	c := start(t)
	a := c.fail("POST", api.PathLogin, "", api.LoginRequest{Username: "bob", Password: "not-his-password"}, http.StatusUnauthorized, api.CodeInvalidCredentials)
	b := c.fail("POST", api.PathLogin, "", api.LoginRequest{Username: "nobody-here", Password: "not-his-password"}, http.StatusUnauthorized, api.CodeInvalidCredentials)
	if a.Detail != b.Detail || a.Title != b.Title {
		t.Errorf("wrong password %+v and unknown user %+v answer differently", a, b)
	}
}

// TestPolicyTable: each role × each technicians value × group ticked or not,
// and members holding two roles.
func TestPolicyTable(t *testing.T) {
	c := start(t)
	admin := c.adminMFA() // its session must survive settings that require two-step of masters
	ticked := c.groupByName(admin, "Support Desk").ID
	unticked := c.groupByName(admin, "Back Office").ID
	const pw = "Policy-Pass-2026"
	create := func(name string, roles []api.Role, group string, manages []string) {
		req := api.MemberRequest{Username: ptr(name), Password: ptr(pw), Roles: &roles}
		if group != "" {
			req.GroupID = ptr(group)
		}
		if manages != nil {
			req.ManagedGroupIDs = &manages
		}
		c.ok("POST", api.PathAdminMembers, admin, req, http.StatusCreated, nil)
	}
	master := []api.Role{api.RoleMasterAdministrator}
	adm := []api.Role{api.RoleAdministrator}
	tech := []api.Role{api.RoleTechnician}
	both := []api.Role{api.RoleAdministrator, api.RoleTechnician}
	create("p-master", master, "", nil)
	create("p-admin", adm, "", []string{ticked})
	create("p-tech-ticked", tech, ticked, nil)
	create("p-tech-unticked", tech, unticked, nil)
	create("p-both-ticked", both, ticked, []string{ticked})
	create("p-both-unticked", both, unticked, []string{unticked})

	type settings struct {
		masters, admins bool
		techs           api.TechnicianPolicy
	}
	none, all, sel := api.TechniciansNone, api.TechniciansAll, api.TechniciansSelectedGroups
	tests := []struct {
		member   string
		settings settings
		required bool
	}{
		{"p-master", settings{true, false, none}, true},
		{"p-master", settings{false, true, all}, false},
		{"p-admin", settings{false, true, none}, true},
		{"p-admin", settings{true, false, all}, false},
		{"p-tech-ticked", settings{true, true, none}, false},
		{"p-tech-ticked", settings{false, false, all}, true},
		{"p-tech-ticked", settings{false, false, sel}, true},
		{"p-tech-unticked", settings{true, true, none}, false},
		{"p-tech-unticked", settings{false, false, all}, true},
		{"p-tech-unticked", settings{false, false, sel}, false},
		// Two roles: either one requiring two-step is enough.
		{"p-both-unticked", settings{false, false, sel}, false},
		{"p-both-unticked", settings{false, true, sel}, true},
		{"p-both-unticked", settings{false, false, all}, true},
		{"p-both-unticked", settings{false, true, none}, true},
		{"p-both-ticked", settings{false, false, sel}, true},
		{"p-both-ticked", settings{false, false, none}, false},
	}
	for _, tt := range tests {
		t.Run(tt.member+"/"+string(tt.settings.techs), func(t *testing.T) {
			c.t = t
			st := api.TwoStepSettings{MasterAdministrators: tt.settings.masters, Administrators: tt.settings.admins,
				Technicians: tt.settings.techs, PrimaryMethod: api.MethodAppNotification}
			var got api.TwoStepSettings
			c.ok("PUT", api.PathAdminSettings, admin, st, http.StatusOK, &got)
			if got.ResetMembers != nil {
				t.Fatalf("a PUT with the same primary method reset %d members", *got.ResetMembers)
			}
			r := c.login(tt.member, pw)
			want := api.StateAuthenticated
			if tt.required {
				want = api.StateMFASetupRequired // nothing enrolled yet
			}
			if r.State != want {
				t.Fatalf("state %q, want %q", r.State, want)
			}
			if r.State == api.StateAuthenticated && r.User.TwoStep.Required {
				t.Errorf("user.two_step.required = true while not required")
			}
		})
	}
}

func TestConsoleVersionIsRecorded(t *testing.T) {
	c := start(t)
	c.version = "7.50.3572"
	c.loginState("grace", api.StateAuthenticated)
	c.version = ""
	admin := c.admin()
	m := c.memberByName(admin, "grace")
	if m.LastConsoleVersion != "7.50.3572" || m.LastSignInAt == nil {
		t.Errorf("member = %+v, want last_console_version 7.50.3572 and a sign-in time", m)
	}
	var events []api.AuditEvent
	c.ok("GET", api.PathAdminAudit+"?limit=5", admin, nil, http.StatusOK, &events)
	found := false
	for _, e := range events {
		if e.Username == "grace" && e.Kind == "sign_in.ok" {
			found = true
			if e.ConsoleVersion != "7.50.3572" || e.ClientAddress != "127.0.0.1" {
				t.Errorf("audit event %+v lacks the version or address", e)
			}
		}
	}
	if !found {
		t.Errorf("no sign_in.ok event for grace in %+v", events)
	}
	for i := 1; i < len(events); i++ {
		if events[i].ID > events[i-1].ID {
			t.Errorf("audit not newest first: %d before %d", events[i-1].ID, events[i].ID)
		}
	}
}
