package adminweb

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/remotesupport/techconsole/api"
)

// Audit log: the events a thousand at a time, newest first, filtered here by
// member and kind (the filter applies to the thousand shown); "Older events"
// follows the API's cursor, so every event can be reached.

const auditFetch = 1000

type auditData struct {
	Member  string
	Kind    string
	Events  []api.AuditEvent
	Members []string // usernames seen, for the filter
	Kinds   []string
	Shown   int
	Total   int
	Older   string // the address of the next thousand; "" at the oldest
	Paged   bool   // not the newest thousand
}

func (h *Handler) auditPage(q *req) error {
	v := url.Values{"limit": {strconv.Itoa(auditFetch)}}
	after := q.r.URL.Query().Get("after")
	if after != "" {
		v.Set("after", after)
	}
	var events []api.AuditEvent
	var hdr http.Header
	if err := q.apiAuthed(apiCall{method: http.MethodGet, path: api.PathAdminAudit + "?" + v.Encode(), out: &events, header: &hdr}); err != nil {
		return err
	}
	d := auditData{Member: strings.TrimSpace(q.r.URL.Query().Get("member")), Kind: q.r.URL.Query().Get("kind"), Total: len(events), Paged: after != ""}
	if next := hdr.Get(api.NextCursorHeader); next != "" {
		ov := url.Values{"after": {next}}
		if d.Member != "" {
			ov.Set("member", d.Member)
		}
		if d.Kind != "" {
			ov.Set("kind", d.Kind)
		}
		d.Older = Root + "/audit?" + ov.Encode()
	}
	for _, e := range events {
		if e.Username != "" && !slices.Contains(d.Members, e.Username) {
			d.Members = append(d.Members, e.Username)
		}
		if !slices.Contains(d.Kinds, e.Kind) {
			d.Kinds = append(d.Kinds, e.Kind)
		}
		if d.Member != "" && !strings.EqualFold(e.Username, d.Member) {
			continue
		}
		if d.Kind != "" && e.Kind != d.Kind && !strings.HasPrefix(e.Kind, d.Kind+".") {
			continue
		}
		d.Events = append(d.Events, e)
	}
	slices.Sort(d.Members)
	slices.Sort(d.Kinds)
	d.Shown = len(d.Events)
	return q.renderView(http.StatusOK, "audit", view{Title: q.T("admin.title.audit"), Nav: "audit", D: d})
}

// --- dev outbox ---

type outboxData struct {
	To       string
	Messages []api.OutboxMessage
}

// outboxPage shows what the server "sent" (dev mode only; the API's outbox
// is open in dev mode, so is this page: a tester needs it to sign in).
func (h *Handler) outboxPage(q *req) error {
	to := strings.TrimSpace(q.r.URL.Query().Get("to"))
	path := api.PathDevOutbox + "?limit=100"
	if to != "" {
		path += "&to=" + url.QueryEscape(to)
	}
	var msgs []api.OutboxMessage
	err := h.call(q.r.Context(), q.r, apiCall{method: http.MethodGet, path: path, out: &msgs})
	if err != nil {
		return err
	}
	if q.s.signedIn() {
		var u api.User
		if err := q.apiAuthed(apiCall{method: http.MethodGet, path: api.PathMe, out: &u}); err == nil {
			q.user = &u
		}
	}
	return q.renderView(http.StatusOK, "outbox", view{Title: q.T("admin.nav.outbox"), Nav: "outbox", D: outboxData{To: to, Messages: msgs}})
}
