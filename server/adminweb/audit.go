package adminweb

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/remotesupport/techconsole/api"
)

// Audit log: the newest events, filtered here by member and kind (the API
// answers the newest N; the filter is applied to those).

const auditFetch = 1000

type auditData struct {
	Member  string
	Kind    string
	Events  []api.AuditEvent
	Members []string // usernames seen, for the filter
	Kinds   []string
	Shown   int
	Total   int
}

func (h *Handler) auditPage(q *req) error {
	var events []api.AuditEvent
	if err := q.apiAuthed(apiCall{method: http.MethodGet, path: api.PathAdminAudit + "?limit=" + strconv.Itoa(auditFetch), out: &events}); err != nil {
		return err
	}
	d := auditData{Member: strings.TrimSpace(q.r.URL.Query().Get("member")), Kind: q.r.URL.Query().Get("kind"), Total: len(events)}
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
	return q.renderView(http.StatusOK, "audit", view{Title: "Audit log", Nav: "audit", D: d})
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
	return q.renderView(http.StatusOK, "outbox", view{Title: "Outbox", Nav: "outbox", D: outboxData{To: to, Messages: msgs}})
}
