package server

// Audit event kinds of pushes, devices, password change, step-up,
// throttling and policy. Never a secret, code or match number.
const (
	auditPushApproved       = "push.approved"
	auditPushDenied         = "push.denied"
	auditPushExpired        = "push.expired"
	auditPushRefused        = "push.too_many"
	auditDeviceRegistered   = "device.registered"
	auditDeviceRegFailed    = "device.register_failed"
	auditPasswordChanged    = "password.changed"
	auditPasswordFailed     = "password.change_failed"
	auditStepUpIssued       = "step_up.issued"
	auditStepUpRefused      = "step_up.refused"
	auditStepUpUsed         = "step_up.used"
	auditThrottled          = "throttle.refused"
	auditSessionMFARequired = "session.mfa_required"
)
