package api

// CodeUnsupportedMediaType answers a request body that is not JSON.
const CodeUnsupportedMediaType = "unsupported_media_type"

// PathProblems is where the server describes each error code: the type URI
// of a problem is PathProblems + "/" + code (outside Prefix, like the health
// checks: a page for people, not a call of the contract).
const PathProblems = "/problems"

// ProblemType is the type URI of a code: a reference relative to the server
// that answered (RFC 9457 §3.1.1), so it names a page on that server whatever
// address it is reached at.
func ProblemType(code string) string { return PathProblems + "/" + code }

// ProblemCode describes one stable error code for people reading the type
// page: the status it usually comes with and what to do about it.
type ProblemCode struct {
	Code        string
	Status      int
	Description string
}

// ProblemCodes is every code the server answers with, in the order the type
// pages list them. A test keeps it complete.
var ProblemCodes = []ProblemCode{
	{CodeBadRequest, 400, "The request cannot be understood as it is. Check the call against the API description (/api/v1/openapi.json)."},
	{CodeMalformedJSON, 400, "The body is not exactly one valid JSON object. Send one JSON object, nothing before or after it."},
	{CodeBodyTooLarge, 413, "The body is larger than the server accepts (64 KiB). No call needs more."},
	{CodeUnsupportedMediaType, 415, "The body is not JSON. Send it with Content-Type: application/json."},
	{CodeValidation, 400, "A field is missing, of the wrong type, unknown or out of range; the detail names it."},
	{CodeBadConsoleVersion, 400, "The X-Console-Version header is not a version such as 7.50.3572. Send a valid version, or none for the newest behaviour."},
	{CodeUnknownMethod, 400, "The two-step method is not one of authenticator_app, app_notification, sms or email, or cannot be used for this call."},
	{CodeNotFound, 404, "No such path, or no such object that this caller may see."},
	{CodeMethodNotAllowed, 405, "The path exists but does not take this HTTP method; the Allow header lists those it takes."},
	{CodeUnauthorized, 401, "This call needs a token."},
	{CodeInvalidCredentials, 401, "Wrong username or password. The answer is the same for an unknown username."},
	{CodeInvalidToken, 401, "The token is missing, unknown, expired, already used, or not one this call accepts. Sign in again."},
	{CodeMFARequired, 401, "The organisation now requires two-step verification and this session has not passed it. Sign in again."},
	{CodeForbidden, 403, "The caller may not do this (role, managed groups, or acting on oneself)."},
	{CodeInvalidCode, 401, "Wrong code. attempts_left says how many tries the sign-in has left."},
	{CodeCodeAlreadyUsed, 401, "That authenticator code was already used (each works once): wait for the next one. It counts as a wrong code; attempts_left says how many tries are left."},
	{CodeChallengeExpired, 410, "The challenge expired before it was answered. Start a new one."},
	{CodeChallengeFailed, 410, "Too many wrong codes ended the challenge (and the sign-in). Sign in again."},
	{CodeChallengeClosed, 410, "The challenge was already answered, cancelled, or its method was reset. Start a new one or sign in again."},
	{CodeTooManyAttempts, 429, "Too many failed passwords or codes for this account or address. Wait for Retry-After seconds."},
	{CodeTooManyPushes, 429, "Too many app notifications were sent to this member lately. Wait for Retry-After seconds or use another method."},
	{CodeResendTooSoon, 429, "A code was sent less than 30 seconds ago. Wait for Retry-After seconds."},
	{CodeBusy, 503, "Every password-hashing slot is taken. Try again after Retry-After seconds."},
	{CodeSetupIncomplete, 409, "Activation needs an active authenticator app and an active backup (text message or email); missing lists what is left."},
	{CodeStepUpRequired, 403, "This change needs a fresh second factor: run a challenge with the access token (purpose password_change for the password, manage_two_step for factors) and send its step_up_token with the change."},
	{CodeUseSelfService, 403, "Nobody changes their own account through the admin API. Change your password with POST /api/v1/me/password and your factors under /api/v1/me/two-step."},
	{CodeBackupVerificationRequired, 403, "After a two-step reset that kept your backup, confirm a code sent to that backup first (POST /api/v1/me/two-step/factors/{id}/send, then .../confirm); the problem's backup field names it."},
	{CodeAlreadyActivated, 409, "Two-step verification is already activated for this member; this session needs nothing more."},
	{CodeInvalidStepUp, 403, "The step-up token is unknown, expired, used, or not for this session and purpose. Run the challenge again."},
	{CodeTwoStepSetupRequired, 403, "The member must use two-step verification but has none set up. Set it up first."},
	{CodeWeakPassword, 400, "The new password is too short, too long or too common."},
	{CodeMethodNotEnrolled, 400, "The member has no active factor of that method."},
	{CodeConflict, 409, "The change conflicts with the current state (a name already taken, a factor already active)."},
	{CodeInvalidPushToken, 400, "The push token from the pairing QR code is unknown, used or expired. Pair the app again."},
	{CodeAlreadyDecided, 409, "The app notification was already approved, denied or expired."},
	{CodeInternal, 500, "The server failed. Its log has the details (never the request's secrets); try again, and tell its operator if it persists."},
}

// ProblemCodeByName finds a code's entry.
func ProblemCodeByName(code string) (ProblemCode, bool) {
	for _, pc := range ProblemCodes {
		if pc.Code == code {
			return pc, true
		}
	}
	return ProblemCode{}, false
}
