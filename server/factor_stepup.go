package server

import (
	"context"
	"errors"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// Factor changes with an access token need a fresh second factor: a step-up
// token of purpose manage_two_step, earned by a challenge started with the
// access token (as for the password change), bound to the member, the
// session and the purpose, single use, valid 5 minutes. Without it an access
// token alone, stolen or left open, could pair the thief's app or phone.
//
// One change, one step-up: the call that starts a change (pairing, a new
// phone or address, a code sent to a reset factor) uses the token up and
// binds the factor it acts on to the session until the token's expiry. The
// rest of that change in the same session (a resend, the confirming code,
// even a wrong one first, and Activate) is covered by that binding; anything
// else needs a new step-up.
//
// Exempt: the setup mfa_token (first-time setup or setup after a reset,
// reached only through a sign-in that answered mfa_setup_required), and a
// member with no active factor at all, who has nothing a thief could take
// over and pairs the first factor with the access token alone.

// stepUpGrant is what let a factor change through: the session and the end
// of the step-up that covers the change (zero when exempt).
type stepUpGrant struct {
	session string
	until   time.Time
	fresh   bool // a step-up token was used up by this call
}

// bind records the grant on a factor the call creates or acts on.
func (g stepUpGrant) bind(f *store.Factor) {
	if g.session != "" {
		f.StepUpSession, f.StepUpUntil = g.session, g.until
	}
}

// coveredBy reports whether f's change was started under a step-up of this
// session that has not yet expired.
func (s *Server) coveredBy(f store.Factor, p principal) bool {
	return f.StepUpSession != "" && f.StepUpSession == p.Session.ID && s.now().Before(f.StepUpUntil)
}

// authorizeFactorChange decides, inside the call's write transaction,
// whether p may change factors. covers are the factors whose binding may
// cover the call (the factor it acts on; for Activate the active ones);
// what names the change for the audit log. A step-up token is used up only
// when no binding covers the call; the transaction's rollback gives it back
// when the call fails later.
func (s *Server) authorizeFactorChange(ctx context.Context, tx store.Tx, p principal, tok string, covers []store.Factor, what string) (stepUpGrant, error) {
	if p.Kind != bearerAccess {
		return stepUpGrant{}, nil
	}
	factors, err := tx.Factors(p.Member.ID)
	if err != nil {
		return stepUpGrant{}, err
	}
	e := summarize(factors)
	if len(e.active) == 0 {
		return stepUpGrant{}, nil
	}
	for _, f := range covers {
		if s.coveredBy(f, p) {
			return stepUpGrant{session: f.StepUpSession, until: f.StepUpUntil}, nil
		}
	}
	if tok == "" {
		st, err := tx.Settings()
		if err != nil {
			return stepUpGrant{}, err
		}
		return stepUpGrant{}, stepUpRequired(e.active, st.PrimaryMethod)
	}
	su, err := s.stepUpToken(tx, p, tok, api.PurposeManageTwoStep)
	if err != nil {
		return stepUpGrant{}, err
	}
	if err := tx.UseStepUpToken(su.Hash, s.now()); err != nil {
		return stepUpGrant{}, err
	}
	ev := memberEvent(auditStepUpUsed, p.Member)
	ev.Detail = string(api.PurposeManageTwoStep) + " " + what
	if err := s.audit(ctx, tx, ev); err != nil {
		return stepUpGrant{}, err
	}
	return stepUpGrant{session: p.Session.ID, until: su.ExpiresAt, fresh: true}, nil
}

// auditRefusedStepUp records a factor change refused for a bad step-up
// token, in a transaction of its own (the call's rolled back).
func (s *Server) auditRefusedStepUp(ctx context.Context, p principal, err error, what string) {
	var he *httpError
	if errors.As(err, &he) && he.p.Code == api.CodeInvalidStepUp {
		ev := memberEvent(auditStepUpRefused, p.Member)
		ev.Detail = string(api.PurposeManageTwoStep) + " " + what
		s.auditAlone(ctx, ev)
	}
}
