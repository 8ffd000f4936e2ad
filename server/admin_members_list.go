package server

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// Members and audit events a page at a time. A page is a JSON array, as the
// whole list used to be; the X-Next-Cursor header (api.NextCursorHeader)
// holds the ?after= of the next page and is absent on the last one.

const (
	memberPageDefault = 100
	memberPageMax     = 1000
	maxSearchLen      = 100
)

// memberCursor is the opaque ?after= of a members page: the last username
// of the page before.
func memberCursor(username string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(username))
}

func parseMemberCursor(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !utf8.Valid(b) {
		return "", validation("after is not a cursor from " + api.NextCursorHeader)
	}
	return string(b), nil
}

// memberPageParams reads ?limit, ?after and ?q.
func memberPageParams(r *http.Request) (store.MemberPage, error) {
	limit, err := limitParam(r, memberPageDefault, memberPageMax)
	if err != nil {
		return store.MemberPage{}, err
	}
	after, err := parseMemberCursor(r.URL.Query().Get("after"))
	if err != nil {
		return store.MemberPage{}, err
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if utf8.RuneCountInString(q) > maxSearchLen || !utf8.ValidString(q) {
		return store.MemberPage{}, validation("q must be at most " + strconv.Itoa(maxSearchLen) + " characters")
	}
	return store.MemberPage{After: after, Search: q, Limit: limit}, nil
}

// handleListMembers: GET /admin/members?limit=&after=&q=: a page of the
// members the caller may act on, and their own record (read-only), in
// username order. An administrator's peers are left out.
func (s *Server) handleListMembers(w http.ResponseWriter, r *http.Request) error {
	p, err := s.adminPrincipal(r.Context(), r)
	if err != nil {
		return err
	}
	page, err := memberPageParams(r)
	if err != nil {
		return err
	}
	limit := page.Limit
	page.Limit++ // one more tells whether a next page exists
	if !isMaster(p.Member) {
		page.ManagerID = p.Member.ID
	}
	var out []api.Member
	next := ""
	err = s.store.Read(r.Context(), func(tx store.Tx) error {
		members, err := tx.MembersPage(page)
		if err != nil {
			return err
		}
		if len(members) > limit {
			members = members[:limit]
			next = memberCursor(members[limit-1].Username)
		}
		// The query narrows to the candidates; authorizeMember decides.
		shown := members[:0]
		for _, m := range members {
			if authorizeMember(p.Member, m, actRead) == nil {
				shown = append(shown, m)
			}
		}
		out, err = memberViews(tx, shown)
		return err
	})
	if err != nil {
		return err
	}
	if next != "" {
		w.Header().Set(api.NextCursorHeader, next)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// memberListReader is what the members list reads beside the members.
type memberListReader interface {
	policyReader
	store.Factors
}

// memberViews is memberView for many members, in a fixed number of queries:
// the settings and groups once, the factors of all of them at once.
func memberViews(tx memberListReader, ms []store.Member) ([]api.Member, error) {
	out := make([]api.Member, 0, len(ms))
	if len(ms) == 0 {
		return out, nil
	}
	st, err := tx.Settings()
	if err != nil {
		return nil, err
	}
	groups, err := tx.ListGroups()
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*store.Group, len(groups))
	for i := range groups {
		byID[groups[i].ID] = &groups[i]
	}
	factors, err := tx.FactorsOf(store.MemberIDs(ms))
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		out = append(out, buildMemberView(m, twoStepRequired(m, st, byID[m.GroupID]), factors[m.ID]))
	}
	return out, nil
}

// auditCursor reads ?after= of the audit log: the id of the last event of
// the page before (events are newest first).
func auditCursor(r *http.Request) (int64, error) {
	v := r.URL.Query().Get("after")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, validation("after is not a cursor from " + api.NextCursorHeader)
	}
	return n, nil
}
