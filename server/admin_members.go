package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// memberView is a member as the Admin Center shows them.
func memberView(tx store.Tx, m store.Member) (api.Member, error) {
	required, _, err := memberRequired(tx, m)
	if err != nil {
		return api.Member{}, err
	}
	factors, err := tx.Factors(m.ID)
	if err != nil {
		return api.Member{}, err
	}
	return buildMemberView(m, required, factors), nil
}

func buildMemberView(m store.Member, required bool, factors []store.Factor) api.Member {
	v := api.Member{
		ID: m.ID, Username: m.Username, DisplayName: m.DisplayName, Roles: m.Roles, GroupID: m.GroupID,
		ManagedGroupIDs: m.ManagedGroupIDs, Phone: m.Phone, Email: m.Email, TwoStepRequired: required,
		TwoStepState: twoStepView(m.TwoStep), Factors: factorViews(factors), LastConsoleVersion: m.LastConsoleVersion,
	}
	if v.Roles == nil {
		v.Roles = []api.Role{}
	}
	if v.ManagedGroupIDs == nil {
		v.ManagedGroupIDs = []string{}
	}
	if !m.LastSignInAt.IsZero() {
		t := m.LastSignInAt
		v.LastSignInAt = &t
	}
	return v
}

// memberAct is what an administrator does with a member's record.
type memberAct int

const (
	actRead   memberAct = iota // read one member, or see them listed
	actChange                  // create, edit, set the password, force a two-step reset
)

// authorizeMember is the one rule of who may act on which member through the
// admin API (docs/DESIGN.md section 3). Nobody changes their own account here: they
// use /me/*, whose rules ask for the current password and a second factor.
// A master administrator acts on every other member. An administrator acts
// only on technicians of the groups they manage, never on an administrator
// (peers in the same group included) nor a master administrator. Reading
// one's own record is allowed.
func authorizeMember(actor, target store.Member, act memberAct) error {
	switch {
	case actor.ID == target.ID:
		if act == actRead {
			return nil
		}
		return useSelfService()
	case isMaster(actor):
		return nil
	case !actor.HasRole(api.RoleAdministrator):
		return forbidden("the Admin Center is for administrators")
	case target.IsAdmin():
		return forbidden("only master administrators act on administrators")
	case !actsOnGroup(actor, target.GroupID):
		return forbidden("you do not manage this member's group")
	}
	return nil
}

// actsOnGroup is the group half of authorizeMember, and the rule of which
// groups the admin API shows: a master administrator acts on every group, an
// administrator on the groups they manage.
func actsOnGroup(actor store.Member, groupID string) bool {
	return isMaster(actor) || (actor.HasRole(api.RoleAdministrator) && actor.Manages(groupID))
}

func useSelfService() *httpError {
	return perr(http.StatusForbidden, api.CodeUseSelfService,
		"administrators do not change their own account through the admin API; use your own settings (password change with two-step verification)")
}

// loadAuthorized loads the member {id} if the actor, read again in this
// transaction (a role taken away meanwhile counts), may do act on them.
func loadAuthorized(tx store.Members, actorID, id string, act memberAct) (store.Member, error) {
	if !validID(id, prefixMember) {
		return store.Member{}, notFound("member")
	}
	actor, err := tx.Member(actorID)
	if err != nil {
		return store.Member{}, fmt.Errorf("load the acting administrator: %w", err)
	}
	m, err := tx.Member(id)
	if errors.Is(err, store.ErrNotFound) {
		return m, notFound("member")
	}
	if err != nil {
		return m, err
	}
	return m, authorizeMember(actor, m, act)
}

// handleGetMember: GET /admin/members/{id}.
func (s *Server) handleGetMember(w http.ResponseWriter, r *http.Request) error {
	p, err := s.adminPrincipal(r.Context(), r)
	if err != nil {
		return err
	}
	var out api.Member
	err = s.store.Read(r.Context(), func(tx store.Tx) error {
		m, err := loadAuthorized(tx, p.Member.ID, r.PathValue("id"), actRead)
		if err != nil {
			return err
		}
		out, err = memberView(tx, m)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// memberFields is a validated MemberRequest.
type memberFields struct {
	req      api.MemberRequest
	username string
	display  string
	roles    []api.Role
	phone    string
	email    string
}

func checkMemberRequest(req api.MemberRequest) (memberFields, error) {
	f := memberFields{req: req}
	var err error
	if req.Username != nil {
		if f.username, err = newUsername(*req.Username); err != nil {
			return f, err
		}
	}
	if req.DisplayName != nil {
		if f.display, err = checkName("display_name", *req.DisplayName); err != nil {
			return f, err
		}
	}
	if req.Roles != nil {
		if len(*req.Roles) == 0 {
			return f, validation("roles must name at least one role")
		}
		for _, r := range *req.Roles {
			if !r.Valid() {
				return f, validation("roles must be master_administrator, administrator or technician")
			}
			if !slices.Contains(f.roles, r) {
				f.roles = append(f.roles, r)
			}
		}
	}
	if req.GroupID != nil && *req.GroupID != "" && !validID(*req.GroupID, prefixGroup) {
		return f, validation("group_id is not a group id")
	}
	if req.ManagedGroupIDs != nil {
		if len(*req.ManagedGroupIDs) > 1000 {
			return f, validation("too many managed_group_ids")
		}
		for _, g := range *req.ManagedGroupIDs {
			if !validID(g, prefixGroup) {
				return f, validation("managed_group_ids holds something that is not a group id")
			}
		}
	}
	if req.Phone != nil && strings.TrimSpace(*req.Phone) != "" {
		if f.phone, err = checkPhone(*req.Phone); err != nil {
			return f, err
		}
	}
	if req.Email != nil && strings.TrimSpace(*req.Email) != "" {
		if f.email, err = checkEmail(*req.Email); err != nil {
			return f, err
		}
	}
	return f, nil
}

// checkMemberShape checks the member's groups exist and fit the roles.
func checkMemberShape(tx store.Groups, m store.Member) error {
	if m.GroupID != "" {
		if _, err := tx.Group(m.GroupID); errors.Is(err, store.ErrNotFound) {
			return validation("group_id names no group")
		} else if err != nil {
			return err
		}
	}
	if m.HasRole(api.RoleTechnician) && m.GroupID == "" {
		return validation("a technician needs a group_id")
	}
	if len(m.ManagedGroupIDs) > 0 && !m.HasRole(api.RoleAdministrator) {
		return validation("only administrators manage groups")
	}
	for _, g := range m.ManagedGroupIDs {
		if _, err := tx.Group(g); errors.Is(err, store.ErrNotFound) {
			return validation("managed_group_ids names a group that does not exist")
		} else if err != nil {
			return err
		}
	}
	return nil
}

// handleCreateMember: POST /admin/members.
func (s *Server) handleCreateMember(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.adminPrincipal(ctx, r)
	if err != nil {
		return err
	}
	var req api.MemberRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	f, err := checkMemberRequest(req)
	if err != nil {
		return err
	}
	if req.Username == nil || req.Password == nil {
		return validation("username and password are required")
	}
	if err := checkNewPassword(*req.Password, f.username); err != nil {
		return err
	}
	m := newMember(req, f, s.now())
	if err := authorizeMember(p.Member, m, actChange); err != nil {
		return err
	}
	if m.PasswordHash, err = s.hash.Hash(ctx, *req.Password); err != nil {
		return err
	}
	var out api.Member
	err = s.store.Write(ctx, func(tx store.Tx) error {
		actor, err := tx.Member(p.Member.ID)
		if err != nil {
			return fmt.Errorf("load the acting administrator: %w", err)
		}
		if err := authorizeMember(actor, m, actChange); err != nil {
			return err
		}
		if err := checkMemberShape(tx, m); err != nil {
			return err
		}
		if err := tx.InsertMember(m); err != nil {
			return conflictIfDuplicate(err, usernameTaken)
		}
		if err := s.audit(ctx, tx, auditEvent{Kind: auditMemberCreated, MemberID: m.ID, Username: m.Username, ActorID: p.Member.ID}); err != nil {
			return err
		}
		out, err = memberView(tx, m)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// handleUpdateMember: PATCH /admin/members/{id}, on another member (see
// authorizeMember and checkFieldsAllowed).
func (s *Server) handleUpdateMember(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.adminPrincipal(ctx, r)
	if err != nil {
		return err
	}
	var req api.MemberRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	// Check permission, then the fields and the password, before paying for a hash.
	var target store.Member
	err = s.store.Read(ctx, func(tx store.Tx) error {
		target, err = loadAuthorized(tx, p.Member.ID, r.PathValue("id"), actChange)
		return err
	})
	if err != nil {
		return err
	}
	if err := checkFieldsAllowed(p.Member, req); err != nil {
		return err
	}
	f, err := checkMemberRequest(req)
	if err != nil {
		return err
	}
	newHash, err := s.memberPasswordHash(ctx, req, f, target)
	if err != nil {
		return err
	}
	var out api.Member
	err = s.store.Write(ctx, func(tx store.Tx) error {
		m, err := loadAuthorized(tx, p.Member.ID, r.PathValue("id"), actChange)
		if err != nil {
			return err
		}
		changed := applyMemberRequest(&m, req, f, newHash)
		if err := s.saveMember(tx, m, req.Roles != nil, newHash != ""); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, auditEvent{Kind: auditMemberUpdated, MemberID: m.ID, Username: m.Username, ActorID: p.Member.ID,
			Detail: strings.Join(changed, ", ")}); err != nil {
			return err
		}
		out, err = memberView(tx, m)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// memberPasswordHash hashes the password an update sets, after checking it
// against the rules (and the username the member will have); "" when the
// update sets none.
func (s *Server) memberPasswordHash(ctx context.Context, req api.MemberRequest, f memberFields, target store.Member) (string, error) {
	if req.Password == nil {
		return "", nil
	}
	name := target.Username
	if req.Username != nil {
		name = f.username
	}
	if err := checkNewPassword(*req.Password, name); err != nil {
		return "", err
	}
	return s.hash.Hash(ctx, *req.Password)
}

// applyMemberRequest sets on m the fields the update gives (checked as f,
// the password as newHash) and names them.
func applyMemberRequest(m *store.Member, req api.MemberRequest, f memberFields, newHash string) (changed []string) {
	set := func(given bool, name string, apply func()) {
		if given {
			apply()
			changed = append(changed, name)
		}
	}
	set(req.Username != nil && f.username != m.Username, "username", func() { m.Username = f.username })
	set(req.DisplayName != nil, "display_name", func() { m.DisplayName = f.display })
	set(req.Roles != nil, "roles", func() { m.Roles = f.roles })
	set(req.GroupID != nil, "group_id", func() { m.GroupID = *req.GroupID })
	set(req.ManagedGroupIDs != nil, "managed_group_ids", func() { m.ManagedGroupIDs = dedupe(*req.ManagedGroupIDs) })
	set(req.Phone != nil, "phone", func() { m.Phone = f.phone })
	set(req.Email != nil, "email", func() { m.Email = f.email })
	set(newHash != "", "password", func() { m.PasswordHash = newHash })
	return changed
}

// saveMember stores an updated member once its shape holds and, when its
// roles changed, a master administrator remains. A password set by an
// administrator ends the member's sessions.
func (s *Server) saveMember(tx store.Tx, m store.Member, rolesChanged, passwordSet bool) error {
	if err := checkMemberShape(tx, m); err != nil {
		return err
	}
	if rolesChanged && !m.HasRole(api.RoleMasterAdministrator) {
		if err := keepOneMaster(tx, m.ID); err != nil {
			return err
		}
	}
	if err := tx.UpdateMember(m); err != nil {
		return conflictIfDuplicate(err, usernameTaken)
	}
	if passwordSet {
		return tx.RevokeMemberSessions(m.ID, s.now(), "password set by an administrator")
	}
	return nil
}

// newMember is the member a create request describes (checked as f), with
// the defaults: named by its username, a technician.
func newMember(req api.MemberRequest, f memberFields, now time.Time) store.Member {
	m := store.Member{ID: newID(prefixMember), Username: f.username, DisplayName: f.display, Roles: f.roles,
		Phone: f.phone, Email: f.email, ManagedGroupIDs: []string{}, CreatedAt: now}
	if m.DisplayName == "" {
		m.DisplayName = m.Username
	}
	if m.Roles == nil {
		m.Roles = []api.Role{api.RoleTechnician}
	}
	if req.GroupID != nil {
		m.GroupID = *req.GroupID
	}
	if req.ManagedGroupIDs != nil {
		m.ManagedGroupIDs = dedupe(*req.ManagedGroupIDs)
	}
	return m
}

// checkFieldsAllowed: an administrator changes only the display name, the
// contact details and the password of the technicians they manage; usernames,
// roles and groups are for master administrators.
func checkFieldsAllowed(actor store.Member, req api.MemberRequest) error {
	if !isMaster(actor) && req.MasterOnly() {
		return forbidden("only master administrators change usernames, roles and groups")
	}
	return nil
}

// keepOneMaster refuses a change that would leave no master administrator.
// The acting master cannot demote themselves here, so this holds already;
// the check keeps the invariant where it is stored.
func keepOneMaster(tx store.Members, losing string) error {
	members, err := tx.ListMembers()
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.ID != losing && m.HasRole(api.RoleMasterAdministrator) {
			return nil
		}
	}
	return perr(http.StatusConflict, api.CodeConflict, "the organisation must keep a master administrator")
}

// handleResetMember: POST /admin/members/{id}/reset-two-step: the lost-phone
// reset, or with include_backup (master administrators only) every factor.
func (s *Server) handleResetMember(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.adminPrincipal(ctx, r)
	if err != nil {
		return err
	}
	var req api.ResetRequest
	if err := decodeOptional(w, r, &req); err != nil {
		return err
	}
	err = s.store.Write(ctx, func(tx store.Tx) error {
		m, err := loadAuthorized(tx, p.Member.ID, r.PathValue("id"), actChange)
		if err != nil {
			return err
		}
		if !req.IncludeBackup {
			return s.resetLostPhone(ctx, tx, m, p.Member)
		}
		actor, err := tx.Member(p.Member.ID)
		if err != nil {
			return err
		}
		if !isMaster(actor) {
			return perr(http.StatusForbidden, api.CodeForbidden,
				"only a master administrator may reset a member's backup method too; the lost-phone reset keeps it")
		}
		return s.resetAllFactors(ctx, tx, m, p.Member)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func dedupe(ids []string) []string {
	out := []string{}
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
