package app

import (
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/i18n"
)

// A setup after a lost-phone reset starts with the backup that survived the
// reset: the server pairs no new authenticator, changes no backup and
// activates nothing until a code sent to that backup was confirmed in this
// sign-in. The console therefore asks for that code first (loadSetup opens
// SetupVerifyBackup when the server names a backup to verify), and goes
// there too should the server still answer backup_verification_required.

// SendBackupCode sends a code to the backup this setup verifies first.
func (c *Controller) SendBackupCode() {
	c.startIfNotWaiting(i18n.T("act.sending_code"), func(o *op) {
		ss, ok := c.inSetup(o)
		if !ok {
			return
		}
		b := o.c.State().Setup.VerifyBackup
		if b == nil {
			o.refuse(AlertError, i18n.T("msg.no_backup_to_verify"))
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
			s.Alert, s.Notice = nil, i18n.Text{}
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

// backupCheck is the view of the backup to verify.
func backupCheck(b api.BackupToVerify, caps Capabilities, _ []api.Factor) *BackupCheck {
	return &BackupCheck{FactorID: b.FactorID, Method: b.Method, SentTo: b.SentTo, Label: BackupLabel(b.Method, b.SentTo), Supported: caps.Supports(b.Method)}
}

// BackupLabel names a backup by its method and masked address ("Text
// message to ***0106"), in the console's words rather than the server's.
func BackupLabel(m api.Method, sentTo string) i18n.Text { return i18n.Factor(m, sentTo) }

func editNeedsCode(b BackupCheck) i18n.Text {
	if b.Method == api.MethodEmail {
		return i18n.T("backup.edit_needs_code.email", "SentTo", b.SentTo)
	}
	return i18n.T("backup.edit_needs_code.sms", "SentTo", b.SentTo)
}

func unsupportedBackup(caps Capabilities, b BackupCheck) i18n.Text {
	if b.Method == api.MethodEmail {
		return i18n.T("backup.unsupported.email", "SentTo", b.SentTo, "Version", caps.Version.String())
	}
	return i18n.T("backup.unsupported.sms", "SentTo", b.SentTo, "Version", caps.Version.String())
}

// FactorLabel names a factor: its method, and where a text message or email
// factor sends its codes.
func FactorLabel(f api.Factor) i18n.Text { return i18n.Factor(f.Method, f.SentTo) }
