package app

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/client"
)

// loadSetup reads the member's factors and shows "Protect your account" in
// phase (the overview, or the backup entry after the authenticator).
func (c *Controller) loadSetup(o *op, reset bool, phase SetupPhase, notice string) {
	ss := o.session()
	o.busy("Loading your two-step verification…")
	status, err := ss.cl.TwoStep(o.ctx, ss.setupBearer)
	if err != nil {
		c.setupFailed(o, err)
		return
	}
	caps := o.caps()
	primary := status.PrimaryMethod
	if primary == "" {
		primary = ss.primary
	}
	auth, backup := pickFactors(status.Factors)
	options, pre := caps.BackupOptions(primary)
	if backup != nil && containsMethod(options, backup.Method) {
		pre = backup.Method
	}
	view := &SetupView{
		Reset: reset || status.Reset, Phase: phase, Primary: primary,
		Authenticator: auth, Backup: backup, BackupOptions: options, BackupMethod: pre,
		CanActivate: isActive(auth) && isActive(backup),
	}
	if phase == SetupBackupEntry && isActive(backup) {
		view.Phase = SetupOverview
	}
	if b := status.BackupToVerify; b != nil {
		view.Phase = SetupVerifyBackup
		view.VerifyBackup = backupCheck(*b, caps, status.Factors)
	}
	o.update(func(s *State, ss *session) {
		ss.primary = primary
		s.Step, s.Setup, s.Challenge, s.Alert, s.Notice = StepSetup, view, nil, nil, notice
		if b := view.VerifyBackup; b != nil && !b.Supported {
			s.Alert = localAlert(AlertNoMethod, unsupportedBackup(caps, *b))
		}
	})
}

// pickFactors finds the authenticator and the backup to show: active first,
// then reset, then pending.
func pickFactors(fs []api.Factor) (auth, backup *api.Factor) {
	rank := map[api.FactorStatus]int{api.FactorActive: 3, api.FactorReset: 2, api.FactorPending: 1}
	for i := range fs {
		f := fs[i]
		switch f.Method {
		case api.MethodAuthenticatorApp:
			if auth == nil || rank[f.Status] > rank[auth.Status] {
				auth = &f
			}
		case api.MethodSMS, api.MethodEmail:
			if backup == nil || rank[f.Status] > rank[backup.Status] {
				backup = &f
			}
		}
	}
	return auth, backup
}

func isActive(f *api.Factor) bool { return f != nil && f.Status == api.FactorActive }

// setupFailed shows a setup error, or ends the sign-in when its token
// expired, or goes to the backup check the server asks for.
func (c *Controller) setupFailed(o *op, err error) {
	if endsSession(err) {
		c.sessionEnded(o, err, "Your sign-in expired before setup was finished. Sign in again to go on.")
		return
	}
	if e, ok := client.AsError(err); ok && e.Code == api.CodeBackupVerificationRequired && e.Problem.Backup != nil {
		c.toVerifyBackup(o, *e.Problem.Backup, alertFor(err, c.now()))
		return
	}
	o.fail(err)
}

func (c *Controller) inSetup(o *op) (session, bool) {
	ss := o.session()
	if o.c.State().Step != StepSetup || ss.setupBearer == "" || ss.cl == nil {
		o.update(func(*State, *session) {})
		return ss, false
	}
	return ss, true
}

// Factor changes with an access token (setup entered from a signed-in
// session) need a step-up: the server answers 403 step_up_required, the
// console runs a challenge for purpose manage_two_step with the access token
// (the version's rules choose the method, as for a password change) and
// sends the same call again with the step-up token. The server binds the
// change to that step-up, so the rest of it goes through without another.
// The setup mfa_token never gets step_up_required.

// setupCall is one setup call, made with stepUp ("" the first time).
type setupCall func(o *op, ss session, stepUp string)

// askStepUp starts the step-up when err is step_up_required and no step-up
// was given yet; retry then runs again with the token. It reports whether it
// took err over.
func (c *Controller) askStepUp(o *op, err error, stepUp string, retry setupCall) bool {
	if stepUp != "" || !client.IsCode(err, api.CodeStepUpRequired) {
		return false
	}
	e, _ := client.AsError(err)
	enrolled := make([]api.Method, 0, len(e.Problem.Methods))
	for _, m := range e.Problem.Methods {
		enrolled = append(enrolled, m.Method)
	}
	c.log.Info("two-step change needs a step-up")
	o.update(func(_ *State, ss *session) {
		ss.enrolled, ss.purpose, ss.afterStepUp = enrolled, api.PurposeManageTwoStep, retry
		if e.Problem.PrimaryMethod != "" {
			ss.primary = e.Problem.PrimaryMethod
		}
	})
	c.askFirst(o, api.PurposeManageTwoStep)
	return true
}

// finishFactorChange sends the change that asked for a step-up again, with
// the step-up token.
func (c *Controller) finishFactorChange(o *op, stepUp string) {
	retry := o.session().afterStepUp
	o.update(func(s *State, ss *session) {
		ss.afterStepUp = nil
		s.Step, s.Challenge = afterFactorStep(s), nil
	})
	if retry == nil {
		o.fail(errors.New("no change of your two-step verification is waiting"))
		return
	}
	retry(o, o.session(), stepUp)
}

// StartPairing starts pairing the mobile app (again): a new secret as a QR
// code and a key.
func (c *Controller) StartPairing() {
	c.startIfNotWaiting("Preparing the QR code…", func(o *op) {
		ss, ok := c.inSetup(o)
		if !ok {
			return
		}
		c.startPairing(o, ss, "")
	})
}

func (c *Controller) startPairing(o *op, ss session, stepUp string) {
	setup, err := ss.cl.StartAuthenticator(o.ctx, ss.setupBearer, stepUp)
	if c.askStepUp(o, err, stepUp, c.startPairing) {
		return
	}
	if err != nil {
		c.setupFailed(o, err)
		return
	}
	png, err := client.QRCode(setup)
	if err != nil {
		o.fail(err)
		return
	}
	o.update(func(s *State, _ *session) {
		s.Setup.Phase = SetupPairing
		s.Setup.Pairing = &Pairing{FactorID: setup.FactorID, Secret: setup.Secret, OTPAuthURI: setup.OTPAuthURI, QRPNG: png}
		s.Alert = nil
	})
}

// ConfirmAuthenticator confirms the new authenticator with a code from it.
func (c *Controller) ConfirmAuthenticator(code string) {
	code = api.NormalizeCode(code)
	c.mu.Lock()
	var pairing string
	if c.st.Setup != nil && c.st.Setup.Pairing != nil {
		pairing = c.st.Setup.Pairing.FactorID
	}
	c.mu.Unlock()
	key := codeKey("authenticator", pairing, code)
	if !c.claimCode(key) {
		return
	}
	c.startIfNotWaiting("Checking the code…", func(o *op) {
		confirmed := false
		defer func() {
			if !confirmed {
				c.releaseCode(key)
			}
		}()
		ss, ok := c.inSetup(o)
		if !ok {
			return
		}
		st := o.c.State()
		if st.Setup == nil || st.Setup.Pairing == nil {
			o.refuse(AlertError, "Start pairing the mobile app first.")
			return
		}
		if !api.ValidCode(code) {
			o.refuse(AlertInvalidCode, fmt.Sprintf("Enter the %d-digit code from the app.", api.CodeDigits))
			return
		}
		factorID := st.Setup.Pairing.FactorID
		var confirm setupCall
		confirm = func(o *op, ss session, stepUp string) {
			_, err := ss.cl.ConfirmFactor(o.ctx, ss.setupBearer, factorID, code, stepUp)
			if c.askStepUp(o, err, stepUp, confirm) {
				return
			}
			if err != nil {
				c.setupFailed(o, err)
				return
			}
			confirmed = true
			c.log.Info("authenticator confirmed")
			c.loadSetup(o, o.c.State().Setup.Reset, SetupBackupEntry, "The mobile app is set up.")
		}
		confirm(o, ss, "")
	})
}

// EditBackup shows the backup entry (change the number or address, or the
// method). After a reset that left the backup, only once it was verified.
func (c *Controller) EditBackup() {
	c.startIfNotWaiting("", func(o *op) {
		if _, ok := c.inSetup(o); !ok {
			return
		}
		if b := o.c.State().Setup.VerifyBackup; b != nil {
			o.refuse(AlertError, editNeedsCode(*b))
			return
		}
		o.update(func(s *State, ss *session) {
			ss.backupFactorID = ""
			s.Setup.Phase, s.Setup.Pairing, s.Setup.BackupSentTo, s.Alert = SetupBackupEntry, nil, "", nil
		})
	})
}

// StartSMS sends a code to a new backup phone number.
func (c *Controller) StartSMS(phone string) { c.StartBackup(api.MethodSMS, phone) }

// StartEmail sends a code to a new backup email address (newer consoles only).
func (c *Controller) StartEmail(email string) { c.StartBackup(api.MethodEmail, email) }

// StartBackup sends a code to a new backup of method (sms or email).
func (c *Controller) StartBackup(method api.Method, destination string) {
	destination = strings.TrimSpace(destination)
	c.startIfNotWaiting("Sending a code…", func(o *op) {
		ss, ok := c.inSetup(o)
		if !ok {
			return
		}
		caps := o.caps()
		options, _ := caps.BackupOptions(ss.primary)
		if !containsMethod(options, method) {
			o.refuse(AlertError, "Console "+caps.Version.String()+" cannot set up "+method.Label()+" as a backup. Use a text message, or switch to a newer console.")
			return
		}
		if destination == "" {
			msg := "Enter your mobile phone number."
			if method == api.MethodEmail {
				msg = "Enter your email address."
			}
			o.refuse(AlertError, msg)
			return
		}
		var send setupCall
		send = func(o *op, ss session, stepUp string) {
			var sent *api.CodeSent
			var err error
			if method == api.MethodEmail {
				sent, err = ss.cl.StartEmail(o.ctx, ss.setupBearer, destination, stepUp)
			} else {
				sent, err = ss.cl.StartSMS(o.ctx, ss.setupBearer, destination, stepUp)
			}
			if c.askStepUp(o, err, stepUp, send) {
				return
			}
			if client.IsCode(err, api.CodeValidation) {
				o.refuse(AlertError, badDestination(method))
				return
			}
			if err != nil {
				c.setupFailed(o, err)
				return
			}
			o.update(func(s *State, ss *session) {
				ss.backupFactorID = sent.FactorID
				s.Setup.Phase, s.Setup.BackupMethod, s.Setup.BackupSentTo = SetupBackupCode, method, sent.SentTo
				s.Setup.BackupResendAt = time.Time{}
				if sent.ResendAfter != nil {
					s.Setup.BackupResendAt = *sent.ResendAfter
				}
				s.Alert = nil
			})
		}
		send(o, ss, "")
	})
}

func (c *Controller) resendBackup(o *op, ss session, stepUp string) {
	sent, err := ss.cl.SendFactorCode(o.ctx, ss.setupBearer, ss.backupFactorID, stepUp)
	if c.askStepUp(o, err, stepUp, c.resendBackup) {
		return
	}
	if err != nil {
		if endsSession(err) {
			c.setupFailed(o, err)
			return
		}
		o.update(func(s *State, _ *session) {
			s.Alert = alertFor(err, c.now())
			if s.Alert.Kind == AlertResendTooSoon && s.Setup != nil {
				s.Setup.BackupResendAt = s.Alert.RetryAt
			}
		})
		return
	}
	o.update(func(s *State, _ *session) {
		s.Alert, s.Notice = nil, "A new code was sent."
		if sent.ResendAfter != nil && s.Setup != nil {
			s.Setup.BackupResendAt = *sent.ResendAfter
		}
	})
}

// ConfirmBackup confirms the backup with the code it received.
func (c *Controller) ConfirmBackup(code string) {
	c.confirmBackupCode(backupConfirm{
		kind: "backup", place: c.inSetup, bearer: func(ss session) string { return ss.setupBearer },
		noCode: "Send a code to your backup first.", failed: c.setupFailed,
		done: func(o *op) {
			o.update(func(_ *State, ss *session) { ss.backupFactorID = "" })
			notice := "Your backup is set up."
			if st := o.c.State(); st.Setup.VerifyBackup != nil {
				notice = "Your backup is verified. Now pair the mobile app again: Edit, then Start pairing again."
			}
			c.log.Info("backup confirmed")
			c.loadSetup(o, o.c.State().Setup.Reset, SetupOverview, notice)
		},
	}, code)
}

// backupConfirm is where a backup's code is confirmed: setup (the setup or
// access token) or the signed-in two-step page (the access token).
type backupConfirm struct {
	kind   string                    // names the code for the once-only check
	place  func(*op) (session, bool) // still on that step, and its session
	bearer func(session) string      // the token the call goes with
	noCode string                    // said when no code was sent yet
	failed func(*op, error)          // a refusal
	done   func(*op)                 // the code was right
}

// confirmBackupCode checks code once (whatever the keys), then confirms the
// session's backup factor with it, running a step-up first when the server
// asks for one.
func (c *Controller) confirmBackupCode(bc backupConfirm, code string) {
	code = api.NormalizeCode(code)
	c.mu.Lock()
	key := codeKey(bc.kind, c.sess.backupFactorID, code)
	c.mu.Unlock()
	if !c.claimCode(key) {
		return
	}
	c.startIfNotWaiting("Checking the code…", func(o *op) {
		confirmed := false
		defer func() {
			if !confirmed {
				c.releaseCode(key)
			}
		}()
		ss, ok := bc.place(o)
		if !ok {
			return
		}
		if ss.backupFactorID == "" {
			o.refuse(AlertError, bc.noCode)
			return
		}
		if !api.ValidCode(code) {
			o.refuse(AlertInvalidCode, fmt.Sprintf("Enter the %d-digit code.", api.CodeDigits))
			return
		}
		var confirm setupCall
		confirm = func(o *op, ss session, stepUp string) {
			_, err := ss.cl.ConfirmFactor(o.ctx, bc.bearer(ss), ss.backupFactorID, code, stepUp)
			if c.askStepUp(o, err, stepUp, confirm) {
				return
			}
			if err != nil {
				bc.failed(o, err)
				return
			}
			confirmed = true
			bc.done(o)
		}
		confirm(o, ss, "")
	})
}

// Activate finishes setup and signs in ("Activate", then "Continue" after a
// reset). Setup entered from a signed-in session keeps that session: the
// server upgrades it and hands out no new tokens.
func (c *Controller) Activate() {
	busy := "Activating two-step verification…"
	if readyFirst(c.State()) {
		busy = ""
	}
	c.startIfNotWaiting(busy, func(o *op) {
		ss, ok := c.inSetup(o)
		if !ok {
			return
		}
		if readyFirst(c.State()) {
			o.update(func(s *State, _ *session) { s.Setup.Phase, s.Alert, s.Notice = SetupReady, nil, "" })
			return
		}
		c.activate(o, ss, "")
	})
}

// readyFirst: a setup after a reset says it is ready before it activates,
// so that the member sees what was set up again (Activate > Continue).
func readyFirst(s State) bool {
	return s.Step == StepSetup && s.Setup != nil && s.Setup.Reset && s.Setup.Phase == SetupOverview && s.Setup.CanActivate
}

func (c *Controller) activate(o *op, ss session, stepUp string) {
	resp, err := ss.cl.Activate(o.ctx, ss.setupBearer, stepUp)
	if c.askStepUp(o, err, stepUp, c.activate) {
		return
	}
	signedIn := ss.tokens != nil && ss.setupBearer == ss.tokens.AccessToken
	if signedIn && client.IsCode(err, api.CodeAlreadyActivated) {
		// Two-step verification was on before this change (new factors of an
		// activated member need no Activate): the session goes on as it is.
		c.signedIn(o, ss.tokens, nil, "Two-step verification is on.")
		return
	}
	if err != nil {
		c.setupFailed(o, err)
		return
	}
	c.log.Info("two-step verification activated")
	if resp.State != api.StateAuthenticated {
		c.handleAuth(o, resp, api.PurposeLogin)
		return
	}
	tokens := resp.Tokens
	if tokens == nil && signedIn {
		tokens = ss.tokens
	}
	c.signedIn(o, tokens, resp.User, "Two-step verification is on.")
}

// badDestination says what a valid phone number or email address looks like
// (the server refused the one typed).
func badDestination(m api.Method) string {
	if m == api.MethodEmail {
		return "That is not an email address we can use. Enter one like name@example.com."
	}
	return "That is not a phone number we can text. Enter 7 to 15 digits, with the country code, for example +1 555 010 2030 (spaces, dashes, dots and brackets are fine)."
}
