package securitytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

// State is what an attack must not change, read back through the admin API
// and the dev outbox: settings, groups, members with their factors and
// roles, and every message the server sent.
type State struct {
	Settings api.TwoStepSettings
	Groups   []api.Group
	Members  []api.Member
	Outbox   int
}

// Snapshot reads the state with a fresh master administrator session. The
// administrator's own sign-in fields are left out (reading signs them in).
func (r *Rig) Snapshot(t testing.TB) State {
	t.Helper()
	admin := r.Admin(t)
	var s State
	r.OK(t, "GET", api.PathAdminSettings, admin, nil, http.StatusOK, &s.Settings)
	r.OK(t, "GET", api.PathAdminGroups, admin, nil, http.StatusOK, &s.Groups)
	r.OK(t, "GET", api.PathAdminMembers, admin, nil, http.StatusOK, &s.Members)
	var msgs []api.OutboxMessage
	r.OK(t, "GET", api.PathDevOutbox+"?limit=1000", "", nil, http.StatusOK, &msgs)
	s.Outbox = len(msgs)
	for i := range s.Members {
		if s.Members[i].Username == "admin" {
			s.Members[i].LastSignInAt, s.Members[i].LastConsoleVersion = nil, ""
		}
	}
	sort.Slice(s.Members, func(i, j int) bool { return s.Members[i].ID < s.Members[j].ID })
	sort.Slice(s.Groups, func(i, j int) bool { return s.Groups[i].ID < s.Groups[j].ID })
	return s
}

// Diff describes how two states differ ("" when equal).
func (s State) Diff(o State) string {
	a, _ := json.Marshal(s)
	b, _ := json.Marshal(o)
	if string(a) == string(b) {
		return ""
	}
	if s.Outbox != o.Outbox {
		return fmt.Sprintf("outbox %d → %d messages", s.Outbox, o.Outbox)
	}
	return fmt.Sprintf("state changed:\n before %s\n after  %s", a, b)
}

// Member finds a member of the state by username.
func (s State) Member(t testing.TB, username string) api.Member {
	t.Helper()
	for _, m := range s.Members {
		if m.Username == username {
			return m
		}
	}
	t.Fatalf("no member %s", username)
	return api.Member{}
}
