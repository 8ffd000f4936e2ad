package server

import (
	"context"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

// A password check is throttled atomically (docs/DESIGN.md section 6): in one write
// transaction (BEGIN IMMEDIATE) the limits of the client's budget are
// checked and a provisional failure is recorded, before the hash. Parallel
// guesses therefore queue on the write lock and each one sees the checks
// before it, decided or in flight: no more than the limit are ever judged.
//
// A provisional failure only holds a place while its hash runs; it is
// counted once the password is known to be wrong. When the counted failures
// are under the limit but the checks in flight fill the rest, a new check
// waits for them to be decided (a right password frees its place, a wrong
// one becomes a counted failure) instead of being refused: a burst of right
// passwords is never answered 429, and a right password is refused only when
// the counted failures have reached the limit. A check that never reached a
// verdict (hashing busy, client gone) deletes its provisional failure; one
// whose server died counts as a failure once provisionalTTL has passed.

const (
	// provisionalTTL is far beyond the longest check (hashWait plus a hash).
	provisionalTTL = time.Minute
	// admitWait is how long a check waits for a place before 503 busy.
	admitWait = 10 * time.Second
	// admitPoll re-reads the limits without a wake-up (checks decided by
	// another replica).
	admitPoll = 250 * time.Millisecond
)

// topicPasswordChecks wakes checks waiting for a place when one is decided.
const topicPasswordChecks = "password-checks"

// passwordClient is whose failure budget a password check spends: the
// limits it is judged by and the failure it records.
type passwordClient struct {
	limits  []limit
	kind    string
	subject string
	trusted bool // a valid device cookie or a session
}

// untrustedClient is a sign-in without a valid device cookie: it spends the
// username's budget and the client address's.
func untrustedClient(username, addr string) passwordClient {
	return passwordClient{limits: []limit{passwordLimit(username), addressLimit(addr)}, kind: failurePassword, subject: username}
}

// deviceClient is a sign-in with a valid device cookie: its own budget only,
// so that nobody else's failures lock it out (its failures still count
// toward the client address's limit that untrusted clients are judged by).
func deviceClient(nonce string) passwordClient {
	return passwordClient{limits: []limit{deviceLimit(nonce)}, kind: failureDevicePassword, subject: nonce, trusted: true}
}

// sessionClient is the current password of a password change: the signed-in
// session's own budget, like a device cookie's.
func sessionClient(sessionID string) passwordClient {
	return passwordClient{limits: []limit{sessionPasswordLimit(sessionID)}, kind: failureSessionPassword, subject: sessionID, trusted: true}
}

// beginPasswordCheck records a provisional failure for the client that pick
// names, once its limits allow, and returns its id. pick runs in the
// check's transaction (again on every try) and may look the member up. A
// refusal is audited as refused (its Kind set to throttled) and answered
// 429; a check that finds no place within admitWait is answered 503 busy.
func (s *Server) beginPasswordCheck(ctx context.Context, refused auditEvent, pick func(store.Tx) (passwordClient, error)) (int64, error) {
	deadline := time.NewTimer(admitWait)
	defer deadline.Stop()
	for {
		woken, release := s.hub.subscribe(topicPasswordChecks)
		id, full, err := s.tryPasswordCheck(ctx, refused, pick)
		if err != nil || !full {
			release()
			return id, err
		}
		err = waitForPlace(ctx, woken, deadline.C)
		release()
		if err != nil {
			return 0, err
		}
	}
}

func waitForPlace(ctx context.Context, woken <-chan struct{}, deadline <-chan time.Time) error {
	poll := time.NewTimer(admitPoll)
	defer poll.Stop()
	select {
	case <-woken:
	case <-poll.C:
	case <-deadline:
		return errBusy
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// tryPasswordCheck is one try: full when the client's places are taken by
// checks in flight (nothing recorded).
func (s *Server) tryPasswordCheck(ctx context.Context, refused auditEvent, pick func(store.Tx) (passwordClient, error)) (int64, bool, error) {
	addr := info(ctx).ClientAddress
	var id int64
	var full bool
	var he *httpError
	err := s.store.Write(ctx, func(tx store.Tx) error {
		c, err := pick(tx)
		if err != nil {
			return err
		}
		if he, full, err = s.judge(tx, c.limits...); err != nil || full {
			return err
		}
		if he != nil {
			refused.Kind = auditThrottled
			if c.trusted {
				refused.Detail += " (device cookie)"
			}
			return s.audit(ctx, tx, refused)
		}
		id, err = tx.InsertFailure(store.Failure{At: s.now(), Kind: c.kind, Subject: c.subject, ClientAddress: addr, Provisional: true})
		return err
	})
	switch {
	case err != nil:
		return 0, false, err
	case he != nil:
		return 0, false, he
	}
	return id, full, nil
}

// passwordWrong counts the check's failure from now and audits ev, in one
// transaction (the request's answer is an error).
func (s *Server) passwordWrong(ctx context.Context, failureID int64, ev auditEvent) {
	err := s.store.Write(context.WithoutCancel(ctx), func(tx store.Tx) error {
		if err := tx.ConfirmFailure(failureID, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, ev)
	})
	s.passwordChecksDecided()
	if err != nil {
		s.log.Error("recording a wrong password", "err", err)
	}
}

// clearProvisionalFailure deletes the provisional failure of a check whose
// password was right or that reached no verdict (the hash did not run).
func (s *Server) clearProvisionalFailure(ctx context.Context, failureID int64) {
	err := s.store.Write(context.WithoutCancel(ctx), func(tx store.Tx) error { return tx.DeleteFailure(failureID) })
	s.passwordChecksDecided()
	if err != nil {
		s.log.Error("clearing a provisional failure", "err", err)
	}
}

// passwordChecksDecided wakes the checks waiting for a place.
func (s *Server) passwordChecksDecided() { s.hub.publish(topicPasswordChecks) }
