package api

import "testing"

func TestMemberRequestMasterOnly(t *testing.T) {
	name, group := "x", "grp_1"
	roles, managed := []Role{RoleTechnician}, []string{"grp_1"}
	for _, tt := range []struct {
		name string
		req  MemberRequest
		want bool
	}{
		{"contact details", MemberRequest{DisplayName: &name, Phone: &name, Email: &name}, false},
		{"password", MemberRequest{Password: &name}, false},
		{"username", MemberRequest{Username: &name}, true},
		{"roles", MemberRequest{Roles: &roles}, true},
		{"group", MemberRequest{GroupID: &group}, true},
		{"managed groups", MemberRequest{ManagedGroupIDs: &managed}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.req.MasterOnly(); got != tt.want {
				t.Errorf("MasterOnly() = %v, want %v", got, tt.want)
			}
			if tt.req.WithoutMasterOnly().MasterOnly() {
				t.Errorf("WithoutMasterOnly() still edits a master-only field")
			}
		})
	}
}
