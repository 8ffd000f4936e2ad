package server

import "github.com/remotesupport/techconsole/api"

// route is one call of the REST contract: its mux pattern, its handler and
// what the OpenAPI document says of it.
type route struct {
	method  string
	path    string // mux syntax ({id}), absolute (under api.Prefix)
	handler handlerFunc
	devOnly bool // served only with Config.Dev
	doc     opDoc
}

// opDoc documents one call.
type opDoc struct {
	tag      string
	summary  string
	auth     []string // security schemes that may call it; nil = no token
	body     any      // request body (a zero value of its type); nil = none
	optional bool     // the body may be empty
	status   int      // success status
	answer   any      // success body; nil = none
	query    []queryDoc
	errs     string // "status:code,code status:code" (problem answers besides the common ones)
}

type queryDoc struct {
	name, desc string
	integer    bool
}

// Security schemes (see openapi.go).
const (
	secMFA    = "mfaToken"    // mfa_token of mfa_required
	secSetup  = "setupToken"  // mfa_token of mfa_setup_required
	secAccess = "accessToken" // access token of a session
	secDevice = "deviceToken" // a registered phone
)

var waitQuery = queryDoc{"wait", "seconds to wait for a change (0-30)", true}

// routeTable is every call the server answers.
func (s *Server) routeTable() []route {
	idPath := func(base, rest string) string { return base + "/{id}" + rest }
	return []route{
		{method: "GET", path: api.PathServerInfo, handler: s.handleServerInfo, doc: opDoc{tag: "auth", summary: "Who this server is: a stable id (the same across restarts and addresses), its name and version",
			status: 200, answer: api.ServerInfo{}}},

		// Sign-in and sessions.
		{method: "POST", path: api.PathLogin, handler: s.handleLogin, doc: opDoc{tag: "auth", summary: "Sign in with username and password (and the device cookie of an earlier sign-in); a right password earns a fresh device cookie",
			body: api.LoginRequest{}, status: 200, answer: api.AuthResponse{}, errs: "401:invalid_credentials 429:too_many_attempts 503:busy"}},
		{method: "POST", path: api.PathRefresh, handler: s.handleRefresh, doc: opDoc{tag: "auth", summary: "Rotate the refresh token",
			body: api.RefreshRequest{}, status: 200, answer: api.Tokens{}, errs: "401:invalid_token,mfa_required"}},
		{method: "POST", path: api.PathLogout, handler: s.handleLogout, doc: opDoc{tag: "auth", summary: "Sign out (ends the session)",
			auth: []string{secAccess}, body: api.RefreshRequest{}, optional: true, status: 204}},
		{method: "GET", path: api.PathMe, handler: s.handleMe, doc: opDoc{tag: "auth", summary: "The signed-in member",
			auth: []string{secAccess}, status: 200, answer: api.User{}}},

		// Challenges.
		{method: "POST", path: api.PathChallenges, handler: s.handleStartChallenge, doc: opDoc{tag: "challenges",
			summary: "Start a challenge (login with the mfa_token; password_change or manage_two_step step-up with the access token)",
			auth:    []string{secMFA, secAccess}, body: api.ChallengeRequest{}, status: 201, answer: api.Challenge{},
			errs: "400:unknown_method,method_not_enrolled 404:not_found 429:too_many_pushes"}},
		{method: "GET", path: idPath(api.PathChallenges, ""), handler: s.handleChallengeStatus, doc: opDoc{tag: "challenges",
			summary: "Long-poll a challenge; an approved push hands out the verify answer once",
			auth:    []string{secMFA, secAccess}, status: 200, answer: api.ChallengeStatus{}, query: []queryDoc{waitQuery}, errs: "404:not_found"}},
		{method: "POST", path: idPath(api.PathChallenges, "/verify"), handler: s.handleVerifyChallenge, doc: opDoc{tag: "challenges",
			summary: "Answer a challenge with a code", auth: []string{secMFA, secAccess}, body: api.VerifyRequest{}, status: 200,
			answer: api.AuthResponse{}, errs: "401:invalid_code,code_already_used 404:not_found 410:challenge_expired,challenge_failed,challenge_closed 429:too_many_attempts"}},
		{method: "POST", path: idPath(api.PathChallenges, "/resend"), handler: s.handleResendChallenge, doc: opDoc{tag: "challenges",
			summary: "Send a new SMS/email code (the old one stops working)", auth: []string{secMFA, secAccess}, status: 200,
			answer: api.Challenge{}, errs: "404:not_found 410:challenge_expired 429:resend_too_soon"}},
		{method: "DELETE", path: idPath(api.PathChallenges, ""), handler: s.handleCancelChallenge, doc: opDoc{tag: "challenges",
			summary: "Cancel a challenge", auth: []string{secMFA, secAccess}, status: 204, errs: "404:not_found"}},

		// Setup.
		{method: "GET", path: api.PathTwoStep, handler: s.handleTwoStepStatus, doc: opDoc{tag: "setup", summary: "Two-step status and factors",
			auth: []string{secSetup, secAccess}, status: 200, answer: api.TwoStepStatus{}}},
		{method: "POST", path: api.PathTwoStepAuth, handler: s.handleStartAuthenticator, doc: opDoc{tag: "setup",
			summary: "Start pairing the mobile app (otpauth URI with push_url and push_token, QR PNG); an access token needs a step-up once a factor is active",
			auth:    []string{secSetup, secAccess}, body: api.StepUpRequest{}, optional: true,
			status: 201, answer: api.AuthenticatorSetup{}, errs: "403:step_up_required,invalid_step_up_token,backup_verification_required"}},
		{method: "POST", path: api.PathTwoStepSMS, handler: s.handleStartSMS, doc: opDoc{tag: "setup", summary: "Start a text message factor (code sent)",
			auth: []string{secSetup, secAccess}, body: api.SMSSetupRequest{}, status: 201, answer: api.CodeSent{},
			errs: "403:step_up_required,invalid_step_up_token,backup_verification_required 429:resend_too_soon"}},
		{method: "POST", path: api.PathTwoStepEmail, handler: s.handleStartEmail, doc: opDoc{tag: "setup", summary: "Start an email factor (code sent)",
			auth: []string{secSetup, secAccess}, body: api.EmailSetupRequest{}, status: 201, answer: api.CodeSent{},
			errs: "403:step_up_required,invalid_step_up_token,backup_verification_required 429:resend_too_soon"}},
		{method: "POST", path: idPath(api.PathTwoStep+"/factors", "/send"), handler: s.handleFactorSend, doc: opDoc{tag: "setup",
			summary: "Send a factor's confirmation code again", auth: []string{secSetup, secAccess}, body: api.StepUpRequest{}, optional: true,
			status: 200, answer: api.CodeSent{}, errs: "403:step_up_required,invalid_step_up_token,backup_verification_required 404:not_found 409:conflict 429:resend_too_soon"}},
		{method: "POST", path: idPath(api.PathTwoStep+"/factors", "/confirm"), handler: s.handleFactorConfirm, doc: opDoc{tag: "setup",
			summary: "Confirm a factor with a code", auth: []string{secSetup, secAccess}, body: api.FactorConfirmRequest{}, status: 200,
			answer: api.FactorResponse{},
			errs:   "401:invalid_code 403:step_up_required,invalid_step_up_token,backup_verification_required 404:not_found 409:conflict 410:challenge_expired,challenge_failed 429:too_many_attempts"}},
		{method: "POST", path: api.PathTwoStepActivate, handler: s.handleActivate, doc: opDoc{tag: "setup",
			summary: "Activate two-step verification: signs in (setup token) or upgrades this session (access token)",
			auth:    []string{secSetup, secAccess}, body: api.StepUpRequest{}, optional: true, status: 200,
			answer: api.AuthResponse{}, errs: "403:step_up_required,invalid_step_up_token,backup_verification_required 409:setup_incomplete,already_activated"}},
		{method: "POST", path: api.PathPassword, handler: s.handleChangePassword, doc: opDoc{tag: "auth",
			summary: "Change the password (step-up where two-step verification applies)", auth: []string{secAccess},
			body: api.PasswordChangeRequest{}, status: 204,
			errs: "400:weak_password 403:step_up_required,two_step_setup_required,invalid_step_up_token,invalid_credentials 409:conflict 429:too_many_attempts 503:busy"}},

		// Device (phone) API.
		{method: "POST", path: api.PathDeviceRegister, handler: s.handleDeviceRegister, doc: opDoc{tag: "device",
			summary: "Register a phone for pushes with the pairing URI's push_token", body: api.DeviceRegisterRequest{}, status: 201,
			answer: api.DeviceRegistration{}, errs: "401:invalid_push_token 429:too_many_attempts"}},
		{method: "GET", path: api.PathDeviceNotification, handler: s.handleDeviceNotifications, doc: opDoc{tag: "device",
			summary: "Long-poll the phone's pending pushes (never the number)", auth: []string{secDevice}, status: 200,
			answer: []api.Notification{}, query: []queryDoc{waitQuery}}},
		{method: "POST", path: idPath(api.PathDeviceNotification, ""), handler: s.handleDeviceDecision, doc: opDoc{tag: "device",
			summary: "Approve (with the number typed) or deny a push; a wrong number denies", auth: []string{secDevice},
			body: api.NotificationDecision{}, status: 204, errs: "404:not_found 409:already_decided 410:challenge_expired"}},

		// Admin Center.
		{method: "GET", path: api.PathAdminSettings, handler: s.handleGetSettings, doc: opDoc{tag: "admin", summary: "Two-step settings",
			auth: []string{secAccess}, status: 200, answer: api.TwoStepSettings{}, errs: "403:forbidden"}},
		{method: "PUT", path: api.PathAdminSettings, handler: s.handlePutSettings, doc: opDoc{tag: "admin",
			summary: "Change the two-step settings (a new primary method resets everyone)", auth: []string{secAccess},
			body: api.TwoStepSettings{}, status: 200, answer: api.TwoStepSettings{}, errs: "403:forbidden"}},
		{method: "GET", path: api.PathAdminGroups, handler: s.handleListGroups, doc: opDoc{tag: "admin", summary: "Technician groups",
			auth: []string{secAccess}, status: 200, answer: []api.Group{}, errs: "403:forbidden"}},
		{method: "POST", path: api.PathAdminGroups, handler: s.handleCreateGroup, doc: opDoc{tag: "admin", summary: "Create a group",
			auth: []string{secAccess}, body: api.GroupRequest{}, status: 201, answer: api.Group{}, errs: "403:forbidden 409:conflict"}},
		{method: "PATCH", path: idPath(api.PathAdminGroups, ""), handler: s.handleUpdateGroup, doc: opDoc{tag: "admin", summary: "Edit a group",
			auth: []string{secAccess}, body: api.GroupRequest{}, status: 200, answer: api.Group{}, errs: "403:forbidden 404:not_found 409:conflict"}},
		{method: "GET", path: api.PathAdminMembers, handler: s.handleListMembers, doc: opDoc{tag: "admin", summary: "A page of the members the caller may act on, and the caller (an administrator sees the technicians of the groups they manage), in username order; X-Next-Cursor holds the next page's after",
			auth: []string{secAccess}, status: 200, answer: []api.Member{}, errs: "400:validation_failed 403:forbidden",
			query: []queryDoc{{"limit", "how many members (1-1000, default 100)", true}, {"after", "X-Next-Cursor of the page before", false},
				{"q", "only members whose username or display name contains this (at most 100 characters)", false}}}},
		{method: "POST", path: api.PathAdminMembers, handler: s.handleCreateMember, doc: opDoc{tag: "admin", summary: "Create a member",
			auth: []string{secAccess}, body: api.MemberRequest{}, status: 201, answer: api.Member{}, errs: "400:weak_password 403:forbidden 409:conflict"}},
		{method: "GET", path: idPath(api.PathAdminMembers, ""), handler: s.handleGetMember, doc: opDoc{tag: "admin", summary: "One member",
			auth: []string{secAccess}, status: 200, answer: api.Member{}, errs: "403:forbidden 404:not_found"}},
		{method: "PATCH", path: idPath(api.PathAdminMembers, ""), handler: s.handleUpdateMember, doc: opDoc{tag: "admin", summary: "Edit a member",
			auth: []string{secAccess}, body: api.MemberRequest{}, status: 200, answer: api.Member{}, errs: "400:weak_password 403:forbidden,use_self_service 404:not_found 409:conflict"}},
		{method: "POST", path: idPath(api.PathAdminMembers, "/reset-two-step"), handler: s.handleResetMember, doc: opDoc{tag: "admin",
			summary: "Force a two-step verification reset (lost phone; include_backup, master administrators only: every factor)", auth: []string{secAccess},
			body: api.ResetRequest{}, optional: true, status: 204, errs: "403:forbidden,use_self_service 404:not_found"}},
		{method: "GET", path: api.PathAdminAudit, handler: s.handleAudit, doc: opDoc{tag: "admin", summary: "Audit log, newest first; X-Next-Cursor holds the next page's after",
			auth: []string{secAccess}, status: 200, answer: []api.AuditEvent{}, errs: "400:validation_failed 403:forbidden",
			query: []queryDoc{{"limit", "how many events (1-1000, default 100)", true}, {"after", "X-Next-Cursor of the page before (an event id)", true}}}},

		// Developer outbox and this document.
		{method: "GET", path: api.PathDevOutbox, handler: s.handleOutbox, devOnly: true, doc: opDoc{tag: "dev",
			summary: "SMS and email the server \"sent\" (only with --dev; 404 otherwise)", status: 200, answer: []api.OutboxMessage{},
			query: []queryDoc{{"to", "phone or email to filter by", false}, {"limit", "how many messages (1-1000, default 50)", true}}}},
		{method: "GET", path: api.PathOpenAPI, handler: s.handleOpenAPI, doc: opDoc{tag: "meta", summary: "This OpenAPI 3.1 document",
			status: 200, answer: map[string]any{}}},
	}
}

// served is the route table as this server's configuration serves it.
func (s *Server) served() []route {
	var out []route
	for _, rt := range s.routeTable() {
		if rt.devOnly && !s.cfg.Dev {
			continue
		}
		out = append(out, rt)
	}
	return out
}

// Route is one served call: an HTTP method and a path pattern ({id} for an
// identifier), as registered on the mux.
type Route struct {
	Method string
	Path   string
}

// Routes lists the calls this server serves, from the same table as its mux.
func (s *Server) Routes() []Route {
	var out []Route
	for _, rt := range s.served() {
		out = append(out, Route{Method: rt.method, Path: rt.path})
	}
	return out
}
