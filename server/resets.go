package server

import (
	"context"

	"github.com/remotesupport/techconsole/api"
)

// The two kinds of two-step reset. Both mark the member reset (they are no
// longer activated: sign-in sends them through setup, "previously set
// up") and revoke their push devices and sessions.

// resetLostPhone is "Force two-step verification reset" (the lost-phone
// reset): the authenticator (and the app notification beside it) becomes
// reset, a pending one is dropped, the backup stays active.
func (s *Server) resetLostPhone(ctx context.Context, tx Tx, m Member, actor Member) error {
	factors, err := tx.Factors(m.ID)
	if err != nil {
		return err
	}
	now := s.now()
	had := m.TwoStep != TwoStepNone // a member with nothing set up stays "first time"
	for _, f := range factors {
		if f.Status != api.FactorPending {
			had = true
		}
		if f.Method != api.MethodAuthenticatorApp && f.Method != api.MethodAppNotification {
			continue
		}
		if f.Status == api.FactorPending {
			if err := s.deleteFactor(tx, f); err != nil {
				return err
			}
			continue
		}
		f.Status, f.CodeHash = api.FactorReset, ""
		if err := tx.UpdateFactor(f); err != nil {
			return err
		}
	}
	if had {
		if err := tx.SetTwoStep(m.ID, TwoStepReset); err != nil {
			return err
		}
	}
	if err := tx.RevokeDevices(m.ID, now); err != nil {
		return err
	}
	if err := tx.RevokeMemberSessions(m.ID, now, "two-step reset"); err != nil {
		return err
	}
	return s.audit(ctx, tx, auditEvent{Kind: auditResetLostPhone, MemberID: m.ID, Username: m.Username, ActorID: actor.ID})
}

// resetEveryone is the complete reset that follows a change of the primary
// method: every factor of every member becomes reset (pending ones are
// dropped). It returns how many members had at least one factor.
func (s *Server) resetEveryone(ctx context.Context, tx Tx, actor Member) (int, error) {
	members, err := tx.ListMembers()
	if err != nil {
		return 0, err
	}
	now := s.now()
	count := 0
	for _, m := range members {
		factors, err := tx.Factors(m.ID)
		if err != nil {
			return 0, err
		}
		if len(factors) == 0 {
			continue
		}
		count++
		for _, f := range factors {
			if f.Status == api.FactorPending {
				if err := tx.DeleteFactor(f.ID); err != nil {
					return 0, err
				}
				continue
			}
			f.Status, f.CodeHash = api.FactorReset, ""
			if err := tx.UpdateFactor(f); err != nil {
				return 0, err
			}
		}
		if err := tx.SetTwoStep(m.ID, TwoStepReset); err != nil {
			return 0, err
		}
		if err := tx.RevokeDevices(m.ID, now); err != nil {
			return 0, err
		}
		if err := tx.RevokeMemberSessions(m.ID, now, "primary method changed"); err != nil {
			return 0, err
		}
	}
	return count, nil
}
