package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// Challenges: the second step of a sign-in. Each challenge is bound to the
// mfa_token that started it and to one factor; its code (SMS/email) is stored
// hashed and bound to the challenge id.

// challengeBearers are the tokens a challenge call accepts: the mfa_token of
// mfa_required (purpose login), or an access token (step-up, purpose
// password_change or manage_two_step).
var challengeBearers = []string{bearerChallenge, bearerAccess}

// handleStartChallenge: POST /auth/challenges {method | factor_id, purpose}.
func (s *Server) handleStartChallenge(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.authenticate(ctx, r, challengeBearers...)
	if err != nil {
		return err
	}
	var req api.ChallengeRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := checkChallengeRequest(p, &req); err != nil {
		return err
	}
	var out api.Challenge
	var wake string // the hub topic the method wakes (the phone of a push)
	err = s.store.Write(ctx, func(tx store.Tx) error {
		if err := s.stillValid(tx, p); err != nil {
			return err
		}
		f, err := pickFactor(tx, p.Member.ID, req)
		if err != nil {
			return err
		}
		v, err := s.verifierFor(f.Method)
		if err != nil {
			return err
		}
		ch := s.newChallenge(ctx, p, f, req.Purpose)
		if wake, err = v.start(ctx, tx, p, f, &ch, &out); err != nil {
			return err
		}
		out.ChallengeID, out.Method, out.ExpiresAt = ch.ID, f.Method, ch.ExpiresAt
		if err := tx.InsertChallenge(ch); err != nil {
			return err
		}
		return s.audit(ctx, tx, auditEvent{Kind: auditChallengeSent, MemberID: p.Member.ID, Username: p.Member.Username,
			Detail: string(f.Method) + " " + string(req.Purpose)})
	})
	if err != nil {
		s.auditRefusedPush(ctx, p, err)
		return err
	}
	if wake != "" {
		s.hub.publish(wake)
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// checkChallengeRequest checks what a new challenge asks for against the
// token it is started with; an empty purpose is a sign-in's.
func checkChallengeRequest(p principal, req *api.ChallengeRequest) error {
	switch {
	case req.Purpose != "" && req.Purpose != api.PurposeLogin && !stepUpPurpose(req.Purpose):
		return validation("purpose must be login, password_change or manage_two_step")
	case p.Kind == bearerAccess && !stepUpPurpose(req.Purpose):
		return validation("with an access token a challenge is a step-up: purpose must be password_change or manage_two_step")
	case p.Kind != bearerAccess && stepUpPurpose(req.Purpose):
		return validation("a step-up challenge is started with an access token, not an mfa_token")
	case req.Purpose == "":
		req.Purpose = api.PurposeLogin
	}
	if req.Method == "" && req.FactorID == "" {
		return validation("give method or factor_id")
	}
	if req.Method != "" && !req.Method.Valid() {
		return badRequest(api.CodeUnknownMethod, "method must be one of authenticator_app, app_notification, sms, email")
	}
	if req.FactorID != "" && !validID(req.FactorID, prefixFactor) {
		return notFound("factor")
	}
	return nil
}

// newChallenge is a pending challenge of p on f, before its method has
// prepared it.
func (s *Server) newChallenge(ctx context.Context, p principal, f store.Factor, purpose api.Purpose) store.Challenge {
	ri := info(ctx)
	return store.Challenge{
		ID: newID(prefixChallenge), MemberID: p.Member.ID, FactorID: f.ID, Method: f.Method, Purpose: purpose,
		BearerHash: challengeBinding(p), Status: store.ChallengeStatusPending, ExpiresAt: s.challengeExpiry(p), CreatedAt: s.now(),
		ConsoleVersion: ri.ConsoleVersion, ClientAddress: ri.ClientAddress,
	}
}

// challengeBinding is what a challenge is bound to: the sign-in's mfa_token,
// or for a step-up the session (its access token rotates on refresh).
func challengeBinding(p principal) string {
	if p.Kind == bearerAccess {
		return "session:" + p.Session.ID
	}
	return p.TokenHash
}

// challengeExpiry is when a challenge (or its newest code) expires: codeTTL
// from now, but never after the sign-in's mfa_token.
func (s *Server) challengeExpiry(p principal) time.Time {
	exp := s.now().Add(codeTTL)
	if p.Kind != bearerAccess && p.MFA.ExpiresAt.Before(exp) {
		exp = p.MFA.ExpiresAt
	}
	return exp
}

// pickFactor finds the member's active factor named by the request.
func pickFactor(tx store.Factors, memberID string, req api.ChallengeRequest) (store.Factor, error) {
	if req.FactorID != "" {
		f, err := tx.Factor(req.FactorID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && f.MemberID != memberID) {
			return store.Factor{}, notFound("factor")
		}
		if err != nil {
			return store.Factor{}, err
		}
		if f.Status != api.FactorActive || (req.Method != "" && req.Method != f.Method) {
			return store.Factor{}, badRequest(api.CodeMethodNotEnrolled, "that factor cannot be used for a challenge")
		}
		return f, nil
	}
	factors, err := tx.Factors(memberID)
	if err != nil {
		return store.Factor{}, err
	}
	for _, f := range summarize(factors).active {
		if f.Method == req.Method {
			return f, nil
		}
	}
	return store.Factor{}, badRequest(api.CodeMethodNotEnrolled, "you have no active "+req.Method.Label()+" method")
}

// stillValid re-checks, inside a write transaction, that the principal's
// single-use mfa_token has not been used meanwhile.
func (s *Server) stillValid(tx store.Tx, p principal) error {
	if p.Kind == bearerAccess {
		sess, err := tx.Session(p.Session.ID)
		if err != nil {
			return err
		}
		if !sess.RevokedAt.IsZero() {
			return invalidToken()
		}
		return nil
	}
	mt, err := tx.MFAToken(p.TokenHash)
	if err != nil {
		return err
	}
	if !mt.UsedAt.IsZero() || !s.now().Before(mt.ExpiresAt) {
		return invalidToken()
	}
	return nil
}

// ownChallenge loads a challenge the principal started.
func (s *Server) ownChallenge(tx store.Challenges, p principal, id string) (store.Challenge, error) {
	if !validID(id, prefixChallenge) {
		return store.Challenge{}, notFound("challenge")
	}
	ch, err := tx.Challenge(id)
	if errors.Is(err, store.ErrNotFound) {
		return ch, notFound("challenge")
	}
	if err != nil {
		return ch, err
	}
	if ch.MemberID != p.Member.ID || ch.BearerHash != challengeBinding(p) {
		return ch, notFound("challenge")
	}
	return ch, nil
}

// closedError is the answer for a challenge that no longer takes codes.
func closedError(ch store.Challenge) *httpError {
	switch ch.Status {
	case store.ChallengeStatusFailed:
		return perr(http.StatusGone, api.CodeChallengeFailed, "too many wrong codes; start a new challenge")
	case store.ChallengeStatusExpired:
		return perr(http.StatusGone, api.CodeChallengeExpired, "the challenge expired; start a new one")
	}
	return perr(http.StatusGone, api.CodeChallengeClosed, "the challenge is closed")
}

// pendingChallenge loads the caller's challenge and expires it if its time
// is up. One that is no longer pending is refused (closedError), without
// rolling back the expiry just recorded.
func (s *Server) pendingChallenge(tx store.Tx, p principal, id string) (store.Challenge, error) {
	ch, err := s.ownChallenge(tx, p, id)
	if err != nil {
		return ch, err
	}
	if err := s.expireIfDue(tx, &ch); err != nil {
		return ch, err
	}
	if ch.Status != store.ChallengeStatusPending {
		return ch, store.CommitThen(closedError(ch))
	}
	return ch, nil
}

// expireIfDue marks a pending challenge past its time as expired.
func (s *Server) expireIfDue(tx store.Challenges, ch *store.Challenge) error {
	if ch.Status == store.ChallengeStatusPending && !s.now().Before(ch.ExpiresAt) {
		ch.Status, ch.ClosedAt, ch.CodeHash = store.ChallengeStatusExpired, s.now(), ""
		return tx.UpdateChallenge(*ch)
	}
	return nil
}

// handleVerifyChallenge: POST /auth/challenges/{id}/verify {code}.
func (s *Server) handleVerifyChallenge(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.lookupBearer(ctx, r, true, challengeBearers...)
	if err != nil {
		return err
	}
	var req api.VerifyRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	code, err := cleanCode(req.Code)
	if err != nil {
		return err
	}
	var resp api.AuthResponse
	err = s.store.Write(ctx, func(tx store.Tx) error {
		ch, err := s.pendingChallenge(tx, p, r.PathValue("id"))
		if err != nil {
			return err
		}
		v, err := s.verifierFor(ch.Method)
		if err != nil {
			return err
		}
		ok, err := v.verify(ctx, tx, p, &ch, code)
		if err != nil {
			return err
		}
		if !ok {
			err := s.wrongChallengeCode(ctx, tx, &ch, p)
			if ch.Method == api.MethodAuthenticatorApp && s.totpReplayed(tx, ch.FactorID, code) {
				alreadyUsed(err)
			}
			return err
		}
		resp, err = s.passChallenge(ctx, tx, p, ch)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// challengeFactor is the factor a code typed for ch is checked against,
// once the checks every typed code passes are done: the sign-in is still
// open, neither the member nor the client address is throttled, and the
// factor was not reset meanwhile (that cancels the challenge).
func (s *Server) challengeFactor(ctx context.Context, tx store.Tx, p principal, ch *store.Challenge) (store.Factor, error) {
	if err := s.stillValid(tx, p); err != nil {
		return store.Factor{}, err
	}
	if err := s.codeThrottle(ctx, tx, p, auditEvent{MemberID: p.Member.ID, Username: p.Member.Username, Detail: "code"}); err != nil {
		return store.Factor{}, err
	}
	f, err := tx.Factor(ch.FactorID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.Factor{}, err
	}
	if err != nil || f.Status != api.FactorActive {
		ch.Status, ch.ClosedAt = store.ChallengeStatusCancelled, s.now()
		if err := tx.UpdateChallenge(*ch); err != nil {
			return store.Factor{}, err
		}
		return store.Factor{}, store.CommitThen(perr(http.StatusGone, api.CodeChallengeClosed, "that method was reset; sign in again"))
	}
	return f, nil
}

// passChallenge closes ch as passed and gives what it was for.
func (s *Server) passChallenge(ctx context.Context, tx store.Tx, p principal, ch store.Challenge) (api.AuthResponse, error) {
	ch.Status, ch.ClosedAt, ch.CodeHash = store.ChallengeStatusPassed, s.now(), ""
	if err := tx.UpdateChallenge(ch); err != nil {
		return api.AuthResponse{}, err
	}
	if err := s.audit(ctx, tx, auditEvent{Kind: auditChallengePassed, MemberID: p.Member.ID, Username: p.Member.Username, Detail: string(ch.Method) + " " + string(ch.Purpose)}); err != nil {
		return api.AuthResponse{}, err
	}
	return s.challengeOutcome(ctx, tx, p, ch)
}

// totpReplayed reports whether code is right for a time step the factor
// already accepted (a code used twice), so that the member hears to wait
// for the next code rather than that it is wrong.
func (s *Server) totpReplayed(tx store.Factors, factorID, code string) bool {
	f, err := tx.Factor(factorID)
	if err != nil {
		return false
	}
	secret, err := s.seal.open(f.Secret, f.ID)
	if err != nil {
		return false
	}
	step, ok := matchTOTP(string(secret), code, s.now())
	return ok && step <= f.LastStep
}

// alreadyUsed turns the invalid_code answer inside err into
// code_already_used (attempts_left stays: it counts as a wrong code).
func alreadyUsed(err error) {
	answer, ok := store.RefusalAnswer(err)
	if !ok {
		return
	}
	if he, ok := answer.(*httpError); ok && he.p.Code == api.CodeInvalidCode {
		he.p.Code, he.p.Type, he.p.Detail = api.CodeCodeAlreadyUsed, api.ProblemType(api.CodeCodeAlreadyUsed), "that code was already used; wait for the next one"
	}
}

// wrongChallengeCode counts a wrong code against the challenge and against
// the sign-in: the fifth, over all the sign-in's challenges, ends both, so
// that starting new challenges buys no more guesses. It answers the code
// (the count stays).
func (s *Server) wrongChallengeCode(ctx context.Context, tx store.Tx, ch *store.Challenge, p principal) error {
	ch.Attempts++
	used := ch.Attempts
	if p.Kind != bearerAccess {
		n, err := tx.FailMFAToken(p.TokenHash)
		if err != nil {
			return err
		}
		used = max(used, n)
	}
	ev := auditEvent{Kind: auditChallengeFailed, MemberID: p.Member.ID, Username: p.Member.Username, Detail: string(ch.Method)}
	answer, spent := codeBudget(used, "start a new challenge")
	if spent {
		ch.Status, ch.ClosedAt, ch.CodeHash = store.ChallengeStatusFailed, s.now(), ""
		ev.Kind = auditChallengeLocked
		if p.Kind != bearerAccess {
			if err := tx.UseMFAToken(p.TokenHash, s.now()); err != nil {
				return err
			}
		}
	}
	if err := tx.UpdateChallenge(*ch); err != nil {
		return err
	}
	if err := s.recordFailure(ctx, tx, failureCode, p.Member.ID); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, ev); err != nil {
		return err
	}
	return store.CommitThen(answer)
}

// cleanCode reads a code as the console does (api.NormalizeCode) and
// refuses empty or absurd input before anything is looked up.
func cleanCode(c string) (string, error) {
	c = api.NormalizeCode(c)
	if c == "" || len(c) > 16 {
		return "", validation(fmt.Sprintf("code must be the %d digits you received", api.CodeDigits))
	}
	return c, nil
}

// handleResendChallenge: POST /auth/challenges/{id}/resend sends a new code
// (after the cooldown); the old code stops working.
func (s *Server) handleResendChallenge(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.lookupBearer(ctx, r, true, challengeBearers...)
	if err != nil {
		return err
	}
	if err := decodeOptional(w, r, &struct{}{}); err != nil {
		return err
	}
	var out api.Challenge
	err = s.store.Write(ctx, func(tx store.Tx) error {
		ch, err := s.pendingChallenge(tx, p, r.PathValue("id"))
		if err != nil {
			return err
		}
		if err := s.stillValid(tx, p); err != nil {
			return err
		}
		if !sendsCodes(ch.Method) {
			return validation("only text message and email challenges send codes")
		}
		if out, err = (sentCode{s}).resend(ctx, tx, p, &ch); err != nil {
			return err
		}
		return s.audit(ctx, tx, auditEvent{Kind: auditChallengeSent, MemberID: p.Member.ID, Username: p.Member.Username, Detail: string(ch.Method) + " resend"})
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func tooSoon(wait time.Duration) *httpError {
	secs := int((wait + time.Second - 1) / time.Second)
	return perr(http.StatusTooManyRequests, api.CodeResendTooSoon, "wait before sending another code").withRetryAfter(secs)
}

// handleCancelChallenge: DELETE /auth/challenges/{id}.
func (s *Server) handleCancelChallenge(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.lookupBearer(ctx, r, true, challengeBearers...)
	if err != nil {
		return err
	}
	err = s.store.Write(ctx, func(tx store.Tx) error {
		ch, err := s.ownChallenge(tx, p, r.PathValue("id"))
		if err != nil {
			return err
		}
		if ch.Status != store.ChallengeStatusPending {
			return nil
		}
		ch.Status, ch.ClosedAt, ch.CodeHash = store.ChallengeStatusCancelled, s.now(), ""
		if err := tx.UpdateChallenge(ch); err != nil {
			return err
		}
		return s.audit(ctx, tx, auditEvent{Kind: auditChallengeCanceled, MemberID: p.Member.ID, Username: p.Member.Username, Detail: string(ch.Method)})
	})
	if err != nil {
		return err
	}
	s.hub.publish(challengeKey(r.PathValue("id")))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func wireStatus(stored string) string {
	switch stored {
	case store.ChallengeStatusPending:
		return api.ChallengePending
	case store.ChallengeStatusPassed, store.ChallengeStatusApproved:
		return api.ChallengeApproved
	case store.ChallengeStatusExpired:
		return api.ChallengeExpired
	}
	return api.ChallengeDenied
}
