package securitytest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// Administrators never act on themselves or their peers (docs/DESIGN.md section 3):
// an administrator acts only on technicians of the groups they manage; only
// master administrators act on administrators; nobody changes their own
// password, roles or two-step state through the admin API or the Admin
// Center's member pages.

// peerAdmin makes ivy, an administrator (and technician) of Support Desk, as
// henry is, but with the wider scope of Field Services too.
func peerAdmin(t *testing.T, r *Rig, master string) (api.Member, string) {
	t.Helper()
	var groups []api.Group
	r.OK(t, "GET", api.PathAdminGroups, master, nil, http.StatusOK, &groups)
	gid := map[string]string{}
	for _, g := range groups {
		gid[g.Name] = g.ID
	}
	name, display, pw := "ivy", "Ivy Irwin", "Ivy-Own-Pass-2026"
	roles := []api.Role{api.RoleAdministrator, api.RoleTechnician}
	support := gid["Support Desk"]
	managed := []string{support, gid["Field Services"]}
	var ivy api.Member
	r.OK(t, "POST", api.PathAdminMembers, master, api.MemberRequest{Username: &name, DisplayName: &display, Password: &pw,
		Roles: &roles, GroupID: &support, ManagedGroupIDs: &managed}, http.StatusCreated, &ivy)
	return ivy, pw
}

func TestAdministratorCannotTakeOverAnotherAdministrator(t *testing.T) {
	r := Start(t)
	master := r.Admin(t)
	ivy, ivyPw := peerAdmin(t, r, master)
	henry := r.SignIn(t, "henry").AccessToken
	before := r.Snapshot(t)

	stolen := "Mallory-Owns-Ivy-2026"
	for _, c := range []struct {
		name, method, path string
		body               any
	}{
		{"set the peer's password", "PATCH", api.PathAdminMember(ivy.ID), api.MemberRequest{Password: &stolen}},
		{"edit the peer's contact details", "PATCH", api.PathAdminMember(ivy.ID), api.MemberRequest{Email: ptr("mallory@example.com")}},
		{"reset the peer's two-step verification", "POST", api.PathAdminMemberReset(ivy.ID), nil},
		{"read the peer", "GET", api.PathAdminMember(ivy.ID), nil},
		{"reset the master administrator", "POST", api.PathAdminMemberReset(before.Member(t, "admin").ID), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r.Fail(t, c.method, c.path, henry, c.body, http.StatusForbidden, api.CodeForbidden)
		})
	}
	var listed []api.Member
	r.OK(t, "GET", api.PathAdminMembers, henry, nil, http.StatusOK, &listed)
	if slices.ContainsFunc(listed, func(m api.Member) bool { return m.ID == ivy.ID }) {
		t.Error("henry's member list shows ivy, a peer administrator he may not manage")
	}
	if d := before.Diff(r.Snapshot(t)); d != "" {
		t.Fatalf("after the refused calls: %s", d)
	}
	r.Fail(t, "POST", api.PathLogin, "", api.LoginRequest{Username: "ivy", Password: stolen}, http.StatusUnauthorized, api.CodeInvalidCredentials)
	if a := r.Login(t, "ivy", ivyPw); a.State == "" {
		t.Fatalf("ivy's own password: %+v", a)
	}

	// The master administrator acts on administrators.
	r.OK(t, "PATCH", api.PathAdminMember(ivy.ID), master, api.MemberRequest{Phone: ptr("555-0110")}, http.StatusOK, nil)
	r.OK(t, "POST", api.PathAdminMemberReset(ivy.ID), master, nil, http.StatusNoContent, nil)
}

func TestAdminAPIRefusesSelfService(t *testing.T) {
	r := Start(t)
	// An access token is all the attacker holds: no password, no phone.
	henry := r.SignIn(t, "henry").AccessToken
	master := r.Admin(t)
	before := r.Snapshot(t)
	henryID, adminID := before.Member(t, "henry").ID, before.Member(t, "admin").ID

	stolen := "Mallory-Owns-It-2026"
	roles := []api.Role{api.RoleMasterAdministrator}
	for _, who := range []struct {
		name, token, id string
	}{{"administrator", henry, henryID}, {"master administrator", master, adminID}} {
		for _, c := range []struct {
			name, method, path string
			body               any
		}{
			{"own password", "PATCH", api.PathAdminMember(who.id), api.MemberRequest{Password: &stolen}},
			{"own roles", "PATCH", api.PathAdminMember(who.id), api.MemberRequest{Roles: &roles}},
			{"own managed groups", "PATCH", api.PathAdminMember(who.id), api.MemberRequest{ManagedGroupIDs: &[]string{}}},
			{"own contact details", "PATCH", api.PathAdminMember(who.id), api.MemberRequest{Phone: ptr("555-0666")}},
			{"own two-step reset", "POST", api.PathAdminMemberReset(who.id), nil},
		} {
			t.Run(who.name+" "+c.name, func(t *testing.T) {
				r.Fail(t, c.method, c.path, who.token, c.body, http.StatusForbidden, api.CodeUseSelfService)
			})
		}
		// Reading oneself is harmless (the Admin Center shows it).
		r.OK(t, "GET", api.PathAdminMember(who.id), who.token, nil, http.StatusOK, nil)
	}
	if d := before.Diff(r.Snapshot(t)); d != "" {
		t.Fatalf("after the refused calls: %s", d)
	}
	if a := r.LoginState(t, "henry", api.StateMFARequired); len(a.Methods) == 0 {
		t.Errorf("henry's factors after the refused reset: %+v", a)
	}
}

// --- the Admin Center's pages ---

// webAdmin is a browser at the Admin Center: a cookie jar and the CSRF token
// of the last page.
type webAdmin struct {
	t    testing.TB
	hc   *http.Client
	base string
	csrf string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newWebAdmin(t testing.TB, r *Rig) *webAdmin {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &webAdmin{t: t, base: r.Base, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

func (w *webAdmin) keep(resp *http.Response, err error) (int, string) {
	w.t.Helper()
	if err != nil {
		w.t.Fatalf("admin page: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		w.t.Fatalf("admin page: %v", err)
	}
	if m := csrfField.FindSubmatch(b); m != nil {
		w.csrf = string(m[1])
	}
	return resp.StatusCode, string(b)
}

func (w *webAdmin) get(path string) (int, string) { return w.keep(w.hc.Get(w.base + path)) }

func (w *webAdmin) post(path string, form url.Values) (int, string) {
	form.Set("csrf", w.csrf)
	return w.keep(w.hc.PostForm(w.base+path, form))
}

// signInMaster signs the master administrator in (password alone in the demo policy).
func (w *webAdmin) signInMaster(password string) {
	w.t.Helper()
	w.get("/admin/login")
	if st, body := w.post("/admin/login", url.Values{"username": {"admin"}, "password": {password}}); st != http.StatusOK || !strings.Contains(body, "Sign out") {
		w.t.Fatalf("admin sign-in: HTTP %d\n%s", st, body)
	}
}

func TestAdminCenterRefusesSelfServiceAndBogusIDs(t *testing.T) {
	r := Start(t)
	before := r.Snapshot(t)
	adminID := before.Member(t, "admin").ID
	web := newWebAdmin(t, r)
	web.signInMaster(r.Inst.AdminPassword)

	// The member form on one's own row sets no password.
	web.get("/admin/members/" + adminID)
	stolen := "Mallory-Owns-It-2026"
	st, body := web.post("/admin/members/"+adminID, url.Values{"username": {"admin"}, "display_name": {"Master Administrator"},
		"password": {stolen}, "roles": {"master_administrator"}})
	if st == http.StatusOK || strings.Contains(body, "saved.") {
		t.Errorf("the member form changed the signed-in administrator's own password: HTTP %d\n%s", st, body)
	}
	r.Fail(t, "POST", api.PathLogin, "", api.LoginRequest{Username: "admin", Password: stolen}, http.StatusUnauthorized, api.CodeInvalidCredentials)

	// Nor resets one's own two-step verification, nor reports a reset that
	// never happened for an id that is no member.
	for _, id := range []string{adminID, "../../two-step-settings", "../../../admin/two-step-settings", "mbr_x"} {
		web.get("/admin/members")
		st, body := web.post("/admin/members/reset", url.Values{"id": {id}, "confirm": {"yes"}})
		if st == http.StatusOK || strings.Contains(body, "two-step verification reset.") || !strings.Contains(body, "not reset.") {
			t.Errorf("reset of %q: HTTP %d, want a refusal\n%s", id, st, body)
		}
	}
	if d := before.Diff(r.Snapshot(t)); d != "" {
		t.Fatalf("after the refused forms: %s", d)
	}
	if a := r.Login(t, "admin", r.Inst.AdminPassword); a.State != api.StateAuthenticated {
		t.Errorf("admin's own password after the refused form: state %q", a.State)
	}
}

func ptr[T any](v T) *T { return &v }
