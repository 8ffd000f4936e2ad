package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// startSession opens a new refresh-token family for m and records the
// sign-in (time and console version) on the member. mfa says whether
// two-step verification was passed for it.
func (s *Server) startSession(ctx context.Context, tx store.Tx, m store.Member, mfa bool) (api.AuthResponse, error) {
	now := s.now()
	ri := info(ctx)
	sess := store.Session{
		ID: newID(prefixSession), MemberID: m.ID, CreatedAt: now, ExpiresAt: now.Add(familyTTL),
		ConsoleVersion: ri.ConsoleVersion, ClientAddress: ri.ClientAddress,
	}
	if mfa {
		sess.MFAAt = now
	}
	if err := tx.InsertSession(sess); err != nil {
		return api.AuthResponse{}, err
	}
	m.LastSignInAt, m.LastConsoleVersion = now, ri.ConsoleVersion
	if err := tx.UpdateMember(m); err != nil {
		return api.AuthResponse{}, err
	}
	tokens, err := s.issueTokens(tx, sess.ID)
	if err != nil {
		return api.AuthResponse{}, err
	}
	user, err := userView(tx, m)
	if err != nil {
		return api.AuthResponse{}, err
	}
	detail := "password"
	if mfa {
		detail = "password+two-step"
	}
	if err := s.audit(ctx, tx, auditEvent{Kind: auditSignInOK, MemberID: m.ID, Username: m.Username, Detail: detail}); err != nil {
		return api.AuthResponse{}, err
	}
	return api.AuthResponse{State: api.StateAuthenticated, Tokens: &tokens, User: &user}, nil
}

// upgradeSession records on the caller's own session that two-step
// verification was passed (Activate with an access token). No tokens are
// handed out: the session keeps its refresh family, so signing it out or
// its 12-hour end ends everything it ever had.
func (s *Server) upgradeSession(tx store.Tx, p principal, m store.Member) (api.AuthResponse, error) {
	if err := tx.SetSessionMFA(p.Session.ID, s.now()); err != nil {
		return api.AuthResponse{}, err
	}
	user, err := userView(tx, m)
	if err != nil {
		return api.AuthResponse{}, err
	}
	return api.AuthResponse{State: api.StateAuthenticated, User: &user}, nil
}

// issueTokens adds a fresh access and refresh token to the session.
func (s *Server) issueTokens(tx store.Tokens, sessionID string) (api.Tokens, error) {
	now := s.now()
	access, refresh := newToken(), newToken()
	if err := tx.InsertAccessToken(store.AccessToken{Hash: hashToken(access), SessionID: sessionID, ExpiresAt: now.Add(accessTTL)}); err != nil {
		return api.Tokens{}, err
	}
	if err := tx.InsertRefreshToken(store.RefreshToken{Hash: hashToken(refresh), SessionID: sessionID, CreatedAt: now}); err != nil {
		return api.Tokens{}, err
	}
	return api.Tokens{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", ExpiresIn: int(accessTTL / time.Second)}, nil
}

// handleRefresh: POST /auth/refresh. The refresh token is rotated; a token
// used a second time revokes its whole family (it was stolen or raced).
func (s *Server) handleRefresh(w http.ResponseWriter, r *http.Request) error {
	var req api.RefreshRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if req.RefreshToken == "" || len(req.RefreshToken) > 256 {
		return invalidToken()
	}
	ctx := r.Context()
	now := s.now()
	var tokens api.Tokens
	err := s.store.Write(ctx, func(tx store.Tx) error {
		rt, err := tx.RefreshToken(hashToken(req.RefreshToken))
		if errors.Is(err, store.ErrNotFound) {
			return invalidToken()
		}
		if err != nil {
			return err
		}
		sess, err := tx.Session(rt.SessionID)
		if err != nil {
			return err
		}
		if !sess.RevokedAt.IsZero() || !now.Before(sess.ExpiresAt) {
			return invalidToken()
		}
		if !rt.UsedAt.IsZero() {
			return s.refreshReused(ctx, tx, sess)
		}
		m, err := tx.Member(sess.MemberID)
		if err != nil {
			return err
		}
		if err := sessionMeetsPolicy(tx, m, sess); err != nil {
			// Refused while the policy stands (not revoked, so every call keeps
			// answering mfa_required rather than invalid_token).
			if aerr := s.audit(ctx, tx, memberEvent(auditSessionMFARequired, m)); aerr != nil {
				return aerr
			}
			return store.CommitThen(err)
		}
		if err := tx.UseRefreshToken(rt.Hash, now); err != nil {
			return err
		}
		tokens, err = s.issueTokens(tx, sess.ID)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tokens)
	return nil
}

// refreshReused ends sess, whose used refresh token came back (stolen, or
// replayed), and refuses the refresh.
func (s *Server) refreshReused(ctx context.Context, tx store.Tx, sess store.Session) error {
	if err := tx.RevokeSession(sess.ID, s.now(), "refresh token reused"); err != nil {
		return err
	}
	m, err := tx.Member(sess.MemberID)
	if err != nil {
		return err
	}
	if err := s.audit(ctx, tx, memberEvent(auditRefreshReuse, m)); err != nil {
		return err
	}
	return store.CommitThen(invalidToken())
}

// handleLogout: POST /auth/logout with the access token ends its session.
// A refresh_token in the body (optional) ends that family as well.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.authenticate(ctx, r, bearerAccess)
	if err != nil {
		return err
	}
	var req api.RefreshRequest
	if err := decodeOptional(w, r, &req); err != nil {
		return err
	}
	now := s.now()
	err = s.store.Write(ctx, func(tx store.Tx) error {
		if err := tx.RevokeSession(p.Session.ID, now, "sign-out"); err != nil {
			return err
		}
		if req.RefreshToken != "" && len(req.RefreshToken) <= 256 {
			rt, err := tx.RefreshToken(hashToken(req.RefreshToken))
			if err == nil {
				sess, err := tx.Session(rt.SessionID)
				if err != nil {
					return err
				}
				if sess.MemberID == p.Member.ID {
					if err := tx.RevokeSession(sess.ID, now, "sign-out"); err != nil {
						return err
					}
				}
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		return s.audit(ctx, tx, memberEvent(auditLogout, p.Member))
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleMe: GET /me, the signed-in member.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) error {
	p, err := s.authenticate(r.Context(), r, bearerAccess)
	if err != nil {
		return err
	}
	var u api.User
	err = s.store.Read(r.Context(), func(tx store.Tx) error {
		u, err = userView(tx, p.Member)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}
