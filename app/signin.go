package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/client"
)

// Login signs in with a password; keep asks to stay signed in across restarts.
func (c *Controller) Login(username, password string, keep bool) {
	username = strings.TrimSpace(username)
	c.start("Signing in…", func(o *op) {
		if username == "" || password == "" {
			o.refuse(AlertInvalidCredentials, "Enter your username and password.")
			return
		}
		cl, version, server, err := c.newClient()
		if err != nil {
			o.fail(err)
			return
		}
		o.update(func(s *State, ss *session) {
			*ss = session{cl: cl, keep: keep}
			*s = State{Step: StepSignedOut, Busy: true, Activity: "Signing in…", Server: server, Version: version,
				Caps: CapabilitiesOf(version), Username: username, KeepSignedIn: keep, Seq: s.Seq, Lockouts: s.Lockouts}
		})
		if !keep && c.prefs.KeepSignedIn() {
			// "Keep me signed in" was unticked: drop what an earlier sign-in kept.
			c.forget(o.ctx, server, c.prefs.LastUsername())
			c.forget(o.ctx, server, username)
		}
		c.prefs.SetLastUsername(username)
		c.prefs.SetKeepSignedIn(keep)
		resp, err := cl.LoginWithDeviceCookie(o.ctx, username, password, c.deviceCookie(o.ctx, server, username))
		if err != nil {
			c.log.Info("sign-in refused", "user", username, "err", errCode(err))
			a := alertFor(err, c.now())
			o.update(func(s *State, _ *session) {
				s.Alert = a
				if a.Kind == AlertLockedOut && !a.RetryAt.IsZero() {
					s.lockOut(username, a.RetryAt, c.now())
				}
			})
			return
		}
		c.keepDeviceCookie(o.ctx, server, username, resp.DeviceCookie)
		c.handleAuth(o, resp, api.PurposeLogin)
	})
}

// handleAuth moves on from a login, verify, activate or approved push answer.
func (c *Controller) handleAuth(o *op, resp *api.AuthResponse, purpose api.Purpose) {
	switch resp.State {
	case api.StateAuthenticated:
		c.signedIn(o, resp.Tokens, resp.User, "")
	case api.StateMFARequired:
		enrolled := make([]api.Method, 0, len(resp.Methods))
		for _, m := range resp.Methods {
			enrolled = append(enrolled, m.Method)
		}
		o.update(func(_ *State, ss *session) {
			ss.mfaToken, ss.primary, ss.enrolled, ss.purpose = resp.MFAToken, resp.PrimaryMethod, enrolled, api.PurposeLogin
		})
		c.askFirst(o, api.PurposeLogin)
	case api.StateMFASetupRequired:
		o.update(func(_ *State, ss *session) {
			ss.mfaToken, ss.setupBearer, ss.primary = resp.MFAToken, resp.MFAToken, resp.PrimaryMethod
		})
		c.loadSetup(o, resp.Reset, SetupOverview, "")
	case api.StateStepUp:
		if purpose == api.PurposeManageTwoStep {
			c.finishFactorChange(o, resp.StepUpToken)
			return
		}
		c.finishPasswordChange(o, resp.StepUpToken)
	default:
		o.fail(errors.New("unexpected answer from the server: state " + resp.State))
	}
}

// askFirst starts the challenge with the first method the version allows, or
// lands in StepNoMethod (or an alert on the password form) with the message.
func (c *Controller) askFirst(o *op, purpose api.Purpose) {
	ss := o.session()
	caps := o.caps()
	choice := caps.ChooseMethods(ss.primary, ss.enrolled)
	if choice.First == "" {
		c.log.Info("no usable two-step method", "version", caps.Version.String(), "purpose", string(purpose))
		o.update(func(s *State, _ *session) {
			s.Alert = localAlert(AlertNoMethod, choice.Message)
			s.Challenge = nil
			switch purpose {
			case api.PurposeLogin:
				s.Step = StepNoMethod
			case api.PurposeManageTwoStep:
				s.Step = afterFactorStep(s)
			default:
				s.Step = StepChangePassword
			}
		})
		return
	}
	c.startChallenge(o, choice.First, purpose)
}

func (o *op) caps() Capabilities {
	o.c.mu.Lock()
	defer o.c.mu.Unlock()
	return o.c.st.Caps
}

// bearer is the token challenge calls use for purpose: the access token
// for a step-up, else the sign-in's mfa_token.
func (ss session) bearer(purpose api.Purpose) string {
	if purpose != api.PurposeLogin && ss.tokens != nil {
		return ss.tokens.AccessToken
	}
	return ss.mfaToken
}

// ChooseMethod starts a challenge with m ("Use another method", or again
// after an expiry or a denial).
func (c *Controller) ChooseMethod(m api.Method) {
	c.start("Sending the request…", func(o *op) {
		ss := o.session()
		st := o.c.State()
		if st.Step != StepChallenge || ss.cl == nil {
			o.update(func(s *State, _ *session) {})
			return
		}
		caps := st.Caps
		if !caps.Supports(m) || !containsMethod(ss.enrolled, m) {
			o.refuse(AlertError, "Console "+caps.Version.String()+" cannot use "+m.Label()+" for your account. Choose another method.")
			return
		}
		c.dropChallenge(o, ss)
		c.startChallenge(o, m, ss.purpose)
	})
}

// dropChallenge cancels the open challenge on the server, best effort.
func (c *Controller) dropChallenge(o *op, ss session) {
	if ss.challengeID == "" || ss.cl == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(o.ctx), 5*time.Second)
	defer cancel()
	if err := ss.cl.CancelChallenge(ctx, ss.bearer(ss.purpose), ss.challengeID); err != nil {
		c.log.Debug("cancel challenge", "err", errCode(err))
	}
	o.update(func(_ *State, ss *session) { ss.challengeID = "" })
}

func (c *Controller) startChallenge(o *op, m api.Method, purpose api.Purpose) {
	ss := o.session()
	caps := o.caps()
	o.busy(sendingActivity(m))
	ch, err := ss.cl.StartChallenge(o.ctx, ss.bearer(purpose), api.ChallengeRequest{Method: m, Purpose: purpose})
	others := caps.Others(m, ss.primary, ss.enrolled)
	if err != nil {
		if endsSession(err) && purpose == api.PurposeLogin {
			c.sessionEnded(o, err, "Your sign-in expired. Sign in again.")
			return
		}
		o.update(func(s *State, ss *session) {
			ss.purpose = purpose
			s.Step = StepChallenge
			s.Challenge = &ChallengeView{Purpose: purpose, Method: m, AttemptsLeft: -1, CodeLength: api.CodeDigits, Others: others}
			s.Alert = alertFor(err, c.now())
		})
		return
	}
	view := &ChallengeView{
		Purpose: purpose, Method: ch.Method, MatchNumber: ch.MatchNumber, SentTo: ch.SentTo, ExpiresAt: ch.ExpiresAt,
		Active: true, AttemptsLeft: -1, CodeLength: api.CodeDigits, Others: others,
		Waiting: ch.Method == api.MethodAppNotification,
	}
	if ch.ResendAfter != nil {
		view.ResendAt = *ch.ResendAfter
	}
	if view.Method == "" {
		view.Method = m
	}
	if !o.update(func(s *State, ss *session) {
		ss.challengeID, ss.purpose = ch.ChallengeID, purpose
		s.Step, s.Challenge, s.Alert = StepChallenge, view, nil
	}) {
		return
	}
	c.log.Info("challenge started", "method", string(m), "purpose", string(purpose))
	if view.Waiting {
		c.waitPush(o, ch.ChallengeID, purpose)
	}
}

func sendingActivity(m api.Method) string {
	switch m {
	case api.MethodAppNotification:
		return "Sending a notification to your phone…"
	case api.MethodSMS:
		return "Sending a text message…"
	case api.MethodEmail:
		return "Sending an email…"
	}
	return "Preparing…"
}

// waitPush long-polls until the phone answers, the push expires or the
// action is cancelled (by Cancel or any other action).
func (c *Controller) waitPush(o *op, id string, purpose api.Purpose) {
	ss := o.session()
	failures := 0
	for o.ctx.Err() == nil {
		st, err := ss.cl.WaitChallenge(o.ctx, ss.bearer(purpose), id, c.cfg.LongPollWait)
		if o.ctx.Err() != nil {
			return
		}
		if err != nil {
			var ue *client.UnreachableError
			if errors.As(err, &ue) && failures < 2 {
				failures++
				continue
			}
			c.pushPollFailed(o, err, purpose)
			return
		}
		failures = 0
		if st.Status == api.ChallengePending {
			continue
		}
		c.pushAnswered(o, st, purpose)
		return
	}
}

// pushPollFailed ends the wait for the phone with the error's alert.
func (c *Controller) pushPollFailed(o *op, err error, purpose api.Purpose) {
	if endsSession(err) && purpose == api.PurposeLogin {
		c.sessionEnded(o, err, "Your sign-in expired. Sign in again.")
		return
	}
	o.update(func(s *State, _ *session) {
		s.Alert = alertFor(err, c.now())
		if s.Challenge != nil {
			s.Challenge.Waiting = false
			if s.Alert.Kind == AlertExpired || s.Alert.Kind == AlertFailed {
				s.Challenge.Active = false
			}
		}
	})
}

// pushAnswered goes on from a push that is no longer pending: approved
// (signing in), denied or expired (an alert to send another).
func (c *Controller) pushAnswered(o *op, st *api.ChallengeStatus, purpose api.Purpose) {
	switch st.Status {
	case api.ChallengeApproved:
		c.log.Info("push approved", "purpose", string(purpose))
		o.update(func(s *State, ss *session) {
			ss.challengeID = ""
			if s.Challenge != nil {
				s.Challenge.Waiting, s.Challenge.Active = false, false
			}
			s.Busy, s.Activity = true, "Approved. Signing in…"
		})
		if st.State == "" {
			o.fail(errors.New("the server approved the notification but sent no sign-in"))
			return
		}
		c.handleAuth(o, &st.AuthResponse, purpose)
	case api.ChallengeDenied, api.ChallengeExpired:
		kind, msg := AlertDenied, "The notification was denied on your phone. Send a new one or use another method."
		if st.Status == api.ChallengeExpired {
			kind, msg = AlertExpired, "The notification expired before it was approved. Send a new one or use another method."
		}
		c.log.Info("push ended", "status", st.Status)
		o.update(func(s *State, ss *session) {
			ss.challengeID = ""
			s.Alert = localAlert(kind, msg)
			if s.Challenge != nil {
				s.Challenge.Waiting, s.Challenge.Active = false, false
			}
		})
	default:
		o.fail(errors.New("unexpected challenge status " + st.Status))
	}
}

// SubmitCode answers the open challenge with a code from the authenticator
// app, a text message or an email.
func (c *Controller) SubmitCode(code string) {
	code = api.NormalizeCode(code)
	c.mu.Lock()
	key := codeKey("challenge", c.sess.challengeID, code)
	c.mu.Unlock()
	if !c.claimCode(key) {
		return
	}
	c.startIfNotWaiting("Checking the code…", func(o *op) {
		verified := false
		defer func() {
			if !verified {
				c.releaseCode(key)
			}
		}()
		ss := o.session()
		st := o.c.State()
		if st.Step != StepChallenge || ss.challengeID == "" {
			o.refuse(AlertExpired, "There is no open verification request. Send a new one.")
			return
		}
		if !api.ValidCode(code) {
			o.refuse(AlertInvalidCode, fmt.Sprintf("Enter the %d-digit code.", api.CodeDigits))
			return
		}
		resp, err := ss.cl.Verify(o.ctx, ss.bearer(ss.purpose), ss.challengeID, code)
		if err != nil {
			if endsSession(err) && ss.purpose == api.PurposeLogin {
				c.sessionEnded(o, err, "Your sign-in expired. Sign in again.")
				return
			}
			if client.IsCode(err, api.CodeChallengeFailed) && ss.purpose == api.PurposeLogin {
				c.signInEndedByWrongCodes(o)
				return
			}
			o.update(func(s *State, ss *session) {
				s.Alert = alertFor(err, c.now())
				if s.Challenge == nil {
					return
				}
				switch s.Alert.Kind {
				case AlertInvalidCode:
					s.Challenge.AttemptsLeft = s.Alert.AttemptsLeft
				case AlertExpired, AlertFailed:
					s.Challenge.Active = false
					ss.challengeID = ""
				}
			})
			return
		}
		verified = true
		o.update(func(s *State, ss *session) {
			ss.challengeID = ""
			s.Busy, s.Activity = true, "Verified…"
		})
		c.handleAuth(o, resp, ss.purpose)
	})
}

// signInEndedByWrongCodes: the server ended the whole sign-in, not only
// the request (5 wrong codes): no new request can be sent with it.
func (c *Controller) signInEndedByWrongCodes(o *op) {
	c.log.Info("sign-in ended by wrong codes")
	c.toSignedOut(o, localAlert(AlertFailed, "Too many wrong codes: for your security this sign-in has ended. Sign in again."), "")
}

// Resend sends a new code: for an SMS/email challenge, or for the backup
// being set up.
func (c *Controller) Resend() {
	c.startIfNotWaiting("Sending a new code…", func(o *op) {
		ss := o.session()
		st := o.c.State()
		switch {
		case st.Step == StepChallenge && ss.challengeID != "":
			ch, err := ss.cl.Resend(o.ctx, ss.bearer(ss.purpose), ss.challengeID)
			o.update(func(s *State, _ *session) {
				if err != nil {
					s.Alert = alertFor(err, c.now())
					if s.Challenge != nil && s.Alert.Kind == AlertResendTooSoon {
						s.Challenge.ResendAt = s.Alert.RetryAt
					}
					return
				}
				s.Alert, s.Notice = nil, "A new code was sent."
				if s.Challenge != nil {
					s.Challenge.SentTo, s.Challenge.ExpiresAt, s.Challenge.AttemptsLeft = orDefault(ch.SentTo, s.Challenge.SentTo), ch.ExpiresAt, -1
					if ch.ResendAfter != nil {
						s.Challenge.ResendAt = *ch.ResendAfter
					}
				}
			})
		case st.Step == StepSetup && ss.backupFactorID != "":
			c.resendBackup(o, ss, "")
		default:
			o.update(func(*State, *session) {})
		}
	})
}

// Cancel ends the current step: a challenge is cancelled on the server.
func (c *Controller) Cancel() {
	c.start("", func(o *op) {
		ss := o.session()
		st := o.c.State()
		switch st.Step {
		case StepChallenge:
			c.dropChallenge(o, ss)
			switch ss.purpose {
			case api.PurposePasswordChange:
				o.update(func(s *State, ss *session) {
					ss.pwCurrent, ss.pwNew = "", ""
					s.Step, s.Challenge, s.Alert, s.Notice = StepChangePassword, nil, nil, "Password not changed."
				})
				return
			case api.PurposeManageTwoStep:
				o.update(func(s *State, ss *session) {
					ss.afterStepUp = nil
					s.Step, s.Challenge, s.Alert, s.Notice = afterFactorStep(s), nil, nil, "Nothing was changed."
					if s.Step == StepTwoStep {
						ss.backupFactorID = ""
						s.TwoStep.Phase, s.TwoStep.SentTo = TwoStepList, ""
					}
				})
				return
			}
			c.toSignedOut(o, nil, "Sign-in cancelled.")
		case StepSetup:
			if st.Setup != nil && st.Setup.Phase == SetupVerifyBackupCode {
				o.update(func(s *State, ss *session) {
					ss.backupFactorID = ""
					s.Setup.Phase, s.Alert = SetupVerifyBackup, nil
				})
				return
			}
			// The backup check comes before everything else: leaving it leaves setup.
			if st.Setup != nil && st.Setup.Phase != SetupOverview && st.Setup.Phase != SetupVerifyBackup {
				o.update(func(s *State, ss *session) {
					ss.backupFactorID = ""
					s.Setup.Phase, s.Setup.Pairing, s.Alert = SetupOverview, nil, nil
				})
				return
			}
			c.toSignedOut(o, nil, "Setup cancelled. Sign in again to finish it.")
		case StepTwoStep:
			c.cancelTwoStep(o)
		case StepNoMethod:
			c.toSignedOut(o, nil, "")
		case StepChangePassword:
			o.update(func(s *State, ss *session) {
				if ss.tokens == nil {
					return
				}
				s.Step, s.Alert, s.Notice = StepSignedIn, nil, "" // "Password not changed." is no news there
			})
		default:
			// Signing in or resuming: the action is cancelled; clear busy.
			o.update(func(s *State, _ *session) {})
		}
	})
}

// signedIn stores the tokens (and the refresh token in the keychain when the
// member asked to stay signed in) and shows the signed-in screen.
func (c *Controller) signedIn(o *op, tokens *api.Tokens, user *api.User, notice string) {
	ss := o.session()
	if tokens == nil || tokens.AccessToken == "" {
		o.fail(errors.New("the server signed you in but sent no tokens"))
		return
	}
	if user == nil {
		u, err := ss.cl.Me(o.ctx, tokens.AccessToken)
		if err != nil {
			o.fail(err)
			return
		}
		user = u
	}
	server := o.c.State().Server
	var warn *Alert
	if ss.keep {
		if err := c.secrets.SaveRefreshToken(o.ctx, c.serverKey(o.ctx, server), user.Username, tokens.RefreshToken); err != nil {
			warn = alertFor(asKeychainError(err), c.now())
			c.log.Warn("keep me signed in unavailable", "err", err)
		}
	}
	c.log.Info("signed in", "user", user.Username, "version", o.caps().Version.String())
	o.update(func(s *State, ss *session) {
		ss.tokens, ss.user = tokens, user
		ss.mfaToken, ss.setupBearer, ss.challengeID, ss.backupFactorID = "", "", "", ""
		s.Step, s.User, s.Username = StepSignedIn, user, user.Username
		s.Challenge, s.Setup, s.TwoStep, s.Alert, s.Notice = nil, nil, nil, warn, notice
	})
}

func asKeychainError(err error) error {
	var ke *KeychainError
	if errors.As(err, &ke) {
		return err
	}
	return &KeychainError{err}
}

// toSignedOut forgets the session and shows the sign-in form.
func (c *Controller) toSignedOut(o *op, alert *Alert, notice string) {
	o.update(func(s *State, ss *session) {
		keep := ss.keep
		*ss = session{keep: keep}
		s.Step, s.User, s.Challenge, s.Setup, s.TwoStep = StepSignedOut, nil, nil, nil, nil
		s.Alert, s.Notice = alert, notice
		s.Version, s.Caps, s.Server = c.version, CapabilitiesOf(c.version), c.server
	})
}

// sessionEnded handles a sign-in or session the server no longer accepts.
func (c *Controller) sessionEnded(o *op, err error, msg string) {
	a := alertFor(err, c.now())
	a.Kind, a.Message = AlertSessionEnded, msg
	c.toSignedOut(o, a, "")
}

// refuse shows an alert worded by the console itself on the current step (an
// empty field, a code of the wrong length, a step out of order, a refusal the
// console words better than the server's detail).
func (o *op) refuse(kind AlertKind, msg string) {
	o.update(func(s *State, _ *session) { s.Alert = localAlert(kind, msg) })
}

// fail shows err on the current step.
func (o *op) fail(err error) {
	a := alertFor(err, o.c.now())
	o.update(func(s *State, _ *session) { s.Alert = a })
}

func containsMethod(ms []api.Method, m api.Method) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// errCode names an error for logs without its details.
func errCode(err error) string {
	if e, ok := client.AsError(err); ok {
		return e.Code
	}
	if errors.Is(err, client.ErrUnreachable) {
		return "unreachable"
	}
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	return "error"
}
