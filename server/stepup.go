package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// Step-up: a signed-in member passes a fresh challenge, started with the
// access token, before a sensitive change: purpose password_change before
// changing the password (where two-step verification applies), purpose
// manage_two_step before changing factors (factor_stepup.go). The step-up
// token it yields is single use, valid 5 minutes, and bound to the member,
// the session and the purpose.

const stepUpTTL = 5 * time.Minute

// issueStepUp hands out the step-up token of a passed challenge.
func (s *Server) issueStepUp(ctx context.Context, tx store.Tx, p principal, ch store.Challenge) (api.AuthResponse, error) {
	if p.Kind != bearerAccess {
		return api.AuthResponse{}, errors.New("step-up without a session")
	}
	tok := newToken()
	err := tx.InsertStepUpToken(store.StepUpToken{Hash: hashToken(tok), MemberID: p.Member.ID, SessionID: p.Session.ID,
		Purpose: ch.Purpose, ChallengeID: ch.ID, ExpiresAt: s.now().Add(stepUpTTL)})
	if err != nil {
		return api.AuthResponse{}, err
	}
	if err := s.audit(ctx, tx, auditEvent{Kind: auditStepUpIssued, MemberID: p.Member.ID, Username: p.Member.Username, Detail: string(ch.Purpose)}); err != nil {
		return api.AuthResponse{}, err
	}
	return api.AuthResponse{State: api.StateStepUp, StepUpToken: tok, ExpiresIn: int(stepUpTTL / time.Second)}, nil
}

// stepUpPurpose reports whether a challenge of purpose yields a step-up
// token (rather than a session).
func stepUpPurpose(p api.Purpose) bool {
	return p == api.PurposePasswordChange || p == api.PurposeManageTwoStep
}

// checkStepUp reports why tok cannot unlock purpose for the principal's
// member and session (nil when it can).
func (s *Server) checkStepUp(tx store.Tx, p principal, tok string, purpose api.Purpose) error {
	_, err := s.stepUpToken(tx, p, tok, purpose)
	return err
}

// stepUpToken loads tok when it can unlock purpose for the principal's
// member and session.
func (s *Server) stepUpToken(tx store.StepUps, p principal, tok string, purpose api.Purpose) (store.StepUpToken, error) {
	if tok == "" || len(tok) > 256 {
		return store.StepUpToken{}, invalidStepUp()
	}
	st, err := tx.StepUpToken(hashToken(tok))
	if errors.Is(err, store.ErrNotFound) {
		return store.StepUpToken{}, invalidStepUp()
	}
	if err != nil {
		return store.StepUpToken{}, err
	}
	if st.MemberID != p.Member.ID || st.SessionID != p.Session.ID || st.Purpose != purpose ||
		!st.UsedAt.IsZero() || !s.now().Before(st.ExpiresAt) {
		return store.StepUpToken{}, invalidStepUp()
	}
	return st, nil
}

// stepUpRequired is the answer to a sensitive change without a step-up
// token: the member's active methods and the primary one, for the challenge.
func stepUpRequired(active []store.Factor, primary api.Method) *httpError {
	he := perr(http.StatusForbidden, api.CodeStepUpRequired, "verify it is you with two-step verification first")
	he.p.Methods, he.p.PrimaryMethod = methodOptions(active), primary
	return he
}

func invalidStepUp() *httpError {
	return perr(http.StatusForbidden, api.CodeInvalidStepUp, "the step-up token is unknown, used, expired or not for this change; verify again")
}
