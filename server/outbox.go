package server

import (
	"context"
	"fmt"
	"net/http"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// sendCode "sends" a one-time code by SMS or email. The reference server has
// no gateway: in dev mode the message goes to the outbox table, readable over
// GET /dev/outbox; otherwise only the fact of sending is logged (no code).
func (s *Server) sendCode(ctx context.Context, tx store.Outbox, channel api.Method, to, code string) error {
	body := fmt.Sprintf("Your Remote Support verification code is %s. It expires in %d minutes.", code, int(codeTTL.Minutes()))
	if !s.cfg.Dev {
		s.log.Warn("no SMS/email gateway configured; code not delivered (start with --dev for the outbox)", "channel", channel)
		return nil
	}
	return tx.InsertOutbox(api.OutboxMessage{At: s.now(), Channel: channel, To: normalizeTarget(to), Body: body, Code: code})
}

// handleOutbox: GET /dev/outbox?to=X&limit=N, newest first (dev mode only;
// the route does not exist otherwise).
func (s *Server) handleOutbox(w http.ResponseWriter, r *http.Request) error {
	to := r.URL.Query().Get("to")
	if len(to) > 254 {
		return validation("to is too long")
	}
	limit, err := limitParam(r, 50, 1000)
	if err != nil {
		return err
	}
	var msgs []api.OutboxMessage
	err = s.store.Read(r.Context(), func(tx store.Tx) error {
		key := ""
		if to != "" {
			key = normalizeTarget(to)
			if key == "" {
				key = to
			}
		}
		msgs, err = tx.ListOutbox(key, limit)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, msgs)
	return nil
}
