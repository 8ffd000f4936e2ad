package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// pollResult is one long-poll answer and how long it took.
type pollResult struct {
	status int
	body   api.ChallengeStatus
	raw    []byte
	took   time.Duration
}

// pollAsync long-polls a challenge in the background.
func (c *tc) pollAsync(bearer, id string, wait int) <-chan pollResult {
	out := make(chan pollResult, 1)
	go func() {
		start := time.Now()
		status, _, data := c.rawNoFatal("GET", api.PathChallenge(id)+"?wait="+strconv.Itoa(wait), bearer, nil)
		r := pollResult{status: status, raw: data, took: time.Since(start)}
		_ = json.Unmarshal(data, &r.body)
		out <- r
	}()
	return out
}

// rawNoFatal is raw for goroutines: failures come back as status 0.
func (c *tc) rawNoFatal(method, path, bearer string, body any) (int, http.Header, []byte) {
	req, err := http.NewRequest(method, c.inst.URL+path, jsonBody(body))
	if err != nil {
		return 0, nil, []byte(err.Error())
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, nil, []byte(err.Error())
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, []byte(err.Error())
	}
	return resp.StatusCode, resp.Header, data
}

func jsonBody(body any) io.Reader {
	if body == nil {
		return nil
	}
	js, _ := json.Marshal(body)
	return bytes.NewReader(js)
}

func (c *tc) poll(bearer, id string, wait int) pollResult {
	c.t.Helper()
	r := <-c.pollAsync(bearer, id, wait)
	if r.status != http.StatusOK {
		c.t.Fatalf("long-poll %s: HTTP %d: %s", id, r.status, r.raw)
	}
	return r
}

// notifications lists the phone's pending pushes (wait seconds at most).
func (c *tc) notifications(deviceToken string, wait int) []api.Notification {
	c.t.Helper()
	status, _, data := c.raw("GET", api.PathDeviceNotification+"?wait="+strconv.Itoa(wait), deviceToken, nil)
	if status != http.StatusOK {
		c.t.Fatalf("notifications: HTTP %d: %s", status, data)
	}
	if strings.Contains(string(data), "match_number") {
		c.t.Fatalf("the phone was told the number: %s", data)
	}
	var list []api.Notification
	if err := json.Unmarshal(data, &list); err != nil {
		c.t.Fatalf("notifications: %v", err)
	}
	return list
}

func (c *tc) decide(deviceToken, id, decision, number string, want int) {
	c.t.Helper()
	c.ok("POST", api.PathNotification(id), deviceToken, api.NotificationDecision{Decision: decision, MatchNumber: number}, want, nil)
}

// otherNumber is a two-digit number that is not n.
func otherNumber(n string) string {
	v, _ := strconv.Atoi(n)
	return strconv.Itoa((v-10+1)%90 + 10)
}

func TestPushApprovedReturnsTheLongPollOnce(t *testing.T) {
	c := start(t)
	c.version = "7.51.0"
	phone := c.inst.Demo(t, "alice").DeviceToken
	r := c.loginState("alice", api.StateMFARequired)
	if r.Methods[0].Method != api.MethodAppNotification {
		t.Fatalf("alice's methods = %+v, want app_notification first", r.Methods)
	}
	ch := c.startChallenge(r.MFAToken, api.MethodAppNotification)
	if n, err := strconv.Atoi(ch.MatchNumber); err != nil || n < 10 || n > 99 {
		t.Fatalf("match_number %q is not two digits", ch.MatchNumber)
	}
	if d := ch.ExpiresAt.Sub(c.clock.Now()); d != 60*time.Second {
		t.Errorf("push expires in %v, want 60s", d)
	}
	list := c.notifications(phone, 0)
	if len(list) != 1 || list[0].ID != ch.ChallengeID || list[0].Username != "alice" || list[0].ConsoleVersion != "7.51.0" ||
		list[0].ClientAddress != "127.0.0.1" || !list[0].ExpiresAt.Equal(ch.ExpiresAt) {
		t.Fatalf("notifications = %+v", list)
	}

	waiting := c.pollAsync(r.MFAToken, ch.ChallengeID, 20)
	select {
	case p := <-waiting:
		t.Fatalf("long-poll returned before the phone answered: %s", p.raw)
	case <-time.After(200 * time.Millisecond):
	}
	approved := time.Now()
	c.decide(phone, ch.ChallengeID, api.DecisionApprove, ch.MatchNumber, http.StatusNoContent)
	p := <-waiting
	if lag := time.Since(approved); lag > 2*time.Second {
		t.Errorf("long-poll returned %v after the approval", lag)
	}
	if p.status != http.StatusOK || p.body.Status != api.ChallengeApproved || p.body.State != api.StateAuthenticated ||
		p.body.Tokens == nil || p.body.User == nil || p.body.User.Username != "alice" {
		t.Fatalf("long-poll answer: HTTP %d %s", p.status, p.raw)
	}
	c.ok("GET", api.PathMe, p.body.Tokens.AccessToken, nil, http.StatusOK, nil)

	// Handed out once: asking again tells the status, never the tokens again.
	again := c.poll(r.MFAToken, ch.ChallengeID, 0)
	if again.body.Status != api.ChallengeApproved || again.body.Tokens != nil {
		t.Errorf("second long-poll: %s", again.raw)
	}
	// The push is answered: gone from the phone, not answerable again.
	if list := c.notifications(phone, 0); len(list) != 0 {
		t.Errorf("answered push still listed: %+v", list)
	}
	c.fail("POST", api.PathNotification(ch.ChallengeID), phone, api.NotificationDecision{Decision: api.DecisionApprove, MatchNumber: ch.MatchNumber},
		http.StatusConflict, api.CodeAlreadyDecided)
}

func TestPushDeniedWrongNumberExpiredCancelled(t *testing.T) {
	c := start(t)
	phone := c.inst.Demo(t, "alice").DeviceToken
	for _, tt := range []struct {
		name       string
		answer     func(ch api.Challenge, mfa string)
		wantStatus string
	}{
		{"denied", func(ch api.Challenge, _ string) {
			c.decide(phone, ch.ChallengeID, api.DecisionDeny, "", http.StatusNoContent)
		}, api.ChallengeDenied},
		{"wrong number", func(ch api.Challenge, _ string) {
			c.decide(phone, ch.ChallengeID, api.DecisionApprove, otherNumber(ch.MatchNumber), http.StatusNoContent)
		}, api.ChallengeDenied},
		{"cancelled by the console", func(ch api.Challenge, mfa string) {
			c.ok("DELETE", api.PathChallenge(ch.ChallengeID), mfa, nil, http.StatusNoContent, nil)
		}, api.ChallengeDenied},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			r := c.loginState("alice", api.StateMFARequired)
			ch := c.startChallenge(r.MFAToken, api.MethodAppNotification)
			waiting := c.pollAsync(r.MFAToken, ch.ChallengeID, 20)
			c.waitAsleep(t, 1)
			tt.answer(ch, r.MFAToken)
			p := <-waiting
			if p.status != http.StatusOK || p.body.Status != tt.wantStatus || p.body.Tokens != nil {
				t.Fatalf("long-poll: HTTP %d %s", p.status, p.raw)
			}
			if p.took > 5*time.Second {
				t.Errorf("long-poll took %v", p.took)
			}
			// The sign-in goes on: another method still works.
			ch2 := c.startChallenge(r.MFAToken, api.MethodAuthenticatorApp)
			c.verify(r.MFAToken, ch2.ChallengeID, c.totpCode(demo(t, "alice").TOTPSecret))
			c.clock.Advance(30 * time.Second)
		})
	}
	t.Run("expired", func(t *testing.T) {
		c.t = t
		r := c.loginState("alice", api.StateMFARequired)
		ch := c.startChallenge(r.MFAToken, api.MethodAppNotification)
		c.clock.Advance(61 * time.Second)
		if p := c.poll(r.MFAToken, ch.ChallengeID, 5); p.body.Status != api.ChallengeExpired || p.took > 2*time.Second {
			t.Fatalf("long-poll after expiry: %s in %v", p.raw, p.took)
		}
		if list := c.notifications(phone, 0); len(list) != 0 {
			t.Errorf("expired push still listed: %+v", list)
		}
		c.fail("POST", api.PathNotification(ch.ChallengeID), phone, api.NotificationDecision{Decision: api.DecisionApprove, MatchNumber: ch.MatchNumber},
			http.StatusGone, api.CodeChallengeExpired)
		var events []api.AuditEvent
		c.ok("GET", api.PathAdminAudit+"?limit=50", c.admin(), nil, http.StatusOK, &events)
		expired := 0
		for _, e := range events {
			if e.Kind == "push.expired" && e.Username == "alice" {
				expired++
			}
		}
		if expired != 1 {
			t.Errorf("%d push.expired events, want 1", expired)
		}
	})
	t.Run("bad decisions change nothing", func(t *testing.T) {
		c.t = t
		r := c.loginState("alice", api.StateMFARequired)
		ch := c.startChallenge(r.MFAToken, api.MethodAppNotification)
		for _, body := range []any{
			api.NotificationDecision{Decision: "maybe"},
			api.NotificationDecision{Decision: api.DecisionApprove},
			api.NotificationDecision{Decision: api.DecisionApprove, MatchNumber: "7"},
			api.NotificationDecision{Decision: api.DecisionApprove, MatchNumber: "ab"},
		} {
			c.fail("POST", api.PathNotification(ch.ChallengeID), phone, body, http.StatusBadRequest, api.CodeValidation)
		}
		c.fail("POST", api.PathNotification(ch.ChallengeID), "", api.NotificationDecision{Decision: api.DecisionDeny}, http.StatusUnauthorized, api.CodeInvalidToken)
		c.fail("POST", api.PathNotification("chl_00000000000000000000000000000000"), phone, api.NotificationDecision{Decision: api.DecisionDeny},
			http.StatusNotFound, api.CodeNotFound)
		// An mfa_token or access token is not a device token.
		c.fail("GET", api.PathDeviceNotification, r.MFAToken, nil, http.StatusUnauthorized, api.CodeInvalidToken)
		if p := c.poll(r.MFAToken, ch.ChallengeID, 0); p.body.Status != api.ChallengePending {
			t.Errorf("status after refused decisions: %s", p.raw)
		}
		c.decide(phone, ch.ChallengeID, api.DecisionApprove, ch.MatchNumber, http.StatusNoContent)
		if p := c.poll(r.MFAToken, ch.ChallengeID, 0); p.body.Status != api.ChallengeApproved || p.body.Tokens == nil {
			t.Errorf("approval after refused decisions: %s", p.raw)
		}
	})
}

func TestAtMostThreeOpenPushes(t *testing.T) {
	c := start(t)
	r := c.loginState("alice", api.StateMFARequired)
	for i := range 3 {
		c.startChallenge(r.MFAToken, api.MethodAppNotification)
		c.clock.Advance(time.Duration(i+1) * time.Second)
	}
	status, h, data := c.raw("POST", api.PathChallenges, r.MFAToken, api.ChallengeRequest{Method: api.MethodAppNotification})
	p := c.checkProblem("4th push", status, h, data, http.StatusTooManyRequests, api.CodeTooManyPushes)
	// The oldest was sent 6 s ago (by the server's clock): it expires in 54 s.
	if p.RetryAfter == nil || *p.RetryAfter != 54 || h.Get("Retry-After") != "54" {
		t.Errorf("retry_after = %v, Retry-After = %q, want 54", p.RetryAfter, h.Get("Retry-After"))
	}
	// Another sign-in of the same member counts too.
	r2 := c.loginState("alice", api.StateMFARequired)
	c.fail("POST", api.PathChallenges, r2.MFAToken, api.ChallengeRequest{Method: api.MethodAppNotification}, http.StatusTooManyRequests, api.CodeTooManyPushes)
	if got := len(c.notifications(c.inst.Demo(t, "alice").DeviceToken, 0)); got != 3 {
		t.Errorf("phone lists %d pushes, want 3", got)
	}
	// Once the oldest expires, a new push may go.
	c.clock.Advance(55 * time.Second)
	c.startChallenge(r2.MFAToken, api.MethodAppNotification)
}

func TestPhoneLongPollWakesOnNewPush(t *testing.T) {
	c := start(t)
	phone := c.inst.Demo(t, "alice").DeviceToken
	got := make(chan []api.Notification, 1)
	started := time.Now()
	go func() {
		status, _, data := c.rawNoFatal("GET", api.PathDeviceNotification+"?wait=20", phone, nil)
		var list []api.Notification
		if status == http.StatusOK {
			_ = json.Unmarshal(data, &list)
		}
		got <- list
	}()
	c.waitAsleep(t, 1)
	r := c.loginState("alice", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodAppNotification)
	list := <-got
	if len(list) != 1 || list[0].ID != ch.ChallengeID {
		t.Fatalf("phone long-poll: %+v", list)
	}
	if took := time.Since(started); took > 5*time.Second {
		t.Errorf("phone long-poll took %v", took)
	}
	c.fail("GET", api.PathDeviceNotification+"?wait=31", phone, nil, http.StatusBadRequest, api.CodeValidation)
}

// TestDeviceRegistration: pairing gives a single-use push_token; the phone
// registers with it, the app notification becomes usable once setup is done.
func TestDeviceRegistration(t *testing.T) {
	c := start(t)
	tok := c.loginState("erin", api.StateMFASetupRequired).MFAToken
	setup := c.startPairing(tok)
	push := pushToken(t, setup.OTPAuthURI)

	var reg api.DeviceRegistration
	c.ok("POST", api.PathDeviceRegister, "", api.DeviceRegisterRequest{PushToken: push, DeviceName: "Erin's phone"}, http.StatusCreated, &reg)
	if reg.DeviceID == "" || len(reg.DeviceToken) < 40 {
		t.Fatalf("registration = %+v", reg)
	}
	// Single use.
	c.fail("POST", api.PathDeviceRegister, "", api.DeviceRegisterRequest{PushToken: push, DeviceName: "Thief"}, http.StatusUnauthorized, api.CodeInvalidPushToken)
	// Pending beside the pending authenticator.
	st := c.twoStep(tok)
	if f, ok := factorOf(st, api.MethodAppNotification); !ok || f.Status != api.FactorPending {
		t.Fatalf("after registration: %+v", st.Factors)
	}
	c.ok("POST", api.PathFactorConfirm(setup.FactorID), tok, api.VerifyRequest{Code: c.totpCode(setup.Secret)}, http.StatusOK, nil)
	if f, _ := factorOf(c.twoStep(tok), api.MethodAppNotification); f.Status != api.FactorActive {
		t.Fatalf("app notification not active with its authenticator: %+v", f)
	}
	var sent api.CodeSent
	c.ok("POST", api.PathTwoStepSMS, tok, api.SMSSetupRequest{Phone: "555-0105"}, http.StatusCreated, &sent)
	c.confirmByCode(tok, sent, "555-0105")
	c.ok("POST", api.PathTwoStepActivate, tok, nil, http.StatusOK, nil)

	// Erin now signs in with a push to her new phone.
	r := c.loginState("erin", api.StateMFARequired)
	ch := c.startChallenge(r.MFAToken, api.MethodAppNotification)
	list := c.notifications(reg.DeviceToken, 0)
	if len(list) != 1 || list[0].ID != ch.ChallengeID {
		t.Fatalf("erin's phone lists %+v", list)
	}
	// Alice's phone does not see erin's push, nor answer it.
	c.fail("POST", api.PathNotification(ch.ChallengeID), c.inst.Demo(t, "alice").DeviceToken,
		api.NotificationDecision{Decision: api.DecisionApprove, MatchNumber: ch.MatchNumber}, http.StatusNotFound, api.CodeNotFound)
	c.decide(reg.DeviceToken, ch.ChallengeID, api.DecisionApprove, ch.MatchNumber, http.StatusNoContent)
	if p := c.poll(r.MFAToken, ch.ChallengeID, 5); p.body.State != api.StateAuthenticated {
		t.Fatalf("erin's push sign-in: %s", p.raw)
	}

	// Unknown tokens are refused alike; a bad name changes nothing.
	c.fail("POST", api.PathDeviceRegister, "", api.DeviceRegisterRequest{PushToken: "nope", DeviceName: "x"}, http.StatusUnauthorized, api.CodeInvalidPushToken)
	c.fail("POST", api.PathDeviceRegister, "", api.DeviceRegisterRequest{PushToken: push, DeviceName: ""}, http.StatusBadRequest, api.CodeValidation)
}

func TestDeviceRegistrationIsThrottled(t *testing.T) {
	c := start(t)
	for i := range 10 {
		c.fail("POST", api.PathDeviceRegister, "", api.DeviceRegisterRequest{PushToken: fmt.Sprintf("guess-%d", i), DeviceName: "x"},
			http.StatusUnauthorized, api.CodeInvalidPushToken)
	}
	// Even a good token waits now, until the window passes.
	tok := c.loginState("erin", api.StateMFASetupRequired).MFAToken
	push := pushToken(t, c.startPairing(tok).OTPAuthURI)
	status, h, data := c.raw("POST", api.PathDeviceRegister, "", api.DeviceRegisterRequest{PushToken: push, DeviceName: "Erin's phone"})
	p := c.checkProblem("11th registration", status, h, data, http.StatusTooManyRequests, api.CodeTooManyAttempts)
	if p.RetryAfter == nil || *p.RetryAfter != 900 || h.Get("Retry-After") != "900" {
		t.Errorf("retry_after = %v, Retry-After %q, want 900", p.RetryAfter, h.Get("Retry-After"))
	}
	c.clock.Advance(15 * time.Minute)
	tok = c.loginState("erin", api.StateMFASetupRequired).MFAToken // the first sign-in's token expired meanwhile
	push = pushToken(t, c.startPairing(tok).OTPAuthURI)
	c.ok("POST", api.PathDeviceRegister, "", api.DeviceRegisterRequest{PushToken: push, DeviceName: "Erin's phone"}, http.StatusCreated, nil)
}

// TestPushRateCountsEveryPushSent: pushes sent are limited per member
// whatever became of them, so cancelling each one (or leaving them to
// expire) does not dodge "3 open": 3 per minute, 10 per 15 minutes.
func TestPushRateCountsEveryPushSent(t *testing.T) {
	for _, tt := range []struct {
		name      string
		cancel    bool
		spacing   time.Duration
		allowed   int
		wantRetry int // seconds until the limiting rate allows one more
	}{
		{"cancelled at once, 1 s apart: 3 per minute", true, time.Second, 3, 57},
		{"cancelled at once, 30 s apart: 10 per 15 minutes", true, 30 * time.Second, 10, 600},
		{"left open, 30 s apart: 10 per 15 minutes", false, 30 * time.Second, 10, 600},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := start(t)
			admin := c.admin()
			mfa := c.loginState("alice", api.StateMFARequired).MFAToken
			for i := range tt.allowed {
				if i > 0 {
					c.clock.Advance(tt.spacing)
				}
				ch := c.startChallenge(mfa, api.MethodAppNotification)
				if tt.cancel {
					c.ok("DELETE", api.PathChallenge(ch.ChallengeID), mfa, nil, http.StatusNoContent, nil)
				}
			}
			c.clock.Advance(tt.spacing)
			status, h, data := c.raw("POST", api.PathChallenges, mfa, api.ChallengeRequest{Method: api.MethodAppNotification})
			p := c.checkProblem("push past the rate", status, h, data, http.StatusTooManyRequests, api.CodeTooManyPushes)
			want := strconv.Itoa(tt.wantRetry)
			if p.RetryAfter == nil || *p.RetryAfter != tt.wantRetry || h.Get("Retry-After") != want {
				t.Fatalf("retry_after = %v, Retry-After = %q, want %d", p.RetryAfter, h.Get("Retry-After"), tt.wantRetry)
			}
			// The refusal is in the audit log.
			var events []api.AuditEvent
			c.ok("GET", api.PathAdminAudit+"?limit=5", admin, nil, http.StatusOK, &events)
			if !slices.ContainsFunc(events, func(e api.AuditEvent) bool { return e.Kind == "push.too_many" && e.Username == "alice" }) {
				t.Errorf("no push.too_many event for alice in %+v", events)
			}
			// Another sign-in of the member counts the same; other
			// methods still work.
			r2 := c.loginState("alice", api.StateMFARequired)
			c.fail("POST", api.PathChallenges, r2.MFAToken, api.ChallengeRequest{Method: api.MethodAppNotification},
				http.StatusTooManyRequests, api.CodeTooManyPushes)
			c.startChallenge(r2.MFAToken, api.MethodAuthenticatorApp)
			// When the wait is over, one more push goes (from a new sign-in:
			// the wait may outlive the mfa_token).
			c.clock.Advance(time.Duration(tt.wantRetry) * time.Second)
			c.startChallenge(c.loginState("alice", api.StateMFARequired).MFAToken, api.MethodAppNotification)
		})
	}
}
