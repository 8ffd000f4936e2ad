package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
)

func TestEachCodeMethodEndToEnd(t *testing.T) {
	c := start(t)
	t.Run("authenticator_app", func(t *testing.T) {
		c.t = t
		r := c.loginState("bob", api.StateMFARequired)
		ch := c.startChallenge(r.MFAToken, api.MethodAuthenticatorApp)
		if ch.Method != api.MethodAuthenticatorApp || ch.SentTo != "" || ch.ExpiresAt.IsZero() {
			t.Errorf("challenge = %+v", ch)
		}
		out := c.verify(r.MFAToken, ch.ChallengeID, c.totpCode(demo(t, "bob").TOTPSecret))
		if out.User.Username != "bob" || !out.User.TwoStep.Required || out.Tokens.ExpiresIn != 900 || out.Tokens.TokenType != "Bearer" {
			t.Errorf("answer = %+v %+v", out.User, out.Tokens)
		}
		var me api.User
		c.ok("GET", api.PathMe, out.Tokens.AccessToken, nil, http.StatusOK, &me)
		if me.Username != "bob" {
			t.Errorf("GET /me = %+v", me)
		}
	})
	for _, tt := range []struct {
		user, to, masked string
		method           api.Method
	}{
		{"bob", "555-0102", "***0102", api.MethodSMS},
		{"dave", "dave@example.com", "d***@example.com", api.MethodEmail},
	} {
		t.Run(string(tt.method), func(t *testing.T) {
			c.t = t
			r := c.loginState(tt.user, api.StateMFARequired)
			ch := c.startChallenge(r.MFAToken, tt.method)
			if ch.SentTo != tt.masked || ch.ResendAfter == nil {
				t.Errorf("challenge = %+v, want sent_to %q and resend_after", ch, tt.masked)
			}
			code := c.inst.LastCode(t, tt.to)
			if len(code) != 6 {
				t.Fatalf("code %q is not 6 digits", code)
			}
			c.verify(r.MFAToken, ch.ChallengeID, code)
			// Single use: the sign-in is over, the code and the mfa_token with it.
			c.fail("POST", api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: code}, http.StatusGone, api.CodeChallengeClosed)
			c.fail("POST", api.PathChallenges, r.MFAToken, api.ChallengeRequest{Method: tt.method}, http.StatusUnauthorized, api.CodeInvalidToken)
		})
	}
	t.Run("by factor id", func(t *testing.T) {
		c.t = t
		r := c.loginState("carol", api.StateMFARequired)
		var email api.MethodOption
		for _, m := range r.Methods {
			if m.Method == api.MethodEmail {
				email = m
			}
		}
		var ch api.Challenge
		c.ok("POST", api.PathChallenges, r.MFAToken, api.ChallengeRequest{FactorID: email.ID, Purpose: api.PurposeLogin}, http.StatusCreated, &ch)
		c.verify(r.MFAToken, ch.ChallengeID, c.inst.LastCode(t, "carol@example.com"))
	})
	t.Run("method not enrolled", func(t *testing.T) {
		c.t = t
		r := c.loginState("dave", api.StateMFARequired)
		c.fail("POST", api.PathChallenges, r.MFAToken, api.ChallengeRequest{Method: api.MethodSMS}, http.StatusBadRequest, api.CodeMethodNotEnrolled)
	})
}

func TestResendAndCancel(t *testing.T) {
	c := start(t)
	r := c.loginState("bob", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodSMS)
	first := c.inst.LastCode(t, "555-0102")

	status, h, data := c.raw("POST", api.PathChallengeResend(ch.ChallengeID), r.MFAToken, nil)
	p := c.checkProblem("resend", status, h, data, http.StatusTooManyRequests, api.CodeResendTooSoon)
	if p.RetryAfter == nil || *p.RetryAfter != 30 || h.Get("Retry-After") != "30" {
		t.Errorf("resend too soon: retry_after %v, header %q", p.RetryAfter, h.Get("Retry-After"))
	}
	c.clock.Advance(31 * time.Second)
	var again api.Challenge
	c.ok("POST", api.PathChallengeResend(ch.ChallengeID), r.MFAToken, nil, http.StatusOK, &again)
	second := c.inst.LastCode(t, "555-0102")
	if len(c.inst.Outbox(t, "555-0102")) != 2 {
		t.Fatalf("want two messages in the outbox")
	}
	if first != second {
		p := c.fail("POST", api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: first}, http.StatusUnauthorized, api.CodeInvalidCode)
		if p.AttemptsLeft == nil || *p.AttemptsLeft != 4 {
			t.Errorf("attempts_left = %v, want 4", p.AttemptsLeft)
		}
	}

	// Cancel ends the challenge: its code no longer works.
	c.ok("DELETE", api.PathChallenge(ch.ChallengeID), r.MFAToken, nil, http.StatusNoContent, nil)
	c.fail("POST", api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: second}, http.StatusGone, api.CodeChallengeClosed)
	var st api.ChallengeStatus
	c.ok("GET", api.PathChallenge(ch.ChallengeID)+"?wait=0", r.MFAToken, nil, http.StatusOK, &st)
	if st.Status != api.ChallengeDenied {
		t.Errorf("status after cancel = %q", st.Status)
	}
	// The same sign-in can start another challenge.
	ch2 := c.startChallenge(r.MFAToken, api.MethodAuthenticatorApp)
	c.verify(r.MFAToken, ch2.ChallengeID, c.totpCode(demo(t, "bob").TOTPSecret))
}

func TestTOTPReplayIsRefused(t *testing.T) {
	c := start(t)
	secret := demo(t, "henry").TOTPSecret
	r := c.loginState("henry", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodAuthenticatorApp)
	code := c.totpCode(secret)
	c.verify(r.MFAToken, ch.ChallengeID, code)

	// A second sign-in within the same 30 s: the same code is refused, as a
	// code already used (counted like a wrong one), so the member waits for
	// the next one instead of doubting it.
	r2 := c.loginState("henry", api.StateMFARequired)
	ch2 := c.startChallenge(r2.MFAToken, api.MethodAuthenticatorApp)
	c.fail("POST", api.PathChallengeVerify(ch2.ChallengeID), r2.MFAToken, api.VerifyRequest{Code: code}, http.StatusUnauthorized, api.CodeCodeAlreadyUsed)
	// A wrong code is still just wrong.
	c.fail("POST", api.PathChallengeVerify(ch2.ChallengeID), r2.MFAToken, api.VerifyRequest{Code: wrongTOTP(code)}, http.StatusUnauthorized, api.CodeInvalidCode)
	// So is the previous step's code (±1 step, but not at or before the last used one).
	prev := c.clock.Now()
	c.clock.Advance(-30 * time.Second)
	old := c.totpCode(secret)
	c.clock.Set(prev)
	c.fail("POST", api.PathChallengeVerify(ch2.ChallengeID), r2.MFAToken, api.VerifyRequest{Code: old}, http.StatusUnauthorized, api.CodeCodeAlreadyUsed)
	// The next time step's code passes.
	c.clock.Advance(30 * time.Second)
	c.verify(r2.MFAToken, ch2.ChallengeID, c.totpCode(secret))
}

func TestTOTPSkew(t *testing.T) {
	c := start(t)
	secret := demo(t, "bob").TOTPSecret
	now := c.clock.Now()
	for _, tt := range []struct {
		offset time.Duration
		ok     bool
	}{{-60 * time.Second, false}, {-30 * time.Second, true}, {30 * time.Second, true}, {90 * time.Second, false}} {
		c.clock.Set(now.Add(tt.offset))
		code := c.totpCode(secret) // the phone's clock is off by offset
		c.clock.Set(now)
		r := c.loginState("bob", api.StateMFARequired)
		ch := c.startChallenge(r.MFAToken, api.MethodAuthenticatorApp)
		if tt.ok {
			c.verify(r.MFAToken, ch.ChallengeID, code)
			now = now.Add(2 * time.Minute) // past every step used so far
			c.clock.Set(now)
		} else {
			c.fail("POST", api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: code}, http.StatusUnauthorized, api.CodeInvalidCode)
		}
	}
}

func TestSixthWrongCode(t *testing.T) {
	c := start(t)
	r := c.loginState("bob", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodSMS)
	right := c.inst.LastCode(t, "555-0102")
	wrong := "000000"
	if right == wrong {
		wrong = "111111"
	}
	for i := 1; i <= 4; i++ {
		p := c.fail("POST", api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: wrong}, http.StatusUnauthorized, api.CodeInvalidCode)
		if p.AttemptsLeft == nil || *p.AttemptsLeft != 5-i {
			t.Fatalf("attempt %d: attempts_left = %v, want %d", i, p.AttemptsLeft, 5-i)
		}
	}
	c.fail("POST", api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: wrong}, http.StatusGone, api.CodeChallengeFailed)
	c.fail("POST", api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: wrong}, http.StatusGone, api.CodeChallengeFailed)
	// Even the right code is refused once the challenge has failed.
	c.fail("POST", api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: right}, http.StatusGone, api.CodeChallengeFailed)
	c.fail("POST", api.PathChallengeResend(ch.ChallengeID), r.MFAToken, nil, http.StatusGone, api.CodeChallengeFailed)

	// The audit shows the failures and never the code.
	admin := c.admin()
	status, _, data := c.raw("GET", api.PathAdminAudit+"?limit=50", admin, nil)
	if status != http.StatusOK {
		t.Fatalf("audit: HTTP %d", status)
	}
	if bytes.Contains(data, []byte(right)) {
		t.Errorf("the audit log holds the code")
	}
	var events []api.AuditEvent
	if err := json.Unmarshal(data, &events); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, e := range events {
		kinds[e.Kind]++
	}
	if kinds["challenge.failed"] != 4 || kinds["challenge.locked"] != 1 || kinds["challenge.sent"] != 1 {
		t.Errorf("audit kinds = %v", kinds)
	}
}

func TestExpiredCode(t *testing.T) {
	c := start(t)
	r := c.loginState("dave", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodEmail)
	code := c.inst.LastCode(t, "dave@example.com")
	c.clock.Advance(10*time.Minute + time.Second)
	c.fail("POST", api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: code}, http.StatusGone, api.CodeChallengeExpired)
	var st api.ChallengeStatus
	c.ok("GET", api.PathChallenge(ch.ChallengeID), r.MFAToken, nil, http.StatusOK, &st)
	if st.Status != api.ChallengeExpired {
		t.Errorf("status = %q, want expired", st.Status)
	}
	// The sign-in itself has expired: no new challenge.
	c.fail("POST", api.PathChallenges, r.MFAToken, api.ChallengeRequest{Method: api.MethodEmail}, http.StatusUnauthorized, api.CodeInvalidToken)
}

func TestConcurrentVerifiesOfOneCode(t *testing.T) {
	c := start(t)
	r := c.loginState("bob", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodSMS)
	body, _ := json.Marshal(api.VerifyRequest{Code: c.inst.LastCode(t, "555-0102")})
	url := c.inst.URL + api.PathChallengeVerify(ch.ChallengeID)
	statuses := parallel(50, func() int {
		req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+r.MFAToken)
		resp, err := httpClient.Do(req)
		if err != nil {
			return -1
		}
		resp.Body.Close()
		return resp.StatusCode
	})
	if n := count(statuses, http.StatusOK); n != 1 {
		t.Fatalf("%d verifies won, want exactly 1 (statuses %v)", n, statuses)
	}
	for _, s := range statuses {
		if s != http.StatusOK && s != http.StatusGone && s != http.StatusUnauthorized {
			t.Fatalf("unexpected status %d among %v", s, statuses)
		}
	}
}

// TestMFATokensStayInTheirLane: the mfa_token of mfa_required reaches only
// the challenge calls, the one of mfa_setup_required only the setup calls,
// and neither reaches a protected call.
func TestMFATokensStayInTheirLane(t *testing.T) {
	c := start(t)
	challengeTok := c.loginState("bob", api.StateMFARequired).MFAToken
	setupTok := c.loginState("erin", api.StateMFASetupRequired).MFAToken
	bobCh := c.startChallenge(challengeTok, api.MethodAuthenticatorApp)
	access := c.loginState("grace", api.StateAuthenticated).Tokens.AccessToken

	type call struct {
		method, path string
		body         any
	}
	challengeCalls := []call{
		{"POST", api.PathChallenges, api.ChallengeRequest{Method: api.MethodSMS}},
		{"POST", api.PathChallengeVerify(bobCh.ChallengeID), api.VerifyRequest{Code: "123456"}},
		{"POST", api.PathChallengeResend(bobCh.ChallengeID), nil},
		{"GET", api.PathChallenge(bobCh.ChallengeID), nil},
		{"DELETE", api.PathChallenge(bobCh.ChallengeID), nil},
	}
	setupCalls := []call{
		{"GET", api.PathTwoStep, nil},
		{"POST", api.PathTwoStepAuth, nil},
		{"POST", api.PathTwoStepSMS, api.SMSSetupRequest{Phone: "555-0199"}},
		{"POST", api.PathTwoStepEmail, api.EmailSetupRequest{Email: "x@example.com"}},
		{"POST", api.PathFactorSend("fac_00000000000000000000000000000000"), nil},
		{"POST", api.PathFactorConfirm("fac_00000000000000000000000000000000"), api.VerifyRequest{Code: "123456"}},
		{"POST", api.PathTwoStepActivate, nil},
	}
	protected := []call{
		{"GET", api.PathMe, nil},
		{"POST", api.PathLogout, nil},
		{"GET", api.PathAdminSettings, nil},
		{"GET", api.PathAdminMembers, nil},
		{"GET", api.PathAdminAudit, nil},
	}
	check := func(token string, calls []call) {
		t.Helper()
		for _, cl := range calls {
			c.fail(cl.method, cl.path, token, cl.body, http.StatusUnauthorized, api.CodeInvalidToken)
		}
	}
	check(challengeTok, setupCalls)
	check(challengeTok, protected)
	check(setupTok, challengeCalls)
	check(setupTok, protected)
	// An access token reaches the challenge calls only for a step-up: not a
	// login challenge, and not someone's sign-in challenge.
	c.fail("POST", api.PathChallenges, access, api.ChallengeRequest{Method: api.MethodSMS}, http.StatusBadRequest, api.CodeValidation)
	for _, cl := range challengeCalls[1:] {
		c.fail(cl.method, cl.path, access, cl.body, http.StatusNotFound, api.CodeNotFound)
	}
	c.fail("POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: challengeTok}, http.StatusUnauthorized, api.CodeInvalidToken)
	c.fail("POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: setupTok}, http.StatusUnauthorized, api.CodeInvalidToken)

	// Another member's mfa_token does not reach bob's challenge.
	aliceTok := c.loginState("alice", api.StateMFARequired).MFAToken
	c.fail("POST", api.PathChallengeVerify(bobCh.ChallengeID), aliceTok, api.VerifyRequest{Code: "123456"}, http.StatusNotFound, api.CodeNotFound)

	// Both tokens still work for their own calls (nothing above used them up).
	c.twoStep(setupTok)
	c.verify(challengeTok, bobCh.ChallengeID, c.totpCode(demo(t, "bob").TOTPSecret))
	// A used mfa_token reaches nothing.
	c.fail("POST", api.PathChallenges, challengeTok, api.ChallengeRequest{Method: api.MethodSMS}, http.StatusUnauthorized, api.CodeInvalidToken)
	if strings.Contains(challengeTok, ".") {
		t.Errorf("mfa_token looks like a JWT; it must be opaque")
	}
}

// TestWrongCodesCountPerSignIn: a new challenge buys no more guesses.
func TestWrongCodesCountPerSignIn(t *testing.T) {
	c := start(t)
	r := c.loginState("bob", api.StateMFARequired)
	a := c.startChallenge(r.MFAToken, api.MethodAuthenticatorApp)
	wrong := "000000"
	if wrong == c.totpCode(demo(t, "bob").TOTPSecret) {
		wrong = "999999"
	}
	for range 3 {
		c.fail("POST", api.PathChallengeVerify(a.ChallengeID), r.MFAToken, api.VerifyRequest{Code: wrong}, http.StatusUnauthorized, api.CodeInvalidCode)
	}
	b := c.startChallenge(r.MFAToken, api.MethodSMS)
	// A second SMS challenge of the same sign-in waits for the resend cooldown.
	c.fail("POST", api.PathChallenges, r.MFAToken, api.ChallengeRequest{Method: api.MethodSMS}, http.StatusTooManyRequests, api.CodeResendTooSoon)
	p := c.fail("POST", api.PathChallengeVerify(b.ChallengeID), r.MFAToken, api.VerifyRequest{Code: wrong}, http.StatusUnauthorized, api.CodeInvalidCode)
	if p.AttemptsLeft == nil || *p.AttemptsLeft != 1 {
		t.Errorf("attempts_left = %v, want 1", p.AttemptsLeft)
	}
	c.fail("POST", api.PathChallengeVerify(b.ChallengeID), r.MFAToken, api.VerifyRequest{Code: wrong}, http.StatusGone, api.CodeChallengeFailed)
	// The sign-in is over: no challenge, no code, no resend.
	c.fail("POST", api.PathChallenges, r.MFAToken, api.ChallengeRequest{Method: api.MethodSMS}, http.StatusUnauthorized, api.CodeInvalidToken)
	c.fail("POST", api.PathChallengeVerify(a.ChallengeID), r.MFAToken, api.VerifyRequest{Code: c.totpCode(demo(t, "bob").TOTPSecret)}, http.StatusUnauthorized, api.CodeInvalidToken)
	c.clock.Advance(31 * time.Second)
	c.fail("POST", api.PathChallengeResend(b.ChallengeID), r.MFAToken, nil, http.StatusGone, api.CodeChallengeFailed)
}

// TestCodeTypedWithSeparators: a code read the way the console reads it
// (api.NormalizeCode) is accepted by the server too, whatever separates the
// digits.
func TestCodeTypedWithSeparators(t *testing.T) {
	c := start(t)
	for _, tt := range []struct{ name, sep string }{
		{"space", " "},
		{"spaces around", "  "},
		{"tab", "\t"},
		{"no-break space", "\u00a0"},
		{"dash", "-"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			r := c.loginState("dave", api.StateMFARequired)
			ch := c.startChallenge(r.MFAToken, api.MethodEmail)
			code := c.inst.LastCode(t, "dave@example.com")
			typed := tt.sep + code[:3] + tt.sep + code[3:] + tt.sep
			if api.NormalizeCode(typed) != code {
				t.Fatalf("the console reads %q as %q, want %q", typed, api.NormalizeCode(typed), code)
			}
			c.verify(r.MFAToken, ch.ChallengeID, typed)
		})
	}
}

// wrongTOTP is a 6-digit code that differs from code in every digit.
func wrongTOTP(code string) string {
	b := []byte(code)
	for i := range b {
		b[i] = '0' + (b[i]-'0'+5)%10
	}
	return string(b)
}
