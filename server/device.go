package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// The device API: the phone side of app notifications. A registered phone
// (device_register.go) long-polls its pending pushes with its device token
// and approves (with the number the member typed) or denies each.

// phone is a device speaking with its device token.
type phone struct {
	Device store.Device
	Member store.Member
}

// authDevice finds the registered, unrevoked phone of the request's bearer
// token; its app notification factor must still stand (not reset).
func (s *Server) authDevice(ctx context.Context, r *http.Request) (phone, error) {
	tok := bearerToken(r)
	if tok == "" {
		return phone{}, invalidToken()
	}
	var ph phone
	err := s.store.Read(ctx, func(tx store.Tx) error {
		d, err := tx.DeviceByToken(hashToken(tok))
		if errors.Is(err, store.ErrNotFound) {
			return invalidToken()
		}
		if err != nil {
			return err
		}
		if !d.RevokedAt.IsZero() {
			return invalidToken()
		}
		f, err := tx.Factor(d.FactorID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && f.Status == api.FactorReset) {
			return invalidToken()
		}
		if err != nil {
			return err
		}
		m, err := tx.Member(d.MemberID)
		if err != nil {
			return err
		}
		ph = phone{Device: d, Member: m}
		return nil
	})
	return ph, err
}

// handleDeviceNotifications: GET /device/notifications?wait=N lists the
// phone's pending pushes, waiting (at most N seconds) for one to arrive.
// The number is never sent.
func (s *Server) handleDeviceNotifications(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	ph, err := s.authDevice(ctx, r)
	if err != nil {
		return err
	}
	wait, err := waitParam(r)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(wait)
	defer s.metrics.longPoll("device")()
	for {
		woken, release := s.hub.subscribe(deviceKey(ph.Device.FactorID))
		var list []api.Notification
		err := s.store.Read(ctx, func(tx store.Tx) error {
			pushes, err := tx.FactorPushes(ph.Device.FactorID, s.now())
			if err != nil {
				return err
			}
			list = make([]api.Notification, 0, len(pushes))
			for _, ch := range pushes {
				list = append(list, api.Notification{ID: ch.ID, Username: ph.Member.Username, ConsoleVersion: ch.ConsoleVersion,
					ClientAddress: ch.ClientAddress, ExpiresAt: ch.ExpiresAt})
			}
			return nil
		})
		left := time.Until(deadline)
		if err != nil || len(list) > 0 || left <= 0 || s.hub.stopping() {
			release()
			if err != nil {
				return err
			}
			writeJSON(w, http.StatusOK, list)
			return nil
		}
		s.hub.sleep(ctx, woken, left)
		release()
		if ctx.Err() != nil {
			return nil
		}
	}
}

// handleDeviceDecision: POST /device/notifications/{id} {decision,
// match_number}. Approve needs the number the console shows; a wrong number
// denies the push (and counts as a failed code).
func (s *Server) handleDeviceDecision(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	ph, err := s.authDevice(ctx, r)
	if err != nil {
		return err
	}
	var req api.NotificationDecision
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := checkDecision(req); err != nil {
		return err
	}
	id := r.PathValue("id")
	if !validID(id, prefixChallenge) {
		return notFound("notification")
	}
	err = s.store.Write(ctx, func(tx store.Tx) error {
		ch, actx, err := s.openNotification(ctx, tx, ph, id)
		if err != nil {
			return err
		}
		return appNotification{s}.decide(ctx, actx, tx, ph, &ch, req)
	})
	if err != nil {
		return err
	}
	s.hub.publish(challengeKey(id))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// checkDecision checks a phone's answer before anything is looked up.
func checkDecision(req api.NotificationDecision) error {
	switch req.Decision {
	case api.DecisionApprove:
		if len(req.MatchNumber) != 2 || strings.Trim(req.MatchNumber, "0123456789") != "" {
			return validation("match_number must be the two digits the console shows")
		}
	case api.DecisionDeny:
		if len(req.MatchNumber) > 2 {
			return validation("match_number must be the two digits the console shows")
		}
	default:
		return validation("decision must be approve or deny")
	}
	return nil
}

// openNotification loads the push id sent to ph's app notification factor,
// still waiting for an answer (a push whose time is up is expired and
// refused, keeping the expiry). actx carries the console's address and
// version (the sign-in it answers) for the audit events.
func (s *Server) openNotification(ctx context.Context, tx store.Tx, ph phone, id string) (store.Challenge, context.Context, error) {
	ch, err := tx.Challenge(id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (ch.Method != api.MethodAppNotification || ch.FactorID != ph.Device.FactorID)) {
		return ch, ctx, notFound("notification")
	}
	if err != nil {
		return ch, ctx, err
	}
	actx := context.WithValue(ctx, reqInfoKey, reqInfo{ClientAddress: ch.ClientAddress, ConsoleVersion: ch.ConsoleVersion})
	if err := s.expireAndAudit(actx, tx, &ch, ph.Member); err != nil {
		return ch, actx, err
	}
	switch ch.Status {
	case store.ChallengeStatusPending:
		return ch, actx, nil
	case store.ChallengeStatusExpired:
		return ch, actx, store.CommitThen(perr(http.StatusGone, api.CodeChallengeExpired, "the notification expired"))
	}
	return ch, actx, store.CommitThen(perr(http.StatusConflict, api.CodeAlreadyDecided, "the notification was already answered or cancelled"))
}
