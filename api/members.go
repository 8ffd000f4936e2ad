package api

// MasterOnly reports whether r edits what only a master administrator
// changes on an existing member: the username, the roles, the group and the
// managed groups. The server refuses such an edit from anyone else; the Admin
// Center leaves those fields out of an administrator's edit.
func (r MemberRequest) MasterOnly() bool {
	return r.Username != nil || r.Roles != nil || r.GroupID != nil || r.ManagedGroupIDs != nil
}

// WithoutMasterOnly is r with the fields of MasterOnly left out.
func (r MemberRequest) WithoutMasterOnly() MemberRequest {
	r.Username, r.Roles, r.GroupID, r.ManagedGroupIDs = nil, nil, nil, nil
	return r
}
