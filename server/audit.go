package server

import (
	"context"
	"net/http"
	"strconv"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// auditEvent describes one event; member and actor may be empty.
type auditEvent struct {
	Kind     string
	MemberID string
	Username string
	ActorID  string
	Detail   string
}

// audit records e inside tx, with the request's address and console version.
func (s *Server) audit(ctx context.Context, tx store.Tx, e auditEvent) error {
	ri := info(ctx)
	noteEvent(tx, e) // for the metrics, once the transaction commits
	s.log.Info("audit", "kind", e.Kind, "member", e.Username, "member_id", e.MemberID, "actor_id", e.ActorID,
		"client", ri.ClientAddress, "console_version", ri.ConsoleVersion, "detail", e.Detail)
	return tx.InsertAudit(api.AuditEvent{
		At: s.now(), Kind: e.Kind, MemberID: e.MemberID, Username: clip(e.Username, 64), ActorID: e.ActorID,
		ClientAddress: ri.ClientAddress, ConsoleVersion: ri.ConsoleVersion, Detail: e.Detail,
	})
}

// auditAlone records e in a transaction of its own (for failures, whose
// transaction rolled back or never started).
func (s *Server) auditAlone(ctx context.Context, e auditEvent) {
	if err := s.store.Write(context.WithoutCancel(ctx), func(tx store.Tx) error { return s.audit(ctx, tx, e) }); err != nil {
		s.log.Error("audit write failed", "kind", e.Kind, "err", err)
	}
}

func memberEvent(kind string, m store.Member) auditEvent {
	return auditEvent{Kind: kind, MemberID: m.ID, Username: m.Username}
}

// handleAudit: GET /admin/audit?limit=N&after=ID, newest first (master
// administrators); X-Next-Cursor names the next page.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) error {
	p, err := s.authenticate(r.Context(), r, bearerAccess)
	if err != nil {
		return err
	}
	if !p.Member.HasRole(api.RoleMasterAdministrator) {
		return forbidden("only master administrators read the audit log")
	}
	limit, err := limitParam(r, 100, 1000)
	if err != nil {
		return err
	}
	after, err := auditCursor(r)
	if err != nil {
		return err
	}
	var events []api.AuditEvent
	err = s.store.Read(r.Context(), func(tx store.Tx) error {
		events, err = tx.AuditBefore(after, limit+1)
		return err
	})
	if err != nil {
		return err
	}
	if len(events) > limit {
		events = events[:limit]
		w.Header().Set(api.NextCursorHeader, strconv.FormatInt(events[limit-1].ID, 10))
	}
	writeJSON(w, http.StatusOK, events)
	return nil
}

// limitParam reads ?limit=N (1..max, default def).
func limitParam(r *http.Request, def, max int) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, validation("limit must be a whole number from 1 to " + strconv.Itoa(max))
	}
	return n, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
