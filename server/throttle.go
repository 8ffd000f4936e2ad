package server

import (
	"context"
	"net/http"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// Throttling (docs/DESIGN.md section 6), counted in the database so that every
// replica sees the same numbers: per username 10 failed passwords from
// clients without a valid device cookie, per device cookie 5, 10 failed
// codes per member, all per 15 minutes, and per client address 100 failures
// of any kind. A password failure without a valid device cookie counts
// against the username typed, known or not, so an unknown username is
// throttled exactly like a real one.
const (
	throttleWindow       = 15 * time.Minute
	maxPasswordFailures  = 10 // per username, clients without a valid device cookie
	maxDeviceFailures    = 5  // per device cookie; per session for the current password
	maxCodeFailures      = 10
	maxPushTokenFailures = 10
	maxAddressFailures   = 100
)

// limit is one throttle: at most max failures matching f in the window.
type limit struct {
	f   store.FailureFilter
	max int
}

func passwordLimit(username string) limit {
	return limit{store.FailureFilter{Subject: username, Kind: failurePassword}, maxPasswordFailures}
}

func deviceLimit(nonce string) limit {
	return limit{store.FailureFilter{Subject: nonce, Kind: failureDevicePassword}, maxDeviceFailures}
}

func sessionPasswordLimit(sessionID string) limit {
	return limit{store.FailureFilter{Subject: sessionID, Kind: failureSessionPassword}, maxDeviceFailures}
}

func codeLimit(memberID string) limit {
	return limit{store.FailureFilter{Subject: memberID, Kind: failureCode}, maxCodeFailures}
}

func pushTokenLimit(addr string) limit {
	return limit{store.FailureFilter{Subject: addr, Kind: failurePushToken}, maxPushTokenFailures}
}

func addressLimit(addr string) limit {
	return limit{store.FailureFilter{ClientAddress: addr}, maxAddressFailures}
}

// throttled returns a 429 too_many_attempts answer when any limit is
// reached, saying when the last of them lifts; nil otherwise.
func (s *Server) throttled(tx store.Tx, limits ...limit) (*httpError, error) {
	he, _, err := s.judge(tx, limits...)
	return he, err
}

// judge reads each limit's window. refused is the 429 answer when the
// counted failures of any limit reached its max, saying when the next try
// can succeed: when the oldest counted failure of the last limit to lift
// leaves the window. full says that no limit refuses but the counted
// failures and the password checks still in flight together fill one: a
// new check must wait for those to be decided.
func (s *Server) judge(tx store.Failures, limits ...limit) (refused *httpError, full bool, err error) {
	now := s.now()
	var wait time.Duration
	for _, l := range limits {
		w, err := tx.RecentFailures(l.f, now.Add(-throttleWindow), now.Add(-provisionalTTL), l.max)
		if err != nil {
			return nil, false, err
		}
		if len(w.Counted) < l.max {
			full = full || len(w.Counted)+w.InFlight >= l.max
			continue
		}
		// The limit lifts when the max-th newest failure leaves the window.
		if d := w.Counted[l.max-1].Add(throttleWindow).Sub(now); d > wait {
			wait = d
		}
	}
	if wait <= 0 {
		return nil, full, nil
	}
	secs := int((wait + time.Second - 1) / time.Second)
	return perr(http.StatusTooManyRequests, api.CodeTooManyAttempts, "too many failed attempts; try again later").withRetryAfter(secs), false, nil
}

// checkThrottle runs throttled in a read transaction and audits a refusal.
func (s *Server) checkThrottle(ctx context.Context, ev auditEvent, limits ...limit) error {
	var he *httpError
	err := s.store.Read(ctx, func(tx store.Tx) error {
		var err error
		he, err = s.throttled(tx, limits...)
		return err
	})
	if err != nil {
		return err
	}
	if he != nil {
		ev.Kind = auditThrottled
		s.auditAlone(ctx, ev)
		return he
	}
	return nil
}

// recordFailure counts one failed attempt from the request's address.
func (s *Server) recordFailure(ctx context.Context, tx store.Failures, kind, subject string) error {
	_, err := tx.InsertFailure(store.Failure{At: s.now(), Kind: kind, Subject: subject, ClientAddress: info(ctx).ClientAddress})
	return err
}

// failedAttempt records a failure and its audit event in a transaction of
// their own (the request's answer is an error).
func (s *Server) failedAttempt(ctx context.Context, ev auditEvent, kind, subject string) {
	err := s.store.Write(context.WithoutCancel(ctx), func(tx store.Tx) error {
		if err := s.recordFailure(ctx, tx, kind, subject); err != nil {
			return err
		}
		return s.audit(ctx, tx, ev)
	})
	if err != nil {
		s.log.Error("recording a failed attempt", "kind", ev.Kind, "err", err)
	}
}

// Failure kinds counted by the throttle.
const (
	failurePassword        = "password"         // a wrong password from a client without a valid device cookie, known username or not
	failureDevicePassword  = "password_device"  // a wrong password from a client with a valid device cookie (subject: its nonce)
	failureSessionPassword = "password_session" // a wrong current password of a password change (subject: the session id)
	failureCode            = "code"             // a wrong code or push number
	failurePushToken       = "push_token"       // an unknown, used or expired registration token
)
