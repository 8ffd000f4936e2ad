package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// Step-up: a signed-in member who must use two-step verification passes a
// fresh challenge (purpose password_change, started with the access token)
// before changing the password. The step-up token it yields is single use,
// valid 5 minutes, and bound to the member, the session and the purpose.

const stepUpTTL = 5 * time.Minute

// issueStepUp hands out the step-up token of a passed challenge.
func (s *Server) issueStepUp(ctx context.Context, tx Tx, p principal, ch Challenge) (api.AuthResponse, error) {
	if p.Kind != bearerAccess {
		return api.AuthResponse{}, errors.New("step-up without a session")
	}
	tok := newToken()
	err := tx.InsertStepUpToken(StepUpToken{Hash: hashToken(tok), MemberID: p.Member.ID, SessionID: p.Session.ID,
		Purpose: ch.Purpose, ChallengeID: ch.ID, ExpiresAt: s.now().Add(stepUpTTL)})
	if err != nil {
		return api.AuthResponse{}, err
	}
	if err := s.audit(ctx, tx, auditEvent{Kind: auditStepUpIssued, MemberID: p.Member.ID, Username: p.Member.Username, Detail: string(ch.Purpose)}); err != nil {
		return api.AuthResponse{}, err
	}
	return api.AuthResponse{State: api.StateStepUp, StepUpToken: tok, ExpiresIn: int(stepUpTTL / time.Second)}, nil
}

// checkStepUp reports why tok cannot unlock purpose for the principal's
// member and session (nil when it can).
func (s *Server) checkStepUp(tx Tx, p principal, tok string, purpose api.Purpose) error {
	if tok == "" || len(tok) > 256 {
		return invalidStepUp()
	}
	st, err := tx.StepUpToken(hashToken(tok))
	if errors.Is(err, ErrNotFound) {
		return invalidStepUp()
	}
	if err != nil {
		return err
	}
	if st.MemberID != p.Member.ID || st.SessionID != p.Session.ID || st.Purpose != purpose ||
		!st.UsedAt.IsZero() || !s.now().Before(st.ExpiresAt) {
		return invalidStepUp()
	}
	return nil
}

func invalidStepUp() *httpError {
	return perr(http.StatusForbidden, api.CodeInvalidStepUp, "the step-up token is unknown, used, expired or not for this change; verify again")
}
