package adminweb

import (
	"net/http"

	"github.com/remotesupport/techconsole/api"
)

// Global Settings > Two-step verification (master administrators only).

type settingsData struct {
	S            api.TwoStepSettings // the form's values
	Current      api.TwoStepSettings // what the server holds
	Reset        bool                // the primary method changed: ResetMembers were reset
	ResetMembers int
	Saved        bool
}

var technicianChoices = []struct {
	Value api.TechnicianPolicy
	Label string
}{
	{api.TechniciansNone, "admin.settings.technicians.none"},
	{api.TechniciansAll, "admin.settings.technicians.all"},
	{api.TechniciansSelectedGroups, "admin.settings.technicians.groups"},
}

func (h *Handler) settingsPage(q *req) error {
	if !q.isMaster() {
		return q.forbidden(q.T("admin.settings.only_master_view"))
	}
	var cur api.TwoStepSettings
	if err := q.apiAuthed(apiCall{method: http.MethodGet, path: api.PathAdminSettings, out: &cur}); err != nil {
		return err
	}
	return q.renderSettings(http.StatusOK, settingsData{S: cur, Current: cur}, nil)
}

func (q *req) renderSettings(status int, d settingsData, p *api.Problem) error {
	return q.renderView(status, "settings", view{Title: q.T("admin.title.settings"), Nav: "settings", Problem: p,
		D: struct {
			settingsData
			Choices any
			Methods []api.Method
		}{d, technicianChoices, api.Methods}})
}

// settingsSubmit saves the form. A new primary method first goes through a
// confirmation page, because it resets every member's two-step verification.
func (h *Handler) settingsSubmit(q *req) error {
	if !q.isMaster() {
		return q.forbidden(q.T("admin.settings.only_master_change"))
	}
	f := q.r.PostForm
	next := api.TwoStepSettings{
		MasterAdministrators: f.Get("master_administrators") == "on",
		Administrators:       f.Get("administrators") == "on",
		Technicians:          api.TechnicianPolicy(f.Get("technicians")),
		PrimaryMethod:        api.Method(f.Get("primary_method")),
	}
	var cur api.TwoStepSettings
	if err := q.apiAuthed(apiCall{method: http.MethodGet, path: api.PathAdminSettings, out: &cur}); err != nil {
		return err
	}
	if next.PrimaryMethod != cur.PrimaryMethod && next.PrimaryMethod.Valid() && f.Get("confirm") != "yes" {
		return q.renderView(http.StatusOK, "settings_confirm", view{Title: "Change the primary method?", Nav: "settings",
			D: settingsData{S: next, Current: cur}})
	}
	var saved api.TwoStepSettings
	err := q.apiAuthed(apiCall{method: http.MethodPut, path: api.PathAdminSettings, in: next, out: &saved})
	if p, ok := asProblem(err); ok && p.Status != http.StatusUnauthorized {
		return q.renderSettings(p.Status, settingsData{S: next, Current: cur}, p)
	}
	if err != nil {
		return err
	}
	d := settingsData{S: saved, Current: saved, Saved: true}
	if saved.ResetMembers != nil {
		d.Reset, d.ResetMembers = true, *saved.ResetMembers
	}
	return q.renderSettings(http.StatusOK, d, nil)
}
