package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

// Bearer kinds a call may accept.
const (
	bearerAccess    = "access"
	bearerChallenge = store.MFAKindChallenge
	bearerSetup     = store.MFAKindSetup
)

// principal is who a bearer token speaks for.
type principal struct {
	Kind      string // bearerAccess, bearerChallenge or bearerSetup
	TokenHash string
	Member    store.Member
	Session   store.Session  // access tokens only
	MFA       store.MFAToken // mfa tokens only
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
	err := s.store.Read(ctx, func(tx store.Tx) error {
		for _, kind := range kinds {
			var found bool
			var err error
			switch kind {
			case bearerAccess:
				p, found, err = accessPrincipal(tx, hash, now)
			case bearerChallenge, bearerSetup:
				p, found, err = mfaPrincipal(tx, hash, kind, lateMFA, now)
			}
			if err != nil || found {
				return err
			}
		}
		return invalidToken()
	})
	return p, err
}

// accessPrincipal is the member and session behind access token hash;
// found false when hash is no access token.
func accessPrincipal(tx store.Tx, hash string, now time.Time) (p principal, found bool, err error) {
	at, err := tx.AccessToken(hash)
	if errors.Is(err, store.ErrNotFound) {
		return p, false, nil
	}
	if err != nil {
		return p, false, err
	}
	if !now.Before(at.ExpiresAt) {
		return p, false, invalidToken()
	}
	sess, err := tx.Session(at.SessionID)
	if err != nil {
		return p, false, err
	}
	if !sess.RevokedAt.IsZero() || !now.Before(sess.ExpiresAt) {
		return p, false, invalidToken()
	}
	m, err := tx.Member(sess.MemberID)
	if err != nil {
		return p, false, err
	}
	if err := sessionMeetsPolicy(tx, m, sess); err != nil {
		return p, false, err
	}
	return principal{Kind: bearerAccess, TokenHash: hash, Member: m, Session: sess}, true, nil
}

// signInReader is what an MFA token's principal is read from.
type signInReader interface {
	store.MFATokens
	store.Members
}

// mfaPrincipal is the member behind hash, an mfa_token of the kind; found
// false when hash is no such token. lateMFA: as lookupBearer.
func mfaPrincipal(tx signInReader, hash, kind string, lateMFA bool, now time.Time) (p principal, found bool, err error) {
	mt, err := tx.MFAToken(hash)
	if errors.Is(err, store.ErrNotFound) {
		return p, false, nil
	}
	if err != nil {
		return p, false, err
	}
	if mt.Kind != kind {
		return p, false, nil
	}
	if !lateMFA && (!mt.UsedAt.IsZero() || !now.Before(mt.ExpiresAt)) {
		return p, false, invalidToken()
	}
	m, err := tx.Member(mt.MemberID)
	if err != nil {
		return p, false, err
	}
	return principal{Kind: kind, TokenHash: hash, Member: m, MFA: mt}, true, nil
}
