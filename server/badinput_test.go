package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

// TestBadInput: each kind of bad request gets a problem+json answer with a
// stable code, never a 500, and changes nothing.
func TestBadInput(t *testing.T) {
	c := start(t)
	master := c.admin()
	setupTok := c.loginState("erin", api.StateMFASetupRequired).MFAToken
	mfaTok := c.loginState("bob", api.StateMFARequired).MFAToken
	ch := c.startChallenge(mfaTok, api.MethodAuthenticatorApp)
	bob := c.memberByName(master, "bob")
	support := c.groupByName(master, "Support Desk")
	huge := strings.Repeat("a", 70<<10)
	long := strings.Repeat("x", 300)
	const (
		login = api.PathLogin
	)
	tests := []struct {
		name         string
		method, path string
		bearer       string
		body         any
		header       []string
		status       int
		code         string
	}{
		{"body over 64 KiB", "POST", login, "", `{"username":"` + huge + `"}`, nil, 413, api.CodeBodyTooLarge},
		{"malformed JSON", "POST", login, "", `{"username":`, nil, 400, api.CodeMalformedJSON},
		{"not JSON", "POST", login, "", `username=bob`, nil, 400, api.CodeMalformedJSON},
		{"empty body", "POST", login, "", ``, nil, 400, api.CodeMalformedJSON},
		{"two objects", "POST", login, "", `{"username":"bob","password":"x"}{}`, nil, 400, api.CodeMalformedJSON},
		{"unknown field", "POST", login, "", `{"username":"bob","password":"x","admin":true}`, nil, 400, api.CodeValidation},
		{"wrong type", "POST", login, "", `{"username":42,"password":"x"}`, nil, 400, api.CodeValidation},
		{"array body", "POST", login, "", `[]`, nil, 400, api.CodeValidation},
		{"null body", "POST", login, "", `null`, nil, 400, api.CodeValidation},
		{"empty username", "POST", login, "", api.LoginRequest{Password: "x"}, nil, 400, api.CodeValidation},
		{"huge username", "POST", login, "", api.LoginRequest{Username: long, Password: "x"}, nil, 400, api.CodeValidation},
		{"huge password", "POST", login, "", api.LoginRequest{Username: "bob", Password: strings.Repeat("p", 2000)}, nil, 400, api.CodeValidation},
		{"control characters", "POST", login, "", api.LoginRequest{Username: "bo\x00b", Password: "x"}, nil, 400, api.CodeValidation},
		{"malformed console version", "POST", login, "", api.LoginRequest{Username: "grace", Password: "x"}, []string{api.ConsoleVersionHeader, "7.50"}, 400, api.CodeBadConsoleVersion},
		{"console version with v", "GET", api.PathMe, "", nil, []string{api.ConsoleVersionHeader, "v7.50.3572"}, 400, api.CodeBadConsoleVersion},
		{"unknown path", "GET", api.Prefix + "/nothing/here", "", nil, nil, 404, api.CodeNotFound},
		{"unknown method on a path", "GET", login, "", nil, nil, 405, api.CodeMethodNotAllowed},
		{"no bearer", "GET", api.PathMe, "", nil, nil, 401, api.CodeInvalidToken},
		{"garbage bearer", "GET", api.PathMe, strings.Repeat("z", 1000), nil, nil, 401, api.CodeInvalidToken},
		{"unknown two-step method", "POST", api.PathChallenges, mfaTok, `{"method":"carrier_pigeon"}`, nil, 400, api.CodeUnknownMethod},
		{"no method", "POST", api.PathChallenges, mfaTok, `{}`, nil, 400, api.CodeValidation},
		{"unknown purpose", "POST", api.PathChallenges, mfaTok, `{"method":"sms","purpose":"fun"}`, nil, 400, api.CodeValidation},
		{"bad factor id", "POST", api.PathChallenges, mfaTok, `{"factor_id":"../../etc"}`, nil, 404, api.CodeNotFound},
		{"bad challenge id", "POST", api.PathChallengeVerify("chl_nope"), mfaTok, api.VerifyRequest{Code: "123456"}, nil, 404, api.CodeNotFound},
		{"unknown challenge id", "POST", api.PathChallengeVerify("chl_00000000000000000000000000000000"), mfaTok, api.VerifyRequest{Code: "123456"}, nil, 404, api.CodeNotFound},
		{"empty code", "POST", api.PathChallengeVerify(ch.ChallengeID), mfaTok, api.VerifyRequest{}, nil, 400, api.CodeValidation},
		{"huge code", "POST", api.PathChallengeVerify(ch.ChallengeID), mfaTok, api.VerifyRequest{Code: long}, nil, 400, api.CodeValidation},
		{"code as a number", "POST", api.PathChallengeVerify(ch.ChallengeID), mfaTok, `{"code":123456}`, nil, 400, api.CodeValidation},
		{"wait too long", "GET", api.PathChallenge(ch.ChallengeID) + "?wait=31", mfaTok, nil, nil, 400, api.CodeValidation},
		{"wait not a number", "GET", api.PathChallenge(ch.ChallengeID) + "?wait=soon", mfaTok, nil, nil, 400, api.CodeValidation},
		{"phone with letters", "POST", api.PathTwoStepSMS, setupTok, api.SMSSetupRequest{Phone: "call me"}, nil, 400, api.CodeValidation},
		{"phone too short", "POST", api.PathTwoStepSMS, setupTok, api.SMSSetupRequest{Phone: "12"}, nil, 400, api.CodeValidation},
		{"empty email", "POST", api.PathTwoStepEmail, setupTok, api.EmailSetupRequest{}, nil, 400, api.CodeValidation},
		{"not an email", "POST", api.PathTwoStepEmail, setupTok, api.EmailSetupRequest{Email: "Erin <erin@example.com>"}, nil, 400, api.CodeValidation},
		{"huge email", "POST", api.PathTwoStepEmail, setupTok, api.EmailSetupRequest{Email: long + "@example.com"}, nil, 400, api.CodeValidation},
		{"confirm a bad factor id", "POST", api.PathFactorConfirm("nope"), setupTok, api.VerifyRequest{Code: "123456"}, nil, 404, api.CodeNotFound},
		{"garbage body on pairing", "POST", api.PathTwoStepAuth, setupTok, `{"secret":"mine"}`, nil, 400, api.CodeValidation},
		{"bad technicians", "PUT", api.PathAdminSettings, master, `{"technicians":"some","primary_method":"sms"}`, nil, 400, api.CodeValidation},
		{"bad primary method", "PUT", api.PathAdminSettings, master, `{"technicians":"all","primary_method":"fax"}`, nil, 400, api.CodeUnknownMethod},
		{"settings flag as string", "PUT", api.PathAdminSettings, master, `{"administrators":"yes","technicians":"all","primary_method":"sms"}`, nil, 400, api.CodeValidation},
		{"empty group name", "POST", api.PathAdminGroups, master, api.GroupRequest{Name: ptr("  ")}, nil, 400, api.CodeValidation},
		{"huge group name", "POST", api.PathAdminGroups, master, api.GroupRequest{Name: ptr(long)}, nil, 400, api.CodeValidation},
		{"bad group id", "PATCH", api.PathAdminGroup("1 OR 1=1"), master, api.GroupRequest{Name: ptr("x")}, nil, 404, api.CodeNotFound},
		{"bad member id", "PATCH", api.PathAdminMember("mbr_x"), master, api.MemberRequest{Phone: ptr("555-0100")}, nil, 404, api.CodeNotFound},
		{"unknown member", "POST", api.PathAdminMemberReset("mbr_00000000000000000000000000000000"), master, nil, nil, 404, api.CodeNotFound},
		{"unknown role", "PATCH", api.PathAdminMember(bob.ID), master, `{"roles":["king"]}`, nil, 400, api.CodeValidation},
		{"no roles", "PATCH", api.PathAdminMember(bob.ID), master, `{"roles":[]}`, nil, 400, api.CodeValidation},
		{"group that does not exist", "PATCH", api.PathAdminMember(bob.ID), master, `{"group_id":"grp_00000000000000000000000000000000"}`, nil, 400, api.CodeValidation},
		{"member phone with letters", "PATCH", api.PathAdminMember(bob.ID), master, api.MemberRequest{Phone: ptr("phone")}, nil, 400, api.CodeValidation},
		{"member username taken", "PATCH", api.PathAdminMember(bob.ID), master, api.MemberRequest{Username: ptr("alice")}, nil, 409, api.CodeConflict},
		{"audit limit zero", "GET", api.PathAdminAudit + "?limit=0", master, nil, nil, 400, api.CodeValidation},
		{"audit limit huge", "GET", api.PathAdminAudit + "?limit=99999999999999999999", master, nil, nil, 400, api.CodeValidation},
		{"outbox limit", "GET", api.PathDevOutbox + "?limit=x", "", nil, nil, 400, api.CodeValidation},
	}
	var before api.TwoStepSettings
	c.ok("GET", api.PathAdminSettings, master, nil, http.StatusOK, &before)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			status, h, data := c.raw(tt.method, tt.path, tt.bearer, tt.body, tt.header...)
			c.checkProblem(tt.name, status, h, data, tt.status, tt.code)
		})
	}
	c.t = t
	// Nothing changed.
	var after api.TwoStepSettings
	c.ok("GET", api.PathAdminSettings, master, nil, http.StatusOK, &after)
	if after != before {
		t.Errorf("settings changed by bad input: %+v -> %+v", before, after)
	}
	if got := c.memberByName(master, "bob"); got.Username != "bob" || got.Phone != bob.Phone || got.GroupID != support.ID || len(got.Roles) != 1 {
		t.Errorf("bob changed by bad input: %+v", got)
	}
	if st := c.twoStep(setupTok); len(st.Factors) != 0 {
		t.Errorf("erin's factors changed by bad input: %+v", st.Factors)
	}
	// The challenge still takes its code (bad input did not count as attempts).
	c.verify(mfaTok, ch.ChallengeID, c.totpCode(demo(t, "bob").TOTPSecret))
}
