package adminweb

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/remotesupport/techconsole/api"
)

// Organisation: the members, their 2FA state, create and edit within the
// permission rules, and "Force two-step verification reset".

// methodState is one method's status for one member.
type methodState struct {
	Method api.Method
	Status api.FactorStatus // "" when not enrolled
}

type memberRow struct {
	api.Member
	GroupName string
	Managed   []string
	Methods   []methodState
}

type membersData struct {
	Rows   []memberRow
	SelfID string // the signed-in administrator: their row is read-only
	Search string // ?q: only members whose username or display name contains it
	Paged  bool   // not the first page
	Next   string // the address of the next page; "" on the last
}

// membersPageSize is how many members one page of the Organisation shows.
const membersPageSize = 100

// names maps group ids to names, for the groups the viewer may see.
func groupNames(gs []api.Group) map[string]string {
	m := map[string]string{}
	for _, g := range gs {
		m[g.ID] = g.Name
	}
	return m
}

func nameOf(names map[string]string, id string) string {
	if n, ok := names[id]; ok {
		return n
	}
	return id
}

func rowOf(m api.Member, names map[string]string) memberRow {
	r := memberRow{Member: m}
	if m.GroupID != "" {
		r.GroupName = nameOf(names, m.GroupID)
	}
	for _, id := range m.ManagedGroupIDs {
		r.Managed = append(r.Managed, nameOf(names, id))
	}
	for _, method := range api.Methods {
		st := methodState{Method: method}
		for _, f := range m.Factors {
			if f.Method == method && (st.Status == "" || f.Status == api.FactorActive) {
				st.Status = f.Status
			}
		}
		r.Methods = append(r.Methods, st)
	}
	return r
}

// membersPage: one page of the members (?after, the API's cursor),
// optionally only those matching ?q.
func (h *Handler) membersPage(q *req) error {
	search := strings.TrimSpace(q.r.URL.Query().Get("q"))
	after := q.r.URL.Query().Get("after")
	v := url.Values{"limit": {strconv.Itoa(membersPageSize)}}
	if search != "" {
		v.Set("q", search)
	}
	if after != "" {
		v.Set("after", after)
	}
	var ms []api.Member
	var hdr http.Header
	if err := q.apiAuthed(apiCall{method: http.MethodGet, path: api.PathAdminMembers + "?" + v.Encode(), out: &ms, header: &hdr}); err != nil {
		return err
	}
	gs, err := q.listGroups()
	if err != nil {
		return err
	}
	names := groupNames(gs)
	d := membersData{SelfID: q.user.ID, Search: search, Paged: after != ""}
	if next := hdr.Get(api.NextCursorHeader); next != "" {
		nv := url.Values{"after": {next}}
		if search != "" {
			nv.Set("q", search)
		}
		d.Next = Root + "/members?" + nv.Encode()
	}
	for _, m := range ms {
		d.Rows = append(d.Rows, rowOf(m, names))
	}
	return q.renderView(http.StatusOK, "members", view{Title: "Organisation", Nav: "members", D: d})
}

// --- Force two-step verification reset ---

type resetTarget struct {
	ID      string
	Name    string
	Problem *api.Problem // after the attempt; nil = done
}

type resetData struct {
	Targets []resetTarget
	Done    bool
	// Master: the backup may be reset too (master administrators only);
	// IncludeBackup: it was asked for.
	Master, IncludeBackup bool
}

func (h *Handler) resetSubmit(q *req) error {
	ids := slices.Compact(slices.Sorted(slices.Values(q.r.PostForm["id"])))
	if len(ids) == 0 {
		q.s.Flash, q.dirty = q.T("admin.flash.select_member"), true
		return q.redirect(Root + "/members")
	}
	d := resetData{Master: q.isMaster(), IncludeBackup: q.r.PostForm.Get("include_backup") == "yes"}
	for _, id := range ids {
		t := resetTarget{ID: id, Name: id}
		if err := checkID(id); err != nil {
			t.Problem = badID()
		} else if name, err := q.memberName(id); err != nil {
			return err
		} else if name != "" {
			t.Name = name
		}
		d.Targets = append(d.Targets, t)
	}
	if q.r.PostForm.Get("confirm") != "yes" {
		return q.renderView(http.StatusOK, "reset_confirm", view{Title: "Force two-step verification reset?", Nav: "members", D: d})
	}
	status := http.StatusOK
	for i := range d.Targets {
		if p := d.Targets[i].Problem; p != nil {
			status = p.Status
			continue
		}
		c := apiCall{method: http.MethodPost, path: api.PathAdminMemberReset(d.Targets[i].ID), want: http.StatusNoContent}
		if d.IncludeBackup {
			c.in = api.ResetRequest{IncludeBackup: true}
		}
		err := q.apiAuthed(c)
		if p, ok := asProblem(err); ok && p.Status != http.StatusUnauthorized {
			d.Targets[i].Problem = p
			if status == http.StatusOK {
				status = p.Status
			}
			continue
		}
		if err != nil {
			return err
		}
	}
	d.Done = true
	return q.renderView(status, "reset_confirm", view{Title: q.T("admin.title.reset"), Nav: "members", D: d})
}

// memberName is "Display Name (username)" of a member the viewer may see,
// or "" when the API refuses to show them (the reset then reports why).
func (q *req) memberName(id string) (string, error) {
	var m api.Member
	err := q.apiAuthed(apiCall{method: http.MethodGet, path: api.PathAdminMember(id), out: &m})
	if _, ok := asProblem(err); ok {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return m.DisplayName + " (" + m.Username + ")", nil
}

// --- create and edit ---

type memberForm struct {
	ID          string
	Username    string
	DisplayName string
	Roles       []api.Role
	GroupID     string
	Managed     []string
	Phone       string
	Email       string
	Member      *api.Member // the stored member when editing
}

type memberFormData struct {
	F      memberForm
	Groups []api.Group
	Roles  []api.Role
	New    bool
	Self   bool // the signed-in administrator's own record: shown, never changed here
}

func (f memberForm) HasRole(r api.Role) bool { return slices.Contains(f.Roles, r) }
func (f memberForm) Manages(id string) bool  { return slices.Contains(f.Managed, id) }
func (d memberFormData) Row() memberRow      { return rowOf(*d.F.Member, groupNames(d.Groups)) }
func (d memberFormData) HasMember() bool     { return d.F.Member != nil }

var allRoles = []api.Role{api.RoleMasterAdministrator, api.RoleAdministrator, api.RoleTechnician}

func (q *req) renderMemberForm(status int, f memberForm, isNew bool, p *api.Problem) error {
	gs, err := q.listGroups()
	if err != nil {
		return err
	}
	title := q.T("admin.title.edit_member")
	if f.Member != nil {
		title = q.T("admin.title.edit_named", "Name", f.Member.DisplayName)
	}
	if isNew {
		title = q.T("admin.title.new_member")
	}
	self := f.Member != nil && f.Member.ID == q.user.ID
	if self {
		title = q.T("admin.title.my_account")
	}
	return q.renderView(status, "member", view{Title: title, Nav: "members", Problem: p,
		D: memberFormData{F: f, Groups: gs, Roles: allRoles, New: isNew, Self: self}})
}

func formOf(m api.Member) memberForm {
	return memberForm{ID: m.ID, Username: m.Username, DisplayName: m.DisplayName, Roles: m.Roles, GroupID: m.GroupID,
		Managed: m.ManagedGroupIDs, Phone: m.Phone, Email: m.Email, Member: &m}
}

func (q *req) readMemberForm() memberForm {
	f := q.r.PostForm
	mf := memberForm{
		Username: strings.TrimSpace(f.Get("username")), DisplayName: strings.TrimSpace(f.Get("display_name")),
		GroupID: f.Get("group_id"), Managed: f["managed_group_ids"],
		Phone: strings.TrimSpace(f.Get("phone")), Email: strings.TrimSpace(f.Get("email")),
	}
	for _, r := range f["roles"] {
		mf.Roles = append(mf.Roles, api.Role(r))
	}
	return mf
}

// request builds the API body: a master administrator sends every field; an
// administrator creates a technician (username, group, contact details) and
// edits without the master-only fields (api.MemberRequest.WithoutMasterOnly).
func (q *req) memberRequest(mf memberForm, password string, isNew bool) api.MemberRequest {
	roles, managed := mf.Roles, mf.Managed
	if roles == nil {
		roles = []api.Role{}
	}
	if managed == nil {
		managed = []string{}
	}
	req := api.MemberRequest{Username: &mf.Username, DisplayName: &mf.DisplayName, Roles: &roles, GroupID: &mf.GroupID,
		ManagedGroupIDs: &managed, Phone: &mf.Phone, Email: &mf.Email}
	if password != "" {
		req.Password = &password
	}
	if isNew && mf.DisplayName == "" {
		req.DisplayName = nil
	}
	switch {
	case q.isMaster():
		return req
	case isNew:
		req.Roles, req.ManagedGroupIDs = nil, nil
		return req
	}
	return req.WithoutMasterOnly()
}

func (h *Handler) memberNew(q *req) error {
	return q.renderMemberForm(http.StatusOK, memberForm{Roles: []api.Role{api.RoleTechnician}}, true, nil)
}

func (h *Handler) memberCreate(q *req) error {
	mf := q.readMemberForm()
	password := q.r.PostForm.Get("password")
	if password == "" {
		return q.renderMemberForm(http.StatusBadRequest, mf, true,
			&api.Problem{Status: http.StatusBadRequest, Code: api.CodeValidation, Detail: "Enter a password for the new member."})
	}
	var m api.Member
	err := q.apiAuthed(apiCall{method: http.MethodPost, path: api.PathAdminMembers, want: http.StatusCreated, in: q.memberRequest(mf, password, true), out: &m})
	if p, ok := asProblem(err); ok && p.Status != http.StatusUnauthorized {
		return q.renderMemberForm(p.Status, mf, true, p)
	}
	if err != nil {
		return err
	}
	q.s.Flash, q.dirty = q.T("admin.flash.member_created", "Username", m.Username), true
	return q.redirect(Root + "/members")
}

func (h *Handler) memberEdit(q *req) error {
	id := q.r.PathValue("id")
	if err := checkID(id); err != nil {
		return err
	}
	var m api.Member
	if err := q.apiAuthed(apiCall{method: http.MethodGet, path: api.PathAdminMember(id), out: &m}); err != nil {
		return err
	}
	return q.renderMemberForm(http.StatusOK, formOf(m), false, nil)
}

func (h *Handler) memberUpdate(q *req) error {
	id := q.r.PathValue("id")
	if err := checkID(id); err != nil {
		return err
	}
	var stored api.Member
	if err := q.apiAuthed(apiCall{method: http.MethodGet, path: api.PathAdminMember(id), out: &stored}); err != nil {
		return err
	}
	mf := q.readMemberForm()
	mf.ID, mf.Member = id, &stored
	if !q.isMaster() {
		mf.Username, mf.Roles, mf.GroupID, mf.Managed = stored.Username, stored.Roles, stored.GroupID, stored.ManagedGroupIDs
	}
	var m api.Member
	err := q.apiAuthed(apiCall{method: http.MethodPatch, path: api.PathAdminMember(id),
		in: q.memberRequest(mf, q.r.PostForm.Get("password"), false), out: &m})
	if p, ok := asProblem(err); ok && p.Status != http.StatusUnauthorized {
		return q.renderMemberForm(p.Status, mf, false, p)
	}
	if err != nil {
		return err
	}
	q.s.Flash, q.dirty = q.T("admin.flash.member_saved", "Username", m.Username), true
	return q.redirect(Root + "/members")
}
