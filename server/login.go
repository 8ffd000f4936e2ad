package server

import (
	"context"
	"errors"
	"net/http"
	"unicode"
	"unicode/utf8"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// Input limits of credentials.
const (
	maxUsername = 64
	maxPassword = 1024
)

// handleLogin: POST /auth/login. The password is checked (an unknown user
// costs one hash too and gets the same answer), then the policy decides:
// authenticated, mfa_required (a challenge mfa_token) or mfa_setup_required
// (a setup mfa_token). A right password earns a fresh device cookie in every
// state; the one presented, when valid for the member, decides whose failure
// budget the check spends (see device_cookie.go).
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	var req api.LoginRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := checkUsername(req.Username); err != nil {
		return err
	}
	if req.Password == "" || len(req.Password) > maxPassword {
		return validation("password must be 1 to 1024 bytes")
	}
	ctx := r.Context()
	var m store.Member
	found := true
	// Case and width variants of a name are one member and one throttle subject.
	failureID, err := s.beginPasswordCheck(ctx, auditEvent{Username: req.Username, Detail: "sign-in"},
		func(tx store.Tx) (passwordClient, error) {
			var err error
			m, err = tx.MemberByUsername(req.Username)
			found = err == nil
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return passwordClient{}, err
			}
			if nonce, ok := s.device.check(req.DeviceCookie, m.ID, s.now()); found && ok {
				return deviceClient(nonce), nil
			}
			return untrustedClient(usernameSubject(req.Username), info(ctx).ClientAddress), nil
		})
	if err != nil {
		return err
	}
	stored := ""
	if found {
		stored = m.PasswordHash
	}
	ok, err := s.hash.Verify(ctx, stored, req.Password)
	if err != nil {
		s.clearProvisionalFailure(ctx, failureID)
		return err
	}
	if !ok || !found {
		s.passwordWrong(ctx, failureID, signInFailed(req.Username, m, found))
		return perr(http.StatusUnauthorized, api.CodeInvalidCredentials, "wrong username or password")
	}
	resp, err := s.passwordRight(ctx, failureID, m)
	if err != nil {
		return err
	}
	resp.DeviceCookie = s.device.issue(m.ID, s.now())
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// signInFailed is the audit event of a wrong password for username, the
// member m when found.
func signInFailed(username string, m store.Member, found bool) auditEvent {
	e := auditEvent{Kind: auditSignInFailed, Username: username, Detail: "wrong password"}
	if found {
		e.MemberID = m.ID
	} else {
		e.Detail = "unknown username"
	}
	return e
}

// passwordRight settles a right password of m: its provisional failure
// goes, and the answer is where the sign-in stands.
func (s *Server) passwordRight(ctx context.Context, failureID int64, m store.Member) (api.AuthResponse, error) {
	var resp api.AuthResponse
	err := s.store.Write(ctx, func(tx store.Tx) error {
		if err := tx.DeleteFailure(failureID); err != nil {
			return err
		}
		m, err := tx.Member(m.ID) // fresh, inside the write lock
		if err != nil {
			return err
		}
		resp, err = s.loginState(ctx, tx, m)
		return err
	})
	if err != nil {
		s.clearProvisionalFailure(ctx, failureID)
		return resp, err
	}
	s.passwordChecksDecided()
	return resp, nil
}

// loginState decides what a member with a correct password gets.
func (s *Server) loginState(ctx context.Context, tx store.Tx, m store.Member) (api.AuthResponse, error) {
	required, st, err := memberRequired(tx, m)
	if err != nil {
		return api.AuthResponse{}, err
	}
	if !required {
		return s.startSession(ctx, tx, m, false)
	}
	factors, err := tx.Factors(m.ID)
	if err != nil {
		return api.AuthResponse{}, err
	}
	e := summarize(factors)
	if setup, reset := needsSetup(m, e); setup {
		tok, err := s.newMFAToken(ctx, tx, m, store.MFAKindSetup)
		if err != nil {
			return api.AuthResponse{}, err
		}
		ev := memberEvent(auditSignInSetup, m)
		if reset {
			ev.Detail = "after a reset"
		}
		if err := s.audit(ctx, tx, ev); err != nil {
			return api.AuthResponse{}, err
		}
		return api.AuthResponse{State: api.StateMFASetupRequired, MFAToken: tok, PrimaryMethod: st.PrimaryMethod, Reset: reset}, nil
	}
	tok, err := s.newMFAToken(ctx, tx, m, store.MFAKindChallenge)
	if err != nil {
		return api.AuthResponse{}, err
	}
	if err := s.audit(ctx, tx, memberEvent(auditSignInMFA, m)); err != nil {
		return api.AuthResponse{}, err
	}
	return api.AuthResponse{State: api.StateMFARequired, MFAToken: tok, PrimaryMethod: st.PrimaryMethod, Methods: methodOptions(e.active)}, nil
}

func (s *Server) newMFAToken(ctx context.Context, tx store.MFATokens, m store.Member, kind string) (string, error) {
	tok := newToken()
	ri := info(ctx)
	err := tx.InsertMFAToken(store.MFAToken{
		Hash: hashToken(tok), MemberID: m.ID, Kind: kind, ExpiresAt: s.now().Add(mfaTokenTTL),
		ConsoleVersion: ri.ConsoleVersion, ClientAddress: ri.ClientAddress,
	})
	return tok, err
}

// checkUsername refuses empty, huge or control-character usernames.
func checkUsername(u string) error {
	if u == "" || len(u) > maxUsername || !utf8.ValidString(u) {
		return validation("username must be 1 to 64 characters")
	}
	for _, r := range u {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return validation("username must not contain spaces or control characters")
		}
	}
	return nil
}
