package securitytest

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/servertest"
)

// Leaks (ASVS 7.1, WSTG-ATHN "response manipulation" and information
// exposure): after a busy session of every kind of call, no password, code or
// TOTP secret appears in any answer (the pairing answer alone carries its new
// secret), no token appears in any answer but the one that issued it, and
// none of them appears in the server's log or in the audit log.

var tokenKeys = regexp.MustCompile(`"(access_token|refresh_token|mfa_token|step_up_token|device_token|device_cookie)":"([^"]+)"`)

func TestNoSecretLeaks(t *testing.T) {
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := Start(t, servertest.WithLogger(logger))
	rec := &Recorder{}
	r.Peer.HC = &http.Client{Transport: rec}
	quiet := &Peer{Base: r.Base} // reads the outbox without recording it
	code := func(to string) string { return quiet.lastCode(t, to) }

	passwords := []string{server.DemoPassword, r.Inst.AdminPassword}
	var codes []string
	secretsAt := map[string]string{} // TOTP secret → the only path allowed to show it
	for _, a := range server.DemoAccounts() {
		if a.TOTPSecret != "" {
			secretsAt[a.TOTPSecret] = "" // never
		}
	}
	bob, alice := Account(t, "bob"), r.Inst.Demo(t, "alice")

	// Sign-ins: a wrong password, a wrong code, the right ones; SMS.
	wrongPw := "Bob-Typo-Pass-2026"
	passwords = append(passwords, wrongPw)
	r.Fail(t, "POST", api.PathLogin, "", api.LoginRequest{Username: "bob", Password: wrongPw}, http.StatusUnauthorized, api.CodeInvalidCredentials)
	r.Fail(t, "POST", api.PathLogin, "", api.LoginRequest{Username: "nobody", Password: wrongPw}, http.StatusUnauthorized, api.CodeInvalidCredentials)
	mfa := r.LoginState(t, "bob", api.StateMFARequired).MFAToken
	r.NextStep()
	ch := r.Challenge(t, mfa, api.ChallengeRequest{Method: api.MethodAuthenticatorApp})
	wrong := WrongCode(t, bob.TOTPSecret, r.Now(), 1)
	codes = append(codes, wrong, Code(t, bob.TOTPSecret, r.Now()))
	r.Fail(t, "POST", api.PathChallengeVerify(ch.ChallengeID), mfa, api.VerifyRequest{Code: wrong}, http.StatusUnauthorized, api.CodeInvalidCode)
	tokens := r.Verify(t, mfa, ch.ChallengeID, Code(t, bob.TOTPSecret, r.Now())).Tokens
	mfa = r.LoginState(t, "bob", api.StateMFARequired).MFAToken
	ch = r.Challenge(t, mfa, api.ChallengeRequest{Method: api.MethodSMS})
	sms := code(bob.Phone)
	codes = append(codes, sms)
	r.Verify(t, mfa, ch.ChallengeID, sms)
	var rotated api.Tokens
	r.OK(t, "POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: tokens.RefreshToken}, http.StatusOK, &rotated)
	r.OK(t, "GET", api.PathMe, rotated.AccessToken, nil, http.StatusOK, nil)
	r.OK(t, "GET", api.PathTwoStep, rotated.AccessToken, nil, http.StatusOK, nil)

	// Password change with step-up, a weak attempt first.
	weak, strong := "password", "Bob-Brand-New-2026"
	passwords = append(passwords, strong)
	r.Fail(t, "POST", api.PathPassword, rotated.AccessToken, api.PasswordChangeRequest{CurrentPassword: server.DemoPassword, NewPassword: strong}, http.StatusForbidden, api.CodeStepUpRequired)
	step := r.StepUp(t, rotated.AccessToken, "bob")
	codes = append(codes, Code(t, bob.TOTPSecret, r.Now()))
	r.Fail(t, "POST", api.PathPassword, rotated.AccessToken, api.PasswordChangeRequest{CurrentPassword: server.DemoPassword, NewPassword: weak, StepUpToken: step}, http.StatusBadRequest, api.CodeWeakPassword)
	r.OK(t, "POST", api.PathPassword, rotated.AccessToken, api.PasswordChangeRequest{CurrentPassword: server.DemoPassword, NewPassword: strong, StepUpToken: step}, http.StatusNoContent, nil)

	// First-time setup: the pairing answer alone may show its secret.
	setupTok := r.LoginState(t, "erin", api.StateMFASetupRequired).MFAToken
	var pair api.AuthenticatorSetup
	r.OK(t, "POST", api.PathTwoStepAuth, setupTok, nil, http.StatusCreated, &pair)
	secretsAt[pair.Secret] = api.PathTwoStepAuth
	r.NextStep()
	codes = append(codes, Code(t, pair.Secret, r.Now()))
	r.OK(t, "POST", api.PathFactorConfirm(pair.FactorID), setupTok, api.VerifyRequest{Code: Code(t, pair.Secret, r.Now())}, http.StatusOK, nil)
	var sent api.CodeSent
	r.OK(t, "POST", api.PathTwoStepEmail, setupTok, api.EmailSetupRequest{Email: "erin.new@example.com"}, http.StatusCreated, &sent)
	mail := code("erin.new@example.com")
	codes = append(codes, mail)
	r.OK(t, "POST", api.PathFactorConfirm(sent.FactorID), setupTok, api.VerifyRequest{Code: mail}, http.StatusOK, nil)
	r.OK(t, "POST", api.PathTwoStepActivate, setupTok, nil, http.StatusOK, nil)
	u, _ := url.Parse(pair.OTPAuthURI)
	var dev api.DeviceRegistration
	r.OK(t, "POST", api.PathDeviceRegister, "", api.DeviceRegisterRequest{PushToken: u.Query().Get("push_token"), DeviceName: "Erin"}, http.StatusCreated, &dev)

	// A push, approved; the console's long-poll hands out the session.
	mfa, push := r.alicePush(t)
	codes = append(codes, push.MatchNumber+"") // two digits: checked only against the phone's answers below
	pending := r.phonePending(t)
	r.OK(t, "POST", api.PathNotification(pending[0].ID), alice.DeviceToken, api.NotificationDecision{Decision: api.DecisionApprove, MatchNumber: push.MatchNumber}, http.StatusNoContent, nil)
	r.OK(t, "GET", api.PathChallenge(push.ChallengeID)+"?wait=5", mfa, nil, http.StatusOK, nil)

	// Admin calls: a member with a password, a password set, a reset, the audit log.
	admin := r.Admin(t)
	lena, lena2 := "Lena-Secret-Pass-2026", "Lena-Other-Pass-2026"
	passwords = append(passwords, lena, lena2)
	name := "lena"
	var m api.Member
	state := r.Snapshot(t)
	group := state.Groups[0].ID
	r.OK(t, "POST", api.PathAdminMembers, admin, api.MemberRequest{Username: &name, Password: &lena, GroupID: &group}, http.StatusCreated, &m)
	r.OK(t, "PATCH", api.PathAdminMember(m.ID), admin, api.MemberRequest{Password: &lena2}, http.StatusOK, nil)
	r.OK(t, "POST", api.PathAdminMemberReset(state.Member(t, "bob").ID), admin, nil, http.StatusNoContent, nil)

	// Malformed bodies that carry a password: the error must not echo it.
	leaky := "Leaky-Secret-Pass-2026"
	passwords = append(passwords, leaky)
	for _, body := range []string{
		`{"username":"bob","password":"` + leaky + `"`,
		`{"username":"bob","password":"` + leaky + `","extra":1}`,
		`{"username":["bob"],"password":"` + leaky + `"}`,
		`{"username":"bob","password":"` + leaky + `"}{"again":true}`,
	} {
		res := r.Do(t, "POST", api.PathLogin, "", body)
		if res.Status != http.StatusBadRequest {
			t.Errorf("malformed login body: %s", res)
		}
	}
	var audit []api.AuditEvent
	r.OK(t, "GET", api.PathAdminAudit+"?limit=1000", admin, nil, http.StatusOK, &audit)
	auditText, _ := json.Marshal(audit)
	if len(audit) < 20 {
		t.Fatalf("only %d audit events after all that", len(audit))
	}

	// Check every answer.
	ex := rec.Exchanges()
	issuedAt := map[string]int{}
	for i, e := range ex {
		if e.Path == api.PathDevOutbox {
			continue // the dev outbox is the test's phone: it shows codes by design (404 without --dev)
		}
		text := e.Text()
		for _, m := range tokenKeys.FindAllStringSubmatch(string(e.Body), -1) {
			if first, seen := issuedAt[m[2]]; seen && first != i {
				t.Errorf("%s %s (answer %d) repeats a %s issued by answer %d", e.Method, e.Path, i, m[1], first)
			} else {
				issuedAt[m[2]] = i
			}
		}
		for _, p := range passwords {
			if strings.Contains(text, p) {
				t.Errorf("%s %s: HTTP %d answer holds a password (%d chars)", e.Method, e.Path, e.Status, len(p))
			}
		}
		for _, c := range codes {
			if len(c) == 6 && strings.Contains(text, c) {
				t.Errorf("%s %s: HTTP %d answer holds a code", e.Method, e.Path, e.Status)
			}
		}
		if strings.HasPrefix(e.Path, api.PathDeviceNotification) && strings.Contains(string(e.Body), `"match_number"`) {
			t.Errorf("the phone was told the number: %s", e.Body)
		}
		for s, allowed := range secretsAt {
			if strings.Contains(text, s) && (allowed == "" || e.Path != allowed || e.Method != "POST") {
				t.Errorf("%s %s: answer holds a TOTP secret", e.Method, e.Path)
			}
		}
	}
	if len(issuedAt) < 10 {
		t.Fatalf("only %d tokens seen in %d answers: the recorder missed them", len(issuedAt), len(ex))
	}
	// The log and the audit log: no password, code, TOTP secret or token at all.
	var all []string
	all = append(all, passwords...)
	for _, c := range codes {
		if len(c) == 6 {
			all = append(all, c)
		}
	}
	for s := range secretsAt {
		all = append(all, s)
	}
	for tok := range issuedAt {
		all = append(all, tok)
	}
	all = append(all, u.Query().Get("push_token"), dev.DeviceToken, alice.DeviceToken)
	logText := logs.String()
	if !strings.Contains(logText, "sign_in") {
		t.Fatalf("the captured log shows no sign-in; is the logger wired? %q", logText[:min(len(logText), 200)])
	}
	for _, s := range all {
		if strings.Contains(logText, s) {
			t.Errorf("the server log holds a secret (%d chars)", len(s))
		}
		if strings.Contains(string(auditText), s) {
			t.Errorf("the audit log holds a secret (%d chars)", len(s))
		}
	}
	t.Logf("%d answers, %d tokens, %d passwords, %d codes checked; log %d bytes, audit %d events", len(ex), len(issuedAt), len(passwords), len(codes), len(logText), len(audit))
}

// lastCode reads the outbox without recording the read.
func (p *Peer) lastCode(t testing.TB, to string) string {
	t.Helper()
	var msgs []api.OutboxMessage
	p.OK(t, "GET", api.PathDevOutbox+"?to="+url.QueryEscape(to), "", nil, http.StatusOK, &msgs)
	if len(msgs) == 0 {
		t.Fatalf("nothing sent to %s", to)
	}
	return msgs[0].Code
}
