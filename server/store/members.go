package store

import (
	"time"

	"github.com/remotesupport/techconsole/api"
)

// Groups keeps the technician groups.
type Groups interface {
	ListGroups() ([]Group, error)
	Group(id string) (Group, error)
	InsertGroup(Group) error
	UpdateGroup(Group) error
}

// Members keeps the organisation's accounts.
type Members interface {
	CountMembers() (int, error)
	ListMembers() ([]Member, error)
	Member(id string) (Member, error)
	MemberByUsername(username string) (Member, error)
	// MembersPage lists at most p.Limit members in username order (see MemberPage).
	MembersPage(p MemberPage) ([]Member, error)
	InsertMember(Member) error
	UpdateMember(Member) error
	// SetTwoStep records where a member stands with two-step verification
	// (UpdateMember does not change it).
	SetTwoStep(memberID string, st TwoStepState) error
}

// MemberPage selects a page of members: those whose username sorts after
// After, whose username or display name contains Search (if set), and, when
// ManagerID is set, only that member and the members without an
// administrator role of the groups they manage (the candidates of the
// server's authorization, which still decides).
type MemberPage struct {
	After     string
	Search    string
	ManagerID string
	Limit     int
}

// Group is a technician group.
type Group struct {
	ID             string
	Name           string
	EnforceTwoStep bool
	CreatedAt      time.Time
}

// Member is one account of the organisation.
type Member struct {
	ID                 string
	Username           string
	DisplayName        string
	PasswordHash       string
	Roles              []api.Role
	GroupID            string
	ManagedGroupIDs    []string
	Phone              string
	Email              string
	LastSignInAt       time.Time
	LastConsoleVersion string
	CreatedAt          time.Time
	// TwoStep is set by Activate and by the resets, never by confirming a
	// factor (see TwoStepState).
	TwoStep TwoStepState
}

// HasRole reports whether the member holds r.
func (m Member) HasRole(r api.Role) bool {
	for _, x := range m.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// IsAdmin reports whether the member may use the admin API at all.
func (m Member) IsAdmin() bool {
	return m.HasRole(api.RoleMasterAdministrator) || m.HasRole(api.RoleAdministrator)
}

// Manages reports whether the member administers the group.
func (m Member) Manages(groupID string) bool {
	if groupID == "" {
		return false
	}
	for _, g := range m.ManagedGroupIDs {
		if g == groupID {
			return true
		}
	}
	return false
}

// MemberIDs lists the ids of ms, in order.
func MemberIDs(ms []Member) []string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return ids
}

// TwoStepState is where a member stands with two-step verification. Only
// Activate makes a member activated: confirming factors during a setup that
// stops before Activate leaves the member where they were, so Activate's
// rule (an authenticator plus an SMS or email backup) cannot be skipped.
type TwoStepState string

const (
	TwoStepNone      TwoStepState = ""          // never activated
	TwoStepActivated TwoStepState = "activated" // Activate passed since the last reset
	TwoStepReset     TwoStepState = "reset"     // a reset since: set up again ("previously set up")
)
