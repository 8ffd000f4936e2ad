package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// handleChangePassword: POST /me/password {current_password, new_password,
// step_up_token?} with an access token. In this order: the new password's
// rules, the current password (throttled like a sign-in), then, where
// two-step verification applies, the step-up token — used up only when
// everything else passed, so a weak password does not cost a second
// challenge. On success the member's other sessions end; this one stays.
func (s *Server) handleChangePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.authenticate(ctx, r, bearerAccess)
	if err != nil {
		return err
	}
	var req api.PasswordChangeRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := checkPasswordChange(req, p.Member.Username); err != nil {
		return err
	}
	if err := s.checkCurrentPassword(ctx, p, req.CurrentPassword); err != nil {
		return err
	}
	required, err := s.passwordStepUp(ctx, p, req.StepUpToken)
	if err != nil {
		return err
	}
	hash, err := s.hash.Hash(ctx, req.NewPassword)
	if err != nil {
		return err
	}
	if err := s.savePassword(ctx, p, hash, required, req.StepUpToken); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// checkPasswordChange checks the request before any password is hashed.
func checkPasswordChange(req api.PasswordChangeRequest, username string) error {
	if req.CurrentPassword == "" || len(req.CurrentPassword) > maxPassword {
		return validation("current_password must be 1 to 1024 bytes")
	}
	if err := checkNewPassword(req.NewPassword, username); err != nil {
		return err
	}
	if req.NewPassword == req.CurrentPassword {
		return perr(http.StatusBadRequest, api.CodeWeakPassword, "the new password must differ from the current one")
	}
	return nil
}

// checkCurrentPassword checks the current password, throttled like a
// sign-in. The signed-in session is the client: its own failure budget, so
// that nobody else's wrong passwords lock the member's password change out.
func (s *Server) checkCurrentPassword(ctx context.Context, p principal, current string) error {
	m := p.Member
	failureID, err := s.beginPasswordCheck(ctx, memberEvent("", m),
		func(store.Tx) (passwordClient, error) { return sessionClient(p.Session.ID), nil })
	if err != nil {
		return err
	}
	ok, err := s.hash.Verify(ctx, m.PasswordHash, current)
	if err != nil {
		s.clearProvisionalFailure(ctx, failureID)
		return err
	}
	if !ok {
		ev := memberEvent(auditPasswordFailed, m)
		ev.Detail = "wrong current password"
		s.passwordWrong(ctx, failureID, ev)
		return perr(http.StatusForbidden, api.CodeInvalidCredentials, "the current password is wrong")
	}
	// Right: the provisional failure goes, whatever the rest decides.
	s.clearProvisionalFailure(ctx, failureID)
	return nil
}

// passwordStepUp checks, where two-step verification applies (required),
// that the member has set it up and that tok is a valid step-up token for
// the change; it is used up only when the password is saved.
func (s *Server) passwordStepUp(ctx context.Context, p principal, tok string) (required bool, err error) {
	m := p.Member
	err = s.store.Read(ctx, func(tx store.Tx) error {
		var st store.Settings
		var err error
		if required, st, err = memberRequired(tx, m); err != nil || !required {
			return err
		}
		factors, err := tx.Factors(m.ID)
		if err != nil {
			return err
		}
		e := summarize(factors)
		setup, _ := needsSetup(m, e)
		switch {
		case setup:
			return perr(http.StatusForbidden, api.CodeTwoStepSetupRequired, "set up two-step verification before changing the password")
		case tok == "":
			return stepUpRequired(e.active, st.PrimaryMethod)
		}
		return s.checkStepUp(tx, p, tok, api.PurposePasswordChange)
	})
	var he *httpError
	if errors.As(err, &he) && he.p.Code == api.CodeInvalidStepUp {
		ev := memberEvent(auditStepUpRefused, m)
		ev.Detail = "password change"
		s.auditAlone(ctx, ev)
	}
	return required, err
}

// savePassword stores the new password's hash, unless it was changed
// meanwhile, uses the step-up token up (where required) and ends the
// member's other sessions.
func (s *Server) savePassword(ctx context.Context, p principal, hash string, required bool, tok string) error {
	m := p.Member
	return s.store.Write(ctx, func(tx store.Tx) error {
		cur, err := tx.Member(m.ID)
		if err != nil {
			return err
		}
		if cur.PasswordHash != m.PasswordHash {
			return perr(http.StatusConflict, api.CodeConflict, "the password was changed meanwhile; sign in again")
		}
		if err := s.stillValid(tx, p); err != nil {
			return err
		}
		if required {
			if err := s.checkStepUp(tx, p, tok, api.PurposePasswordChange); err != nil {
				return err
			}
			if err := tx.UseStepUpToken(hashToken(tok), s.now()); err != nil {
				return err
			}
		}
		cur.PasswordHash = hash
		if err := tx.UpdateMember(cur); err != nil {
			return err
		}
		if err := tx.RevokeOtherSessions(m.ID, p.Session.ID, s.now(), "password changed"); err != nil {
			return err
		}
		ev := memberEvent(auditPasswordChanged, m)
		if required {
			ev.Detail = "with step-up"
		}
		return s.audit(ctx, tx, ev)
	})
}
