package server

import (
	"context"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// appNotification is the push to the paired phone: the member approves it
// there by typing the number the console shows (device.go). It is set up
// from the phone, beside its authenticator (device_register.go).
type appNotification struct{ s *Server }

func (v appNotification) start(_ context.Context, tx store.Tx, p principal, f store.Factor, ch *store.Challenge, out *api.Challenge) (string, error) {
	if err := v.s.preparePush(tx, p, ch); err != nil {
		return "", err
	}
	out.MatchNumber = ch.MatchNumber
	return deviceKey(f.ID), nil
}

func (appNotification) verify(context.Context, store.Tx, principal, *store.Challenge, string) (bool, error) {
	return false, validation("an app notification is answered on the phone")
}

func (appNotification) confirm(context.Context, store.Tx, principal, *store.Factor, string, auditEvent) error {
	return validation("app notification is set up from the phone")
}

// decide records the phone's answer to the pending push ch: approved when
// the number typed is the one the console shows, denied otherwise (a wrong
// number also counts as a wrong code). The phone (ph) is named in the audit
// detail; actx carries the console's address.
func (v appNotification) decide(ctx, actx context.Context, tx store.Tx, ph phone, ch *store.Challenge, req api.NotificationDecision) error {
	from := " on " + ph.Device.ID + " from " + info(ctx).ClientAddress
	ev := auditEvent{Kind: auditPushDenied, MemberID: ph.Member.ID, Username: ph.Member.Username, Detail: "denied" + from}
	ch.ClosedAt = v.s.now()
	switch {
	case req.Decision == api.DecisionDeny:
		ch.Status = store.ChallengeStatusDenied
	case constantTimeEqual(req.MatchNumber, ch.MatchNumber):
		ch.Status, ch.ClosedAt = store.ChallengeStatusApproved, time.Time{}
		ev.Kind, ev.Detail = auditPushApproved, "approved"+from
	default:
		ch.Status = store.ChallengeStatusDenied
		ev.Detail = "wrong number typed" + from
		if err := v.s.recordFailure(actx, tx, failureCode, ph.Member.ID); err != nil {
			return err
		}
	}
	if err := tx.UpdateChallenge(*ch); err != nil {
		return err
	}
	return v.s.audit(actx, tx, ev)
}
