package app

import (
	"context"
	"errors"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/i18n"
)

// Resume signs in again with the refresh token kept in the keychain, when the
// member chose "Keep me signed in". Without one it leaves the sign-in form as it is.
func (c *Controller) Resume() {
	c.start(i18n.T("act.resuming"), func(o *op) {
		username := c.prefs.LastUsername()
		if !c.prefs.KeepSignedIn() || username == "" || c.secrets == nil {
			o.update(func(*State, *session) {})
			return
		}
		cl, version, server, err := c.newClient()
		if err != nil {
			o.fail(err)
			return
		}
		o.update(func(s *State, ss *session) {
			*ss = session{cl: cl, keep: true}
			s.Server, s.Version, s.Caps, s.Username, s.KeepSignedIn = server, version, CapabilitiesOf(version), username, true
			s.Busy, s.Activity = true, i18n.T("act.resuming")
		})
		key := c.serverKey(o.ctx, server)
		refresh, byAddress, err := c.keptRefreshToken(o.ctx, key, server, username)
		if errors.Is(err, ErrNoEntry) {
			o.update(func(*State, *session) {})
			return
		}
		if err != nil {
			c.log.Warn("keep me signed in unavailable", "err", err)
			o.fail(err)
			return
		}
		tokens, err := cl.Refresh(o.ctx, refresh)
		if err != nil {
			c.resumeFailed(o, err, server, username)
			return
		}
		// The old refresh token is used up: keep the new one before anything else.
		var warn *Alert
		if err := c.secrets.SaveRefreshToken(o.ctx, key, username, tokens.RefreshToken); err != nil {
			warn = alertFor(asKeychainError(err), c.now())
		} else if byAddress {
			c.forgetByAddress(o.ctx, server, username)
		}
		user, err := cl.Me(o.ctx, tokens.AccessToken)
		if err != nil {
			c.resumeFailed(o, err, server, username)
			return
		}
		c.log.Info("session resumed", "user", user.Username)
		o.update(func(s *State, ss *session) {
			ss.tokens, ss.user = tokens, user
			s.Step, s.User, s.Username, s.Alert, s.Notice = StepSignedIn, user, user.Username, warn, i18n.Text{}
		})
	})
}

// keptRefreshToken reads the member's refresh token kept under the server's
// key, or else one an older console kept under the server's address
// (byAddress: Resume then keeps the next one under the key and deletes it).
func (c *Controller) keptRefreshToken(ctx context.Context, key, server, username string) (token string, byAddress bool, err error) {
	token, err = c.secrets.RefreshToken(ctx, key, username)
	if errors.Is(err, ErrNoEntry) && key != server {
		token, err = c.secrets.RefreshToken(ctx, server, username)
		return token, err == nil, err
	}
	return token, false, err
}

// forgetByAddress deletes an entry named by the server's address, once taken over.
func (c *Controller) forgetByAddress(ctx context.Context, server, username string) {
	if err := c.secrets.DeleteRefreshToken(ctx, server, username); err != nil {
		c.log.Warn("delete the keychain entry named by the server's address", "err", err)
	}
}

// resumeFailed ends Resume after a failed refresh or lookup: a session the
// server no longer honours is forgotten, anything else is shown as it is.
func (c *Controller) resumeFailed(o *op, err error, server, username string) {
	if endsSession(err) {
		c.forget(o.ctx, server, username)
		c.sessionEnded(o, err, i18n.T("msg.saved_session_ended"))
		return
	}
	o.fail(err)
}

// forget deletes the member's keychain entry, best effort.
func (c *Controller) forget(ctx context.Context, server, username string) {
	if c.secrets == nil || username == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), DefaultKeychainTimeout)
	defer cancel()
	if err := c.secrets.DeleteRefreshToken(ctx, c.serverKey(ctx, server), username); err != nil {
		c.log.Warn("delete keychain entry", "err", err)
	}
}

// SignOut ends the session on the server and deletes the keychain entry.
func (c *Controller) SignOut() {
	c.start(i18n.T("act.signing_out"), func(o *op) {
		ss := o.session()
		st := o.c.State()
		if ss.cl != nil && ss.tokens != nil {
			ctx, cancel := context.WithTimeout(o.ctx, 10*time.Second)
			err := ss.cl.Logout(ctx, ss.tokens.AccessToken, ss.tokens.RefreshToken)
			if client.IsCode(err, api.CodeInvalidToken) {
				// The access token expired: renew it so that the refresh
				// token's family ends on the server too.
				if tokens, rerr := ss.cl.Refresh(ctx, ss.tokens.RefreshToken); rerr == nil {
					err = ss.cl.Logout(ctx, tokens.AccessToken, tokens.RefreshToken)
				}
			}
			cancel()
			if err != nil && !endsSession(err) {
				c.log.Warn("sign-out on the server failed", "err", errCode(err))
			}
		}
		if ss.keep || c.prefs.KeepSignedIn() {
			c.forget(o.ctx, st.Server, st.Username)
		}
		c.log.Info("signed out", "user", st.Username)
		c.toSignedOut(o, nil, i18n.T("msg.signed_out"))
	})
}

// OpenChangePassword shows the change-password form.
func (c *Controller) OpenChangePassword() {
	c.startIfNotWaiting(i18n.Text{}, func(o *op) {
		o.update(func(s *State, ss *session) {
			if ss.tokens != nil && (s.Step == StepSignedIn || s.Step == StepChangePassword) {
				s.Step, s.Alert, s.Notice = StepChangePassword, nil, i18n.Text{}
			}
		})
	})
}

// ChangePassword changes the password. Where two-step verification applies,
// a challenge (purpose password_change) runs first, chosen by the version's rules.
func (c *Controller) ChangePassword(current, newPassword string) {
	c.startIfNotWaiting(i18n.T("act.changing_password"), func(o *op) {
		ss := o.session()
		if ss.tokens == nil || ss.cl == nil {
			o.refuse(AlertSessionEnded, i18n.T("msg.sign_in_first"))
			return
		}
		o.update(func(s *State, _ *session) {
			s.Step, s.Busy, s.Activity, s.Alert = StepChangePassword, true, i18n.T("act.changing_password"), nil
		})
		if current == "" || newPassword == "" {
			o.refuse(AlertWeakPassword, i18n.T("msg.enter_passwords"))
			return
		}
		err := c.withAccess(o, func(access string) error {
			return ss.cl.ChangePassword(o.ctx, access, api.PasswordChangeRequest{CurrentPassword: current, NewPassword: newPassword})
		})
		switch {
		case err == nil:
			c.passwordChanged(o)
		case client.IsCode(err, api.CodeStepUpRequired):
			e, _ := client.AsError(err)
			enrolled := make([]api.Method, 0, len(e.Problem.Methods))
			for _, m := range e.Problem.Methods {
				enrolled = append(enrolled, m.Method)
			}
			o.update(func(_ *State, ss *session) {
				ss.pwCurrent, ss.pwNew = current, newPassword
				ss.primary, ss.enrolled, ss.purpose = e.Problem.PrimaryMethod, enrolled, api.PurposePasswordChange
			})
			c.askFirst(o, api.PurposePasswordChange)
		case client.IsCode(err, api.CodeTwoStepSetupRequired):
			o.update(func(_ *State, ss *session) { ss.setupBearer = ss.tokens.AccessToken })
			c.loadSetup(o, false, SetupOverview, i18n.T("msg.setup_before_password"))
		case client.IsCode(err, api.CodeInvalidCredentials):
			o.refuse(AlertInvalidCredentials, i18n.T("msg.current_password_wrong"))
		case client.IsCode(err, api.CodeValidation):
			o.refuse(AlertWeakPassword, i18n.T("alert.weak_password"))
		case endsSession(err):
			c.forget(o.ctx, o.c.State().Server, o.c.State().Username)
			c.sessionEnded(o, err, i18n.T("alert.session_ended"))
		default:
			o.fail(err)
		}
	})
}

// finishPasswordChange sends the password change again with the step-up token.
func (c *Controller) finishPasswordChange(o *op, stepUp string) {
	ss := o.session()
	if ss.pwNew == "" {
		o.fail(errors.New("no password change is waiting"))
		return
	}
	o.busy(i18n.T("act.changing_password"))
	err := ss.cl.ChangePassword(o.ctx, ss.tokens.AccessToken, api.PasswordChangeRequest{
		CurrentPassword: ss.pwCurrent, NewPassword: ss.pwNew, StepUpToken: stepUp})
	o.update(func(s *State, ss *session) {
		ss.pwCurrent, ss.pwNew = "", ""
		s.Challenge = nil
		s.Step = StepChangePassword
	})
	if err != nil {
		if endsSession(err) {
			c.sessionEnded(o, err, i18n.T("alert.session_ended"))
			return
		}
		o.fail(err)
		return
	}
	c.passwordChanged(o)
}

// passwordChanged renews the session's tokens (and the keychain entry); when
// the server ended this session too, the member signs in with the new password.
func (c *Controller) passwordChanged(o *op) {
	ss := o.session()
	st := o.c.State()
	c.log.Info("password changed", "user", st.Username)
	tokens, err := ss.cl.Refresh(o.ctx, ss.tokens.RefreshToken)
	if err != nil {
		if endsSession(err) {
			c.forget(o.ctx, st.Server, st.Username)
			c.toSignedOut(o, nil, i18n.T("msg.password_changed_sign_in"))
			return
		}
		o.update(func(s *State, _ *session) {
			s.Step, s.Notice, s.Alert = StepSignedIn, i18n.T("msg.password_changed"), alertFor(err, c.now())
		})
		return
	}
	var warn *Alert
	if ss.keep {
		if err := c.secrets.SaveRefreshToken(o.ctx, c.serverKey(o.ctx, st.Server), st.Username, tokens.RefreshToken); err != nil {
			warn = alertFor(asKeychainError(err), c.now())
		}
	}
	o.update(func(s *State, ss *session) {
		ss.tokens = tokens
		s.Step, s.Challenge, s.Notice, s.Alert = StepSignedIn, nil, i18n.T("msg.password_changed"), warn
	})
}

// withAccess runs fn with the access token, refreshing it once when it expired.
func (c *Controller) withAccess(o *op, fn func(access string) error) error {
	ss := o.session()
	err := fn(ss.tokens.AccessToken)
	if !client.IsCode(err, api.CodeInvalidToken) {
		return err
	}
	tokens, rerr := ss.cl.Refresh(o.ctx, ss.tokens.RefreshToken)
	if rerr != nil {
		return rerr
	}
	st := o.c.State()
	if ss.keep {
		if kerr := c.secrets.SaveRefreshToken(o.ctx, c.serverKey(o.ctx, st.Server), st.Username, tokens.RefreshToken); kerr != nil {
			c.log.Warn("keep me signed in unavailable", "err", kerr)
		}
	}
	o.update(func(s *State, ss *session) {
		ss.tokens = tokens
		s.Busy, s.Activity = true, st.Activity
	})
	return fn(tokens.AccessToken)
}
