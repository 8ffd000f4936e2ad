package api

import "testing"

func TestRoleLabel(t *testing.T) {
	for _, tc := range []struct {
		role Role
		want string
	}{
		{RoleMasterAdministrator, "Master administrator"},
		{RoleAdministrator, "Administrator"},
		{RoleTechnician, "Technician"},
		{Role("auditor"), "auditor"},
	} {
		if got := tc.role.Label(); got != tc.want {
			t.Errorf("%q.Label() = %q, want %q", tc.role, got, tc.want)
		}
	}
}
