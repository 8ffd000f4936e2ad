package server

import (
	"context"
	"net/http"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// Each kind of two-step method is one verifier, in a file of its own
// (method_*.go): how a sign-in or step-up challenge on it starts, how a code
// typed for that challenge is checked, and how a new factor of it is
// confirmed during setup. The handlers (challenges.go, setup.go) do the
// steps every kind shares and ask the verifier for the rest; a new kind of
// method is a new file with its verifier and a line in verifierFor.
type verifier interface {
	// start prepares ch, a new challenge on f, and fills in what the
	// console shows (out). wake is the hub topic to wake once the
	// transaction has committed, "" for none.
	start(ctx context.Context, tx store.Tx, p principal, f store.Factor, ch *store.Challenge, out *api.Challenge) (wake string, err error)
	// verify checks a code typed for ch, a pending challenge of p. false
	// is a wrong code (the caller counts it); an error refuses the code.
	verify(ctx context.Context, tx store.Tx, p principal, ch *store.Challenge, code string) (bool, error)
	// confirm checks the code that confirms f during setup. A wrong code
	// comes back as a refusal, already counted and audited as ev.
	confirm(ctx context.Context, tx store.Tx, p principal, f *store.Factor, code string, ev auditEvent) error
}

var (
	_ verifier = authenticatorApp{}
	_ verifier = appNotification{}
	_ verifier = sentCode{}
)

// verifierFor is the method dispatch. The server deliberately accepts every
// method from every console version: which methods a console offers, and in
// which order, is the rule of that console release, applied by the console
// (app.CapabilitiesOf), as the real releases did. So nothing here looks at
// the console's version.
func (s *Server) verifierFor(m api.Method) (verifier, error) {
	switch m {
	case api.MethodAuthenticatorApp:
		return authenticatorApp{s}, nil
	case api.MethodAppNotification:
		return appNotification{s}, nil
	case api.MethodSMS, api.MethodEmail:
		return sentCode{s}, nil
	}
	return nil, badRequest(api.CodeUnknownMethod, "that method cannot be challenged")
}

// Rules every kind that takes a typed code shares.

// codeThrottle refuses a typed code while the member or the client address
// is throttled; the refusal is recorded as ev.
func (s *Server) codeThrottle(ctx context.Context, tx store.Tx, p principal, ev auditEvent) error {
	he, err := s.throttled(tx, codeLimit(p.Member.ID), addressLimit(info(ctx).ClientAddress))
	if err != nil || he == nil {
		return err
	}
	ev.Kind = auditThrottled
	if err := s.audit(ctx, tx, ev); err != nil {
		return err
	}
	return store.CommitThen(he)
}

// codeBudget answers the used-th wrong code of one code's budget of
// maxCodeErrors: 401 with the attempts left, or, the budget spent, 410
// challenge_failed telling what to do next (restart).
func codeBudget(used int, restart string) (answer *httpError, spent bool) {
	left := maxCodeErrors - used
	if left <= 0 {
		return perr(http.StatusGone, api.CodeChallengeFailed, "too many wrong codes; "+restart), true
	}
	return perr(http.StatusUnauthorized, api.CodeInvalidCode, "wrong code").withAttemptsLeft(left), false
}

// wrongSetupCode counts a wrong code that was to confirm a factor, audits
// it as ev and answers it (the count stays).
func (s *Server) wrongSetupCode(ctx context.Context, tx store.Tx, p principal, ev auditEvent, answer error) error {
	if err := s.recordFailure(ctx, tx, failureCode, p.Member.ID); err != nil {
		return err
	}
	if err := s.audit(ctx, tx, ev); err != nil {
		return err
	}
	return store.CommitThen(answer)
}
