package server

import (
	"context"
	"net/http"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// sentCode is a code the server sends, by text message (SMS) or by email:
// the two differ only in the channel (the factor's method) and in how the
// phone number or address is shown. They are the backups. A code is stored
// hashed and bound to what it was sent for (a challenge, a factor, a
// sign-in); it expires, and five wrong codes spend it.
type sentCode struct{ s *Server }

// sendsCodes reports whether m is a kind whose codes are sent: a backup.
func sendsCodes(m api.Method) bool {
	return m == api.MethodSMS || m == api.MethodEmail
}

// sentTo is the factor's phone number or address as the console shows it.
func sentTo(f store.Factor) string {
	if f.Method == api.MethodEmail {
		return maskEmail(f.Target)
	}
	return maskPhone(f.Target)
}

// codeMatches reports whether code is the one whose hash, bound to boundTo,
// is stored (an empty hash matches nothing).
func codeMatches(hash, boundTo, code string) bool {
	return hash != "" && constantTimeEqual(hashCode(boundTo, code), hash)
}

func (v sentCode) start(ctx context.Context, tx store.Tx, p principal, f store.Factor, ch *store.Challenge, out *api.Challenge) (string, error) {
	if err := v.s.codeCooldown(tx, p, f); err != nil {
		return "", err
	}
	if err := v.send(ctx, tx, f, ch); err != nil {
		return "", err
	}
	out.SentTo, out.ResendAfter = sentTo(f), &ch.ResendAt
	return "", nil
}

// send gives challenge ch a fresh code (the old one stops working) and
// sends it to f.
func (v sentCode) send(ctx context.Context, tx store.Tx, f store.Factor, ch *store.Challenge) error {
	code := newCode()
	ch.CodeHash, ch.ResendAt = hashCode(ch.ID, code), v.s.now().Add(resendWait)
	return v.s.sendCode(ctx, tx, f.Method, f.Target, code)
}

// resend sends challenge ch a new code after the cooldown.
func (v sentCode) resend(ctx context.Context, tx store.Tx, p principal, ch *store.Challenge) (api.Challenge, error) {
	if err := v.s.resendAllowed(ch.ResendAt); err != nil {
		return api.Challenge{}, err
	}
	f, err := tx.Factor(ch.FactorID)
	if err != nil {
		return api.Challenge{}, err
	}
	if err := v.send(ctx, tx, f, ch); err != nil {
		return api.Challenge{}, err
	}
	ch.ExpiresAt = v.s.challengeExpiry(p)
	if err := tx.UpdateChallenge(*ch); err != nil {
		return api.Challenge{}, err
	}
	return api.Challenge{ChallengeID: ch.ID, Method: ch.Method, ExpiresAt: ch.ExpiresAt, SentTo: sentTo(f), ResendAfter: &ch.ResendAt}, nil
}

// codeCooldown keeps a new challenge from sending a code to a factor that the
// same sign-in sent one to less than resendWait ago (the resend rule cannot
// be dodged by starting challenges).
func (s *Server) codeCooldown(tx store.Challenges, p principal, f store.Factor) error {
	earlier, err := tx.ChallengesByBearer(challengeBinding(p))
	if err != nil {
		return err
	}
	for _, c := range earlier {
		if c.FactorID != f.ID {
			continue
		}
		if err := s.resendAllowed(c.ResendAt); err != nil {
			return err
		}
	}
	return nil
}

// resendAllowed refuses a new code before at, the end of the last code's
// resend wait.
func (s *Server) resendAllowed(at time.Time) error {
	if now := s.now(); now.Before(at) {
		return tooSoon(at.Sub(now))
	}
	return nil
}

func (v sentCode) verify(ctx context.Context, tx store.Tx, p principal, ch *store.Challenge, code string) (bool, error) {
	if _, err := v.s.challengeFactor(ctx, tx, p, ch); err != nil {
		return false, err
	}
	return codeMatches(ch.CodeHash, ch.ID, code), nil
}

func (v sentCode) confirm(ctx context.Context, tx store.Tx, p principal, f *store.Factor, code string, ev auditEvent) error {
	if f.CodeHash == "" {
		return perr(http.StatusConflict, api.CodeConflict, "no code was sent for this factor; send one first")
	}
	if !v.s.now().Before(f.CodeUntil) {
		f.CodeHash = ""
		if err := tx.UpdateFactor(*f); err != nil {
			return err
		}
		return store.CommitThen(perr(http.StatusGone, api.CodeChallengeExpired, "the code expired; send a new one"))
	}
	if codeMatches(f.CodeHash, setupCodeBinding(*f, p), code) {
		return nil
	}
	f.Attempts++
	answer, spent := codeBudget(f.Attempts, "send a new one")
	if spent {
		f.CodeHash = ""
	}
	if err := tx.UpdateFactor(*f); err != nil {
		return err
	}
	return v.s.wrongSetupCode(ctx, tx, p, ev, answer)
}

// newFactorCode gives an SMS/email factor a fresh confirmation code bound
// to boundTo (the old one stops working) and sends it.
func (s *Server) newFactorCode(ctx context.Context, tx store.Tx, f *store.Factor, boundTo string) error {
	now := s.now()
	code := newCode()
	f.CodeHash, f.CodeUntil, f.ResendAt, f.Attempts = hashCode(boundTo, code), now.Add(codeTTL), now.Add(resendWait), 0
	return s.sendCode(ctx, tx, f.Method, f.Target, code)
}
