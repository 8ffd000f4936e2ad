package server

import (
	"context"
	"errors"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// The two kinds of two-step reset. Both mark the member reset (they are no
// longer activated: sign-in sends them through setup, "previously set
// up") and revoke their push devices and sessions.

// resetLostPhone is "Force two-step verification reset" (the lost-phone
// reset): the authenticator (and the app notification beside it) becomes
// reset, a pending one is dropped, the backup stays active.
func (s *Server) resetLostPhone(ctx context.Context, tx store.Tx, m store.Member, actor store.Member) error {
	factors, err := tx.Factors(m.ID)
	if err != nil {
		return err
	}
	had := m.TwoStep != store.TwoStepNone // a member with nothing set up stays "first time"
	for _, f := range factors {
		had = had || f.Status != api.FactorPending
	}
	phone := func(f store.Factor) bool {
		return f.Method == api.MethodAuthenticatorApp || f.Method == api.MethodAppNotification
	}
	if err := s.resetFactors(tx, m, factors, phone, had, "two-step reset"); err != nil {
		return err
	}
	return s.audit(ctx, tx, auditEvent{Kind: auditResetLostPhone, MemberID: m.ID, Username: m.Username, ActorID: actor.ID})
}

// resetAllFactors is the lost-phone reset for a member who lost the backup
// too: every factor becomes reset (pending ones are dropped), so setup starts
// from the beginning with no backup to verify. Only a master administrator
// asks for it (handleResetMember).
func (s *Server) resetAllFactors(ctx context.Context, tx store.Tx, m store.Member, actor store.Member) error {
	factors, err := tx.Factors(m.ID)
	if err != nil {
		return err
	}
	had := m.TwoStep != store.TwoStepNone
	for _, f := range factors {
		had = had || f.Status != api.FactorPending
	}
	every := func(store.Factor) bool { return true }
	if err := s.resetFactors(tx, m, factors, every, had, "two-step reset, backup included"); err != nil {
		return err
	}
	return s.audit(ctx, tx, auditEvent{Kind: auditResetAllFactors, MemberID: m.ID, Username: m.Username, ActorID: actor.ID})
}

// resetEveryone is the complete reset that follows a change of the primary
// method: every factor of every member becomes reset (pending ones are
// dropped). It returns how many members had at least one factor.
func (s *Server) resetEveryone(ctx context.Context, tx store.Tx, actor store.Member) (int, error) {
	members, err := tx.ListMembers()
	if err != nil {
		return 0, err
	}
	count := 0
	every := func(store.Factor) bool { return true }
	for _, m := range members {
		factors, err := tx.Factors(m.ID)
		if err != nil {
			return 0, err
		}
		if len(factors) == 0 {
			continue
		}
		count++
		if err := s.resetFactors(tx, m, factors, every, true, "primary method changed"); err != nil {
			return 0, err
		}
	}
	return count, nil
}

// resetFactors resets the factors of m that resets selects: a pending one
// is deleted with its devices (a half-paired authenticator may already have
// a phone registered), any other becomes reset and loses its code. markReset
// marks m reset; m's push devices and sessions are revoked (why says so).
func (s *Server) resetFactors(tx store.Tx, m store.Member, factors []store.Factor, resets func(store.Factor) bool, markReset bool, why string) error {
	for _, f := range factors {
		if !resets(f) {
			continue
		}
		if f.Status == api.FactorPending {
			// ErrNotFound: an app notification already gone with its authenticator.
			if err := s.deleteFactor(tx, f); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			continue
		}
		f.Status, f.CodeHash = api.FactorReset, ""
		if err := tx.UpdateFactor(f); err != nil {
			return err
		}
	}
	if markReset {
		if err := tx.SetTwoStep(m.ID, store.TwoStepReset); err != nil {
			return err
		}
	}
	now := s.now()
	if err := tx.RevokeDevices(m.ID, now); err != nil {
		return err
	}
	return tx.RevokeMemberSessions(m.ID, now, why)
}
