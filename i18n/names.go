package i18n

import "github.com/remotesupport/techconsole/api"

// Method is the name a person reads for a two-step method, one key for the
// console, the Admin Center and the messages that name a method.
func Method(m api.Method) Text {
	switch m {
	case api.MethodAuthenticatorApp:
		return T("method.authenticator_app")
	case api.MethodAppNotification:
		return T("method.app_notification")
	case api.MethodSMS:
		return T("method.sms")
	case api.MethodEmail:
		return T("method.email")
	}
	return T("method.unknown", "Method", string(m))
}

// Role is the name a person reads for a member's role.
func Role(r api.Role) Text {
	switch r {
	case api.RoleMasterAdministrator:
		return T("role.master_administrator")
	case api.RoleAdministrator:
		return T("role.administrator")
	case api.RoleTechnician:
		return T("role.technician")
	}
	return T("role.unknown", "Role", string(r))
}

// Factor names a factor: its method, and where a text message or email
// factor sends its codes ("Text message to ***0106").
func Factor(m api.Method, sentTo string) Text {
	switch {
	case sentTo == "":
	case m == api.MethodSMS:
		return T("backup.label.sms", "SentTo", sentTo)
	case m == api.MethodEmail:
		return T("backup.label.email", "SentTo", sentTo)
	}
	return Method(m)
}
