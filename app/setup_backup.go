package app

import (
	"time"

	"github.com/remotesupport/techconsole/api"
)

// A setup after a lost-phone reset starts with the backup that survived the
// reset: the server pairs no new authenticator, changes no backup and
// activates nothing until a code sent to that backup was confirmed in this
// sign-in. The console therefore asks for that code first (loadSetup opens
// SetupVerifyBackup when the server names a backup to verify), and goes
// there too should the server still answer backup_verification_required.

// SendBackupCode sends a code to the backup this setup verifies first.
func (c *Controller) SendBackupCode() {
	c.startIfNotWaiting("Sending a code…", func(o *op) {
		ss, ok := c.inSetup(o)
		if !ok {
			return
		}
		b := o.c.State().Setup.VerifyBackup
		if b == nil {
			o.refuse(AlertError, "There is no backup to verify.")
			return
		}
		if !b.Supported {
			o.refuse(AlertNoMethod, unsupportedBackup(o.caps(), *b))
			return
		}
		sent, err := ss.cl.SendFactorCode(o.ctx, ss.setupBearer, b.FactorID, "")
		if err != nil {
			if endsSession(err) {
				c.setupFailed(o, err)
				return
			}
			o.update(func(s *State, _ *session) {
				s.Alert = alertFor(err, c.now())
				if s.Alert.Kind == AlertResendTooSoon {
					s.Setup.BackupResendAt = s.Alert.RetryAt
				}
			})
			return
		}
		o.update(func(s *State, ss *session) {
			ss.backupFactorID = b.FactorID
			s.Setup.Phase, s.Setup.BackupMethod, s.Setup.BackupSentTo = SetupVerifyBackupCode, b.Method, sent.SentTo
			s.Setup.BackupResendAt = time.Time{}
			if sent.ResendAfter != nil {
				s.Setup.BackupResendAt = *sent.ResendAfter
			}
			s.Alert, s.Notice = nil, ""
		})
	})
}

// toVerifyBackup shows the backup check the server asked for, with alert.
func (c *Controller) toVerifyBackup(o *op, b api.BackupToVerify, alert *Alert) {
	caps := o.caps()
	o.update(func(s *State, ss *session) {
		if s.Setup == nil {
			return
		}
		ss.backupFactorID = ""
		s.Setup.Phase, s.Setup.Pairing = SetupVerifyBackup, nil
		var known []api.Factor
		if s.Setup.Backup != nil {
			known = append(known, *s.Setup.Backup)
		}
		s.Setup.VerifyBackup = backupCheck(b, caps, known)
		s.Alert = alert
	})
}

// backupCheck is the view of the backup to verify; its label is the
// server's label of that factor when known.
func backupCheck(b api.BackupToVerify, caps Capabilities, factors []api.Factor) *BackupCheck {
	label := b.Method.Label() + " (" + b.SentTo + ")"
	for _, f := range factors {
		if f.ID == b.FactorID && f.Label != "" {
			label = f.Label
		}
	}
	return &BackupCheck{FactorID: b.FactorID, Method: b.Method, SentTo: b.SentTo, Label: label, Supported: caps.Supports(b.Method)}
}

func backupName(b BackupCheck) string {
	what := "your backup phone"
	if b.Method == api.MethodEmail {
		what = "your backup email address"
	}
	if b.SentTo != "" {
		what += " (" + b.SentTo + ")"
	}
	return what
}

func editNeedsCode(b BackupCheck) string {
	return "First confirm the code sent to " + backupName(b) + ": once it is verified you can change your backup."
}

func unsupportedBackup(caps Capabilities, b BackupCheck) string {
	return "Your backup is " + backupName(b) + ", which console " + caps.Version.String() +
		" cannot use. Switch to a newer console version and sign in again, or ask your administrator for help."
}
