package app

import (
	"strings"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/i18n"
)

// StepTwoStep is the signed-in "Two-step verification" page (State.TwoStep):
// the member's methods, and changing the backup phone.
const StepTwoStep Step = "two_step"

// TwoStepPhase is the part of the "Two-step verification" page on screen.
type TwoStepPhase string

// Two-step page phases.
const (
	// TwoStepList lists the methods; actions: ChangeBackupPhone, Cancel (back
	// to the signed-in page).
	TwoStepList TwoStepPhase = "list"
	// TwoStepPhone asks for the new backup phone; actions: SetBackupPhone, Cancel.
	TwoStepPhone TwoStepPhase = "phone"
	// TwoStepCode asks for the code sent to SentTo; actions: ConfirmBackupPhone, Cancel.
	TwoStepCode TwoStepPhase = "code"
)

// TwoStepView is the "Two-step verification" page.
type TwoStepView struct {
	Phase TwoStepPhase
	// Methods are the member's factors (active or reset) this console
	// version can use, as the server reports them (label masked by the server).
	Methods []api.Factor
	// SentTo is where the code for the new phone went (masked).
	SentTo string
}

// OpenTwoStep shows the "Two-step verification" page.
type OpenTwoStep struct{}

// ChangeBackupPhone asks for a new backup phone on the two-step page.
type ChangeBackupPhone struct{}

// SetBackupPhone sends a code to the new backup phone (after a step-up).
type SetBackupPhone struct{ Phone string }

// ConfirmBackupPhone confirms the new backup phone with its code.
type ConfirmBackupPhone struct{ Code string }

func (OpenTwoStep) event()        {}
func (ChangeBackupPhone) event()  {}
func (SetBackupPhone) event()     {}
func (ConfirmBackupPhone) event() {}

// dispatchTwoStep runs the two-step page events; it reports whether ev was one.
func (c *Controller) dispatchTwoStep(ev Event) bool {
	switch e := ev.(type) {
	case OpenTwoStep:
		c.OpenTwoStep()
	case ChangeBackupPhone:
		c.ChangeBackupPhone()
	case SetBackupPhone:
		c.SetBackupPhone(e.Phone)
	case ConfirmBackupPhone:
		c.ConfirmBackupPhone(e.Code)
	default:
		return false
	}
	return true
}

// OpenTwoStep loads the member's methods and shows the two-step page.
func (c *Controller) OpenTwoStep() {
	c.startIfNotWaiting(i18n.T("act.loading_two_step"), func(o *op) {
		if o.session().tokens == nil || o.c.State().Step != StepSignedIn {
			o.update(func(*State, *session) {})
			return
		}
		c.loadTwoStep(o, i18n.Text{})
	})
}

// loadTwoStep reads the factors with the access token and shows the list.
func (c *Controller) loadTwoStep(o *op, notice i18n.Text) {
	ss := o.session()
	var status *api.TwoStepStatus
	err := c.withAccess(o, func(access string) error {
		var err error
		status, err = ss.cl.TwoStep(o.ctx, access)
		return err
	})
	if err != nil {
		c.twoStepFailed(o, err)
		return
	}
	caps := o.caps()
	methods := make([]api.Factor, 0, len(status.Factors))
	for _, f := range status.Factors {
		// Email stays hidden from consoles that cannot use it; a phone
		// whose code was never entered is no method yet.
		if caps.Supports(f.Method) && f.Status != api.FactorPending {
			methods = append(methods, f)
		}
	}
	o.update(func(s *State, ss *session) {
		ss.backupFactorID = ""
		s.Step, s.Challenge, s.Alert, s.Notice = StepTwoStep, nil, nil, notice
		s.TwoStep = &TwoStepView{Phase: TwoStepList, Methods: methods}
	})
}

// twoStepFailed ends the session when the server no longer accepts it, else
// shows the error on the page.
func (c *Controller) twoStepFailed(o *op, err error) {
	if endsSession(err) {
		c.sessionEnded(o, err, i18n.T("alert.session_ended"))
		return
	}
	o.fail(err)
}

func (c *Controller) onTwoStepPage(o *op) (session, bool) {
	ss := o.session()
	st := o.c.State()
	if st.Step != StepTwoStep || st.TwoStep == nil || ss.tokens == nil || ss.cl == nil {
		o.update(func(*State, *session) {})
		return ss, false
	}
	return ss, true
}

// ChangeBackupPhone shows the new-phone field.
func (c *Controller) ChangeBackupPhone() {
	c.startIfNotWaiting(i18n.Text{}, func(o *op) {
		if _, ok := c.onTwoStepPage(o); !ok {
			return
		}
		o.update(func(s *State, ss *session) {
			ss.backupFactorID = ""
			s.TwoStep.Phase, s.TwoStep.SentTo, s.Alert, s.Notice = TwoStepPhone, "", nil, i18n.Text{}
		})
	})
}

// SetBackupPhone sends a code to the new backup phone. The server asks for a
// manage_two_step step-up first (askStepUp); that step-up then covers the
// confirmation too.
func (c *Controller) SetBackupPhone(phone string) {
	phone = strings.TrimSpace(phone)
	c.startIfNotWaiting(i18n.T("act.sending_code"), func(o *op) {
		ss, ok := c.onTwoStepPage(o)
		if !ok {
			return
		}
		if phone == "" {
			o.refuse(AlertError, i18n.T("msg.enter_phone"))
			return
		}
		var send setupCall
		send = func(o *op, ss session, stepUp string) {
			sent, err := ss.cl.StartSMS(o.ctx, ss.tokens.AccessToken, phone, stepUp)
			if c.askStepUp(o, err, stepUp, send) {
				return
			}
			if client.IsCode(err, api.CodeValidation) {
				o.update(func(s *State, _ *session) { s.TwoStep.Phase = TwoStepPhone })
				o.refuse(AlertError, badDestination(api.MethodSMS))
				return
			}
			if err != nil {
				c.twoStepFailed(o, err)
				return
			}
			o.update(func(s *State, ss *session) {
				ss.backupFactorID = sent.FactorID
				s.Step, s.Challenge = StepTwoStep, nil
				s.TwoStep.Phase, s.TwoStep.SentTo, s.Alert, s.Notice = TwoStepCode, sent.SentTo, nil, i18n.Text{}
			})
		}
		send(o, ss, "")
	})
}

// ConfirmBackupPhone confirms the new phone with the code it received; the
// server then replaces the old backup phone with it.
func (c *Controller) ConfirmBackupPhone(code string) {
	c.confirmBackupCode(backupConfirm{
		kind: "backup-phone", place: c.onTwoStepPage, bearer: func(ss session) string { return ss.tokens.AccessToken },
		noCode: i18n.T("msg.send_new_phone_code_first"), failed: c.twoStepFailed,
		done: func(o *op) {
			c.log.Info("backup phone changed")
			c.loadTwoStep(o, i18n.T("msg.backup_phone_changed"))
		},
	}, code)
}

// cancelTwoStep leaves a change on the two-step page (nothing was changed),
// or the page itself.
func (c *Controller) cancelTwoStep(o *op) {
	o.update(func(s *State, ss *session) {
		if s.TwoStep == nil || s.TwoStep.Phase == TwoStepList {
			s.Step, s.TwoStep, s.Alert, s.Notice = StepSignedIn, nil, nil, i18n.Text{}
			return
		}
		ss.backupFactorID, ss.afterStepUp = "", nil
		s.TwoStep.Phase, s.TwoStep.SentTo, s.Alert, s.Notice = TwoStepList, "", nil, i18n.T("msg.nothing_changed")
	})
}

// afterFactorStep is the step a manage_two_step step-up returns to: the
// two-step page when the change started there, else setup.
func afterFactorStep(s *State) Step {
	if s.TwoStep != nil && s.Setup == nil {
		return StepTwoStep
	}
	return StepSetup
}
