package securitytest

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
)

// Codes and tokens are bound to their member, sign-in, session and purpose
// (PortSwigger 2FA "flawed verification logic"; ASVS 2.7/2.8).

func TestCodeOfOneMemberOnAnothersChallenge(t *testing.T) {
	r := Start(t)
	bob, henry := Account(t, "bob"), Account(t, "henry")
	bobMFA := r.LoginState(t, "bob", api.StateMFARequired).MFAToken
	henryMFA := r.LoginState(t, "henry", api.StateMFARequired).MFAToken
	r.NextStep()

	// Henry's valid TOTP code on bob's TOTP challenge.
	bobTOTP := r.Challenge(t, bobMFA, api.ChallengeRequest{Method: api.MethodAuthenticatorApp})
	r.Fail(t, "POST", api.PathChallengeVerify(bobTOTP.ChallengeID), bobMFA,
		api.VerifyRequest{Code: Code(t, henry.TOTPSecret, r.Now())}, http.StatusUnauthorized, api.CodeInvalidCode)

	// Henry's SMS code on bob's SMS challenge; henry's sign-in cannot even see bob's challenge.
	bobSMS := r.Challenge(t, bobMFA, api.ChallengeRequest{Method: api.MethodSMS})
	henrySMS := r.Challenge(t, henryMFA, api.ChallengeRequest{Method: api.MethodSMS})
	henryCode := r.LastCode(t, henry.Phone)
	r.Fail(t, "POST", api.PathChallengeVerify(bobSMS.ChallengeID), bobMFA,
		api.VerifyRequest{Code: henryCode}, http.StatusUnauthorized, api.CodeInvalidCode)
	r.Fail(t, "POST", api.PathChallengeVerify(bobSMS.ChallengeID), henryMFA,
		api.VerifyRequest{Code: r.LastCode(t, bob.Phone)}, http.StatusNotFound, api.CodeNotFound)
	r.Fail(t, "GET", api.PathChallenge(bobSMS.ChallengeID), henryMFA, nil, http.StatusNotFound, api.CodeNotFound)
	r.Fail(t, "DELETE", api.PathChallenge(bobSMS.ChallengeID), henryMFA, nil, http.StatusNotFound, api.CodeNotFound)

	// A second sign-in of the same member cannot use the first one's challenge either.
	bobMFA2 := r.LoginState(t, "bob", api.StateMFARequired).MFAToken
	r.Fail(t, "POST", api.PathChallengeVerify(bobSMS.ChallengeID), bobMFA2,
		api.VerifyRequest{Code: r.LastCode(t, bob.Phone)}, http.StatusNotFound, api.CodeNotFound)

	// The owners still pass with their own codes: nothing was used up by the attempts.
	if a := r.Verify(t, henryMFA, henrySMS.ChallengeID, henryCode); a.Tokens == nil || a.User.Username != "henry" {
		t.Fatalf("henry's own code: %+v", a)
	}
	if a := r.Verify(t, bobMFA, bobSMS.ChallengeID, r.LastCode(t, bob.Phone)); a.Tokens == nil || a.User.Username != "bob" {
		t.Fatalf("bob's own code: %+v", a)
	}
}

func TestStepUpTokenBoundToMemberSessionAndPurpose(t *testing.T) {
	r := Start(t)
	bob1 := r.SignIn(t, "bob")
	bob2 := r.SignIn(t, "bob")
	henry := r.SignIn(t, "henry")
	stepUp := r.StepUp(t, bob1.AccessToken, "bob")
	change := func(pw string) api.PasswordChangeRequest {
		return api.PasswordChangeRequest{CurrentPassword: server.DemoPassword, NewPassword: pw, StepUpToken: stepUp}
	}
	// Another member, another session of the same member: refused.
	r.Fail(t, "POST", api.PathPassword, henry.AccessToken, change("Henry-Stolen-2026"), http.StatusForbidden, api.CodeInvalidStepUp)
	r.Fail(t, "POST", api.PathPassword, bob2.AccessToken, change("Bob-Stolen-2026"), http.StatusForbidden, api.CodeInvalidStepUp)
	// No token, a made-up one: step_up_required / invalid.
	r.Fail(t, "POST", api.PathPassword, bob1.AccessToken, api.PasswordChangeRequest{CurrentPassword: server.DemoPassword, NewPassword: "Bob-New-Pass-2026"},
		http.StatusForbidden, api.CodeStepUpRequired)
	r.Fail(t, "POST", api.PathPassword, bob1.AccessToken, api.PasswordChangeRequest{CurrentPassword: server.DemoPassword, NewPassword: "Bob-New-Pass-2026", StepUpToken: "forged"},
		http.StatusForbidden, api.CodeInvalidStepUp)
	// A sign-in mfa_token cannot start a step-up, an access token cannot start a login challenge.
	bobMFA := r.LoginState(t, "bob", api.StateMFARequired).MFAToken
	r.Fail(t, "POST", api.PathChallenges, bobMFA, api.ChallengeRequest{Method: api.MethodAuthenticatorApp, Purpose: api.PurposePasswordChange},
		http.StatusBadRequest, api.CodeValidation)
	r.Fail(t, "POST", api.PathChallenges, bob1.AccessToken, api.ChallengeRequest{Method: api.MethodAuthenticatorApp, Purpose: api.PurposeLogin},
		http.StatusBadRequest, api.CodeValidation)
	// A login challenge passed never yields a step-up token.
	r.NextStep()
	ch := r.Challenge(t, bobMFA, api.ChallengeRequest{Method: api.MethodAuthenticatorApp})
	if a := r.Verify(t, bobMFA, ch.ChallengeID, Code(t, Account(t, "bob").TOTPSecret, r.Now())); a.StepUpToken != "" || a.State != api.StateAuthenticated {
		t.Fatalf("login challenge answered %+v", a)
	}
	// Nobody's password changed: all still sign in with the demo password.
	for _, u := range []string{"bob", "henry"} {
		r.LoginState(t, u, api.StateMFARequired)
	}
	// The owner's session still can use it, once.
	r.OK(t, "POST", api.PathPassword, bob1.AccessToken, change("Bob-New-Pass-2026"), http.StatusNoContent, nil)
	again := api.PasswordChangeRequest{CurrentPassword: "Bob-New-Pass-2026", NewPassword: "Bob-Newer-Pass-2026", StepUpToken: stepUp}
	r.Fail(t, "POST", api.PathPassword, bob1.AccessToken, again, http.StatusForbidden, api.CodeInvalidStepUp)
	// The change ended bob's other session.
	r.Fail(t, "GET", api.PathMe, bob2.AccessToken, nil, http.StatusUnauthorized, api.CodeInvalidToken)
}

func TestSetupCallsAfterActivate(t *testing.T) {
	r := Start(t)
	setupTok := r.LoginState(t, "erin", api.StateMFASetupRequired).MFAToken
	pair, _ := r.Setup(t, setupTok, "555-0155")
	before := r.Snapshot(t)
	calls := []struct {
		method, path string
		body         any
	}{
		{"GET", api.PathTwoStep, nil},
		{"POST", api.PathTwoStepAuth, nil},
		{"POST", api.PathTwoStepSMS, api.SMSSetupRequest{Phone: "555-0666"}},
		{"POST", api.PathTwoStepEmail, api.EmailSetupRequest{Email: "mallory@example.com"}},
		{"POST", api.PathFactorSend(pair.FactorID), nil},
		{"POST", api.PathFactorConfirm(pair.FactorID), api.VerifyRequest{Code: "123456"}},
		{"POST", api.PathTwoStepActivate, nil},
	}
	for _, c := range calls {
		r.Fail(t, c.method, c.path, setupTok, c.body, http.StatusUnauthorized, api.CodeInvalidToken)
	}
	if d := before.Diff(r.Snapshot(t)); d != "" {
		t.Fatalf("setup token after Activate changed state: %s", d)
	}
	// The pairing's push_token was made for that pairing; without a phone
	// registered it is still usable once, then never again.
	u, err := url.Parse(pair.OTPAuthURI)
	if err != nil {
		t.Fatal(err)
	}
	tok := u.Query().Get("push_token")
	reg := api.DeviceRegisterRequest{PushToken: tok, DeviceName: "Erin's phone"}
	r.OK(t, "POST", api.PathDeviceRegister, "", reg, http.StatusCreated, nil)
	r.Fail(t, "POST", api.PathDeviceRegister, "", reg, http.StatusUnauthorized, api.CodeInvalidPushToken)
	r.Fail(t, "POST", api.PathDeviceRegister, "", api.DeviceRegisterRequest{PushToken: "forged", DeviceName: "x"}, http.StatusUnauthorized, api.CodeInvalidPushToken)
}

func TestDeviceTokenSeesOnlyItsOwnMembersPushes(t *testing.T) {
	r := Start(t)
	// Erin pairs a phone of her own; alice's push must stay out of its reach.
	setupTok := r.LoginState(t, "erin", api.StateMFASetupRequired).MFAToken
	pair, _ := r.Setup(t, setupTok, "555-0155")
	u, _ := url.Parse(pair.OTPAuthURI)
	var dev api.DeviceRegistration
	r.OK(t, "POST", api.PathDeviceRegister, "", api.DeviceRegisterRequest{PushToken: u.Query().Get("push_token"), DeviceName: "Erin's phone"}, http.StatusCreated, &dev)

	aliceMFA := r.LoginState(t, "alice", api.StateMFARequired).MFAToken
	push := r.Challenge(t, aliceMFA, api.ChallengeRequest{Method: api.MethodAppNotification})
	var seen []api.Notification
	r.OK(t, "GET", api.PathDeviceNotification+"?wait=0", dev.DeviceToken, nil, http.StatusOK, &seen)
	if len(seen) != 0 {
		t.Fatalf("erin's phone sees alice's pushes: %+v", seen)
	}
	var alice []api.Notification
	r.OK(t, "GET", api.PathDeviceNotification+"?wait=0", r.Inst.Demo(t, "alice").DeviceToken, nil, http.StatusOK, &alice)
	if len(alice) != 1 {
		t.Fatalf("alice's phone sees %d pushes", len(alice))
	}
	res := r.Do(t, "POST", api.PathNotification(alice[0].ID), dev.DeviceToken, api.NotificationDecision{Decision: api.DecisionApprove, MatchNumber: push.MatchNumber})
	if res.Status != http.StatusNotFound {
		t.Fatalf("erin's phone approving alice's push: %s, want 404", res)
	}
	var status api.ChallengeStatus
	r.OK(t, "GET", api.PathChallenge(push.ChallengeID)+"?wait=0", aliceMFA, nil, http.StatusOK, &status)
	if status.Status != api.ChallengePending || status.Tokens != nil {
		t.Fatalf("alice's push after erin's attempt: %+v", status)
	}
}

// A member who confirms the authenticator during first-time setup but never
// adds a backup nor presses Activate was, at the next sign-in, treated as
// enrolled (mfa_required with the authenticator alone): Activate's rule
// (authenticator plus an SMS or email backup) was skipped for good. Fixed
// in server/policy.go and server/setup.go: only Activate enrolls a member
// (members.two_step, migration 0011).
func TestAbandonedSetupStillNeedsActivate(t *testing.T) {
	r := Start(t)
	tok := r.LoginState(t, "erin", api.StateMFASetupRequired).MFAToken
	var pair api.AuthenticatorSetup
	r.OK(t, "POST", api.PathTwoStepAuth, tok, nil, http.StatusCreated, &pair)
	r.NextStep()
	r.OK(t, "POST", api.PathFactorConfirm(pair.FactorID), tok, api.VerifyRequest{Code: Code(t, pair.Secret, r.Now())}, http.StatusOK, nil)
	// The member closes the console here and signs in again later.
	a := r.Login(t, "erin", "Demo-Pass-2026")
	if a.State != api.StateMFASetupRequired {
		t.Fatalf("after an abandoned setup: state %q with methods %v, want mfa_setup_required", a.State, a.Methods)
	}
}
