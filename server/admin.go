package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// The Admin Center: two-step settings, groups and members. Master
// administrators may do everything; an administrator manages only members of
// the groups they manage (create technicians there, edit contact details, set
// passwords, force a two-step reset); anything else is 403.

const maxName = 100

// adminPrincipal authenticates an access token of a master administrator or
// an administrator.
func (s *Server) adminPrincipal(ctx context.Context, r *http.Request) (principal, error) {
	p, err := s.authenticate(ctx, r, bearerAccess)
	if err != nil {
		return p, err
	}
	if !p.Member.IsAdmin() {
		return p, forbidden("the Admin Center is for administrators")
	}
	return p, nil
}

func isMaster(m store.Member) bool { return m.HasRole(api.RoleMasterAdministrator) }

func requireMaster(p principal) error {
	if !isMaster(p.Member) {
		return forbidden("only master administrators may do this")
	}
	return nil
}

// --- settings ---

func settingsView(st store.Settings) api.TwoStepSettings {
	return api.TwoStepSettings{MasterAdministrators: st.MasterAdministrators, Administrators: st.Administrators,
		Technicians: st.Technicians, PrimaryMethod: st.PrimaryMethod}
}

// handleGetSettings: GET /admin/two-step-settings.
func (s *Server) handleGetSettings(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.adminPrincipal(r.Context(), r); err != nil {
		return err
	}
	var st store.Settings
	err := s.store.Read(r.Context(), func(tx store.Tx) error {
		var err error
		st, err = tx.Settings()
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settingsView(st))
	return nil
}

// handlePutSettings: PUT /admin/two-step-settings (master administrators).
// Changing the primary method resets everyone in the same transaction.
func (s *Server) handlePutSettings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.adminPrincipal(ctx, r)
	if err != nil {
		return err
	}
	if err := requireMaster(p); err != nil {
		return err
	}
	var req api.TwoStepSettings
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if !req.Technicians.Valid() {
		return validation("technicians must be none, all or selected_groups")
	}
	if !req.PrimaryMethod.Valid() {
		return badRequest(api.CodeUnknownMethod, "primary_method must be one of authenticator_app, app_notification, sms, email")
	}
	next := store.Settings{MasterAdministrators: req.MasterAdministrators, Administrators: req.Administrators,
		Technicians: req.Technicians, PrimaryMethod: req.PrimaryMethod}
	out := settingsView(next)
	err = s.store.Write(ctx, func(tx store.Tx) error {
		prev, err := tx.Settings()
		if err != nil {
			return err
		}
		if err := tx.PutSettings(next); err != nil {
			return err
		}
		if changes := settingsDiff(prev, next); changes != "" {
			if err := s.audit(ctx, tx, auditEvent{Kind: auditSettingsChanged, ActorID: p.Member.ID, Username: p.Member.Username, Detail: changes}); err != nil {
				return err
			}
		}
		if prev.PrimaryMethod == next.PrimaryMethod {
			return nil
		}
		n, err := s.resetEveryone(ctx, tx, p.Member)
		if err != nil {
			return err
		}
		out.ResetMembers = &n
		return s.audit(ctx, tx, auditEvent{Kind: auditResetPrimary, ActorID: p.Member.ID, Username: p.Member.Username,
			Detail: fmt.Sprintf("%s -> %s, %d members reset", prev.PrimaryMethod, next.PrimaryMethod, n)})
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func settingsDiff(a, b store.Settings) string {
	var d []string
	if a.MasterAdministrators != b.MasterAdministrators {
		d = append(d, fmt.Sprintf("master_administrators %t -> %t", a.MasterAdministrators, b.MasterAdministrators))
	}
	if a.Administrators != b.Administrators {
		d = append(d, fmt.Sprintf("administrators %t -> %t", a.Administrators, b.Administrators))
	}
	if a.Technicians != b.Technicians {
		d = append(d, fmt.Sprintf("technicians %s -> %s", a.Technicians, b.Technicians))
	}
	if a.PrimaryMethod != b.PrimaryMethod {
		d = append(d, fmt.Sprintf("primary_method %s -> %s", a.PrimaryMethod, b.PrimaryMethod))
	}
	return strings.Join(d, "; ")
}

// --- groups ---

func groupView(g store.Group) api.Group {
	return api.Group{ID: g.ID, Name: g.Name, EnforceTwoStep: g.EnforceTwoStep}
}

// handleListGroups: GET /admin/groups (an administrator sees the groups they manage).
func (s *Server) handleListGroups(w http.ResponseWriter, r *http.Request) error {
	p, err := s.adminPrincipal(r.Context(), r)
	if err != nil {
		return err
	}
	out := []api.Group{}
	err = s.store.Read(r.Context(), func(tx store.Tx) error {
		groups, err := tx.ListGroups()
		if err != nil {
			return err
		}
		for _, g := range groups {
			if actsOnGroup(p.Member, g.ID) {
				out = append(out, groupView(g))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func checkName(what, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > maxName || !utf8.ValidString(v) || strings.ContainsFunc(v, isControl) {
		return "", validation(what + " must be 1 to 100 characters")
	}
	return v, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// handleCreateGroup: POST /admin/groups (master administrators).
func (s *Server) handleCreateGroup(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.adminPrincipal(ctx, r)
	if err != nil {
		return err
	}
	if err := requireMaster(p); err != nil {
		return err
	}
	var req api.GroupRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if req.Name == nil {
		return validation("name is required")
	}
	name, err := checkName("name", *req.Name)
	if err != nil {
		return err
	}
	g := store.Group{ID: newID(prefixGroup), Name: name, EnforceTwoStep: req.EnforceTwoStep != nil && *req.EnforceTwoStep, CreatedAt: s.now()}
	err = s.store.Write(ctx, func(tx store.Tx) error {
		if err := tx.InsertGroup(g); err != nil {
			return conflictIfDuplicate(err, "a group with that name exists")
		}
		return s.audit(ctx, tx, auditEvent{Kind: auditGroupCreated, ActorID: p.Member.ID, Detail: g.ID + " " + g.Name})
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, groupView(g))
	return nil
}

// handleUpdateGroup: PATCH /admin/groups/{id} (master administrators).
func (s *Server) handleUpdateGroup(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.adminPrincipal(ctx, r)
	if err != nil {
		return err
	}
	if err := requireMaster(p); err != nil {
		return err
	}
	id := r.PathValue("id")
	if !validID(id, prefixGroup) {
		return notFound("group")
	}
	var req api.GroupRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	var name string
	if req.Name != nil {
		if name, err = checkName("name", *req.Name); err != nil {
			return err
		}
	}
	var g store.Group
	err = s.store.Write(ctx, func(tx store.Tx) error {
		g, err = tx.Group(id)
		if errors.Is(err, store.ErrNotFound) {
			return notFound("group")
		}
		if err != nil {
			return err
		}
		var d []string
		if req.Name != nil && name != g.Name {
			g.Name = name
			d = append(d, "name")
		}
		if req.EnforceTwoStep != nil && *req.EnforceTwoStep != g.EnforceTwoStep {
			g.EnforceTwoStep = *req.EnforceTwoStep
			d = append(d, "enforce_two_step "+strconv.FormatBool(g.EnforceTwoStep))
		}
		if len(d) == 0 {
			return nil
		}
		if err := tx.UpdateGroup(g); err != nil {
			return conflictIfDuplicate(err, "a group with that name exists")
		}
		return s.audit(ctx, tx, auditEvent{Kind: auditGroupUpdated, ActorID: p.Member.ID, Detail: g.ID + ": " + strings.Join(d, ", ")})
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, groupView(g))
	return nil
}

func conflictIfDuplicate(err error, detail string) error {
	if errors.Is(err, store.ErrDuplicate) {
		return perr(http.StatusConflict, api.CodeConflict, detail)
	}
	return err
}
