package server

import (
	"context"
)

// A password check is throttled atomically (DESIGN section 6): in one write
// transaction (BEGIN IMMEDIATE) the per-username and per-address limits are
// checked and a provisional failure is recorded, before the hash. Parallel
// guesses therefore queue on the write lock and each one sees the failures
// of those before it: no more than the limit are ever judged. After the
// hash a right password deletes its provisional failure; a wrong one keeps
// it. A check that never reached a verdict (hashing busy, client gone)
// deletes it too.

// beginPasswordCheck checks the limits for subject (the username typed)
// and the request's address and records a provisional failure, returning
// its id. lookup, when not nil, runs in the same transaction. A refusal is
// audited as refused (its Kind set to throttled) and answered 429.
func (s *Server) beginPasswordCheck(ctx context.Context, refused auditEvent, subject string, lookup func(Tx) error) (int64, error) {
	addr := info(ctx).ClientAddress
	var id int64
	var he *httpError
	err := s.store.Write(ctx, func(tx Tx) error {
		var err error
		if he, err = s.throttled(tx, passwordLimit(subject), addressLimit(addr)); err != nil {
			return err
		}
		if he != nil {
			refused.Kind = auditThrottled
			return s.audit(ctx, tx, refused)
		}
		if lookup != nil {
			if err := lookup(tx); err != nil {
				return err
			}
		}
		id, err = tx.InsertFailure(Failure{At: s.now(), Kind: failurePassword, Subject: subject, ClientAddress: addr})
		return err
	})
	if err != nil {
		return 0, err
	}
	if he != nil {
		return 0, he
	}
	return id, nil
}

// clearProvisionalFailure deletes the provisional failure of a check whose
// password was right or that reached no verdict (the hash did not run).
func (s *Server) clearProvisionalFailure(ctx context.Context, failureID int64) {
	err := s.store.Write(context.WithoutCancel(ctx), func(tx Tx) error { return tx.DeleteFailure(failureID) })
	if err != nil {
		s.log.Error("clearing a provisional failure", "err", err)
	}
}
