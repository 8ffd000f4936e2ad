package server_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
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

	none, all, sel := api.TechniciansNone, api.TechniciansAll, api.TechniciansSelectedGroups
	// techWants says whether a technician must use two-step, in a ticked
	// and in an unticked group, for each technicians value.
	techWants := map[api.TechnicianPolicy]struct{ ticked, unticked bool }{
		none: {false, false},
		all:  {true, true},
		sel:  {true, false},
	}
	for _, techs := range []api.TechnicianPolicy{none, all, sel} {
		for _, flags := range []struct{ masters, admins bool }{{false, false}, {true, false}, {false, true}} {
			tw := techWants[techs]
			want := map[string]bool{
				"p-master":        flags.masters,
				"p-admin":         flags.admins,
				"p-tech-ticked":   tw.ticked,
				"p-tech-unticked": tw.unticked,
				// Two roles: either one requiring two-step is enough.
				"p-both-ticked":   flags.admins || tw.ticked,
				"p-both-unticked": flags.admins || tw.unticked,
			}
			name := fmt.Sprintf("technicians=%s/masters=%t/admins=%t", techs, flags.masters, flags.admins)
			t.Run(name, func(t *testing.T) {
				c.t = t
				st := api.TwoStepSettings{MasterAdministrators: flags.masters, Administrators: flags.admins,
					Technicians: techs, PrimaryMethod: api.MethodAppNotification}
				var got api.TwoStepSettings
				c.ok("PUT", api.PathAdminSettings, admin, st, http.StatusOK, &got)
				if got.ResetMembers != nil {
					t.Fatalf("a PUT with the same primary method reset %d members", *got.ResetMembers)
				}
				for _, member := range []string{"p-master", "p-admin", "p-tech-ticked", "p-tech-unticked", "p-both-ticked", "p-both-unticked"} {
					r := c.login(member, pw)
					wantState := api.StateAuthenticated
					if want[member] {
						wantState = api.StateMFASetupRequired // nothing enrolled yet
					}
					if r.State != wantState {
						t.Errorf("%s: state %q, want %q", member, r.State, wantState)
					}
					if r.State == api.StateAuthenticated && r.User.TwoStep.Required {
						t.Errorf("%s: user.two_step.required = true while not required", member)
					}
				}
			})
		}
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

func TestForwardedForOnlyBehindATrustedProxy(t *testing.T) {
	for _, trusted := range []bool{false, true} {
		t.Run(fmt.Sprint("trusted=", trusted), func(t *testing.T) {
			c := start(t, servertest.WithConfig(func(cfg *server.Config) { cfg.TrustedProxy = trusted }))
			status, _, _ := c.raw("POST", api.PathLogin, "", api.LoginRequest{Username: "grace", Password: server.DemoPassword},
				"X-Forwarded-For", "203.0.113.7, 10.0.0.1")
			if status != http.StatusOK {
				t.Fatalf("login: HTTP %d", status)
			}
			var events []api.AuditEvent
			c.ok("GET", api.PathAdminAudit+"?limit=10", c.admin(), nil, http.StatusOK, &events)
			want := "127.0.0.1"
			if trusted {
				want = "203.0.113.7"
			}
			seen := 0
			for _, e := range events {
				if e.Username == "grace" && e.Kind == "sign_in.ok" {
					seen++
					if e.ClientAddress != want {
						t.Errorf("client address %q, want %q", e.ClientAddress, want)
					}
				}
			}
			if seen != 1 {
				t.Errorf("%d sign_in.ok events for grace, want 1", seen)
			}
		})
	}
}
