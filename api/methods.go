package api

import "slices"

// BackupMethods are the methods a backup can use, text message first: the
// only one consoles 7.50.3572 and earlier can set up.
var BackupMethods = []Method{MethodSMS, MethodEmail}

// PreselectedBackup is the backup method a setup offers first among options:
// the administrator's primary method when it is one of them, otherwise the
// first option (text message). The console and the Admin Center both use it.
func PreselectedBackup(primary Method, options []Method) Method {
	if slices.Contains(options, primary) {
		return primary
	}
	if len(options) == 0 {
		return ""
	}
	return options[0]
}

// Phrase is the method as the end of "Use … instead".
func (m Method) Phrase() string {
	switch m {
	case MethodAppNotification:
		return "an app notification"
	case MethodAuthenticatorApp:
		return "a code from your authenticator app"
	case MethodSMS:
		return "a text message code"
	case MethodEmail:
		return "an email code"
	}
	return m.Label()
}
