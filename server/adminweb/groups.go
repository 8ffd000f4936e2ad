package adminweb

import (
	"net/http"
	"strings"

	"github.com/remotesupport/techconsole/api"
)

// Technician groups: list, create, rename, "Enforce two-step verification".

type groupsData struct {
	Groups  []api.Group
	NewName string // the create form's value after an error
	NewEnf  bool
	EditID  string    // the row whose form failed
	Edit    api.Group // that row's typed values
	Saved   string    // id of the row just saved
}

func (q *req) listGroups() ([]api.Group, error) {
	var gs []api.Group
	err := q.apiAuthed(apiCall{method: http.MethodGet, path: api.PathAdminGroups, out: &gs})
	return gs, err
}

func (q *req) renderGroups(status int, d groupsData, p *api.Problem) error {
	gs, err := q.listGroups()
	if err != nil {
		return err
	}
	d.Groups = gs
	return q.renderView(status, "groups", view{Title: q.T("admin.nav.groups"), Nav: "groups", Problem: p, D: d})
}

func (h *Handler) groupsPage(q *req) error { return q.renderGroups(http.StatusOK, groupsData{}, nil) }

func (h *Handler) groupCreate(q *req) error {
	name := strings.TrimSpace(q.r.PostForm.Get("name"))
	enforce := q.r.PostForm.Get("enforce_two_step") == "on"
	var g api.Group
	err := q.apiAuthed(apiCall{method: http.MethodPost, path: api.PathAdminGroups, want: http.StatusCreated,
		in: api.GroupRequest{Name: &name, EnforceTwoStep: &enforce}, out: &g})
	if p, ok := asProblem(err); ok && p.Status != http.StatusUnauthorized {
		return q.renderGroups(p.Status, groupsData{NewName: name, NewEnf: enforce}, p)
	}
	if err != nil {
		return err
	}
	q.s.Flash, q.dirty = q.T("admin.flash.group_created", "Name", g.Name), true
	return q.redirect(Root + "/groups")
}

func (h *Handler) groupUpdate(q *req) error {
	id := q.r.PathValue("id")
	if err := checkID(id); err != nil {
		return err
	}
	name := strings.TrimSpace(q.r.PostForm.Get("name"))
	enforce := q.r.PostForm.Get("enforce_two_step") == "on"
	var g api.Group
	err := q.apiAuthed(apiCall{method: http.MethodPatch, path: api.PathAdminGroup(id),
		in: api.GroupRequest{Name: &name, EnforceTwoStep: &enforce}, out: &g})
	if p, ok := asProblem(err); ok && p.Status != http.StatusUnauthorized {
		return q.renderGroups(p.Status, groupsData{EditID: id, Edit: api.Group{ID: id, Name: name, EnforceTwoStep: enforce}}, p)
	}
	if err != nil {
		return err
	}
	q.s.Flash, q.dirty = q.T("admin.flash.group_saved", "Name", g.Name), true
	return q.redirect(Root + "/groups")
}
