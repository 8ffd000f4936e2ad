package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// Bearer kinds a call may accept.
const (
	bearerAccess    = "access"
	bearerChallenge = MFAKindChallenge
	bearerSetup     = MFAKindSetup
)

// principal is who a bearer token speaks for.
type principal struct {
	Kind      string // bearerAccess, bearerChallenge or bearerSetup
	TokenHash string
	Member    Member
	Session   Session  // access tokens only
	MFA       MFAToken // mfa tokens only
}

func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	tok = strings.TrimSpace(tok)
	if tok == "" || len(tok) > 256 {
		return ""
	}
	return tok
}

// authenticate finds who the request's bearer token speaks for, accepting
// only the kinds listed. A token of another kind is as good as no token: a
// half-authenticated mfa_token reaches nothing but its own calls.
func (s *Server) authenticate(ctx context.Context, r *http.Request, kinds ...string) (principal, error) {
	return s.lookupBearer(ctx, r, false, kinds...)
}

// lookupBearer is authenticate; with lateMFA an expired or used mfa_token
// is still recognised, so that a call on an existing challenge can say what
// became of it (expired, failed, closed) rather than a bare invalid_token.
// Such calls must check stillValid before they change anything.
func (s *Server) lookupBearer(ctx context.Context, r *http.Request, lateMFA bool, kinds ...string) (principal, error) {
	tok := bearerToken(r)
	if tok == "" {
		return principal{}, invalidToken()
	}
	hash := hashToken(tok)
	now := s.now()
	var p principal
	err := s.store.Read(ctx, func(tx Tx) error {
		for _, kind := range kinds {
			switch kind {
			case bearerAccess:
				at, err := tx.AccessToken(hash)
				if errors.Is(err, ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				if !now.Before(at.ExpiresAt) {
					return invalidToken()
				}
				sess, err := tx.Session(at.SessionID)
				if err != nil {
					return err
				}
				if !sess.RevokedAt.IsZero() || !now.Before(sess.ExpiresAt) {
					return invalidToken()
				}
				m, err := tx.Member(sess.MemberID)
				if err != nil {
					return err
				}
				if err := sessionMeetsPolicy(tx, m, sess); err != nil {
					return err
				}
				p = principal{Kind: bearerAccess, TokenHash: hash, Member: m, Session: sess}
				return nil
			case bearerChallenge, bearerSetup:
				mt, err := tx.MFAToken(hash)
				if errors.Is(err, ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				if mt.Kind != kind {
					continue
				}
				if !lateMFA && (!mt.UsedAt.IsZero() || !now.Before(mt.ExpiresAt)) {
					return invalidToken()
				}
				m, err := tx.Member(mt.MemberID)
				if err != nil {
					return err
				}
				p = principal{Kind: kind, TokenHash: hash, Member: m, MFA: mt}
				return nil
			}
		}
		return invalidToken()
	})
	return p, err
}
