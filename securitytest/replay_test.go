package securitytest

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

// Replay and races (ASVS 2.7.3, 2.8.4, 3.2; PortSwigger "race conditions"):
// a code or refresh token is used once, and of many simultaneous uses
// exactly one wins.

func TestTOTPCodeAcceptedOnce(t *testing.T) {
	r := Start(t)
	bob := Account(t, "bob")
	r.NextStep()
	code := Code(t, bob.TOTPSecret, r.Now())
	prev := Code(t, bob.TOTPSecret, r.Now().Add(-30e9))
	mfa := r.LoginState(t, "bob", api.StateMFARequired).MFAToken
	ch := r.Challenge(t, mfa, api.ChallengeRequest{Method: api.MethodAuthenticatorApp})
	r.Verify(t, mfa, ch.ChallengeID, code)
	// The same code on a new sign-in, and the previous step's code (still
	// inside the ±1 window) are both refused, as codes already used (which
	// count as wrong ones).
	for _, c := range []string{code, prev} {
		mfa := r.LoginState(t, "bob", api.StateMFARequired).MFAToken
		ch := r.Challenge(t, mfa, api.ChallengeRequest{Method: api.MethodAuthenticatorApp})
		r.Fail(t, "POST", api.PathChallengeVerify(ch.ChallengeID), mfa, api.VerifyRequest{Code: c}, http.StatusUnauthorized, api.CodeCodeAlreadyUsed)
	}
	// The used challenge is closed.
	r.Fail(t, "POST", api.PathChallengeVerify(ch.ChallengeID), mfa, api.VerifyRequest{Code: code}, http.StatusGone, api.CodeChallengeClosed)
}

func TestOutOfBandCodeAcceptedOnce(t *testing.T) {
	for _, tc := range []struct {
		user   string
		method api.Method
	}{{"bob", api.MethodSMS}, {"carol", api.MethodEmail}} {
		t.Run(string(tc.method), func(t *testing.T) {
			r := Start(t)
			acc := Account(t, tc.user)
			to := acc.Phone
			if tc.method == api.MethodEmail {
				to = acc.Email
			}
			mfa := r.LoginState(t, tc.user, api.StateMFARequired).MFAToken
			ch := r.Challenge(t, mfa, api.ChallengeRequest{Method: tc.method})
			code := r.LastCode(t, to)
			r.Verify(t, mfa, ch.ChallengeID, code)
			r.Fail(t, "POST", api.PathChallengeVerify(ch.ChallengeID), mfa, api.VerifyRequest{Code: code}, http.StatusGone, api.CodeChallengeClosed)
			// On a new sign-in's challenge the old code is worthless.
			r.Clock.Advance(31e9)
			mfa2 := r.LoginState(t, tc.user, api.StateMFARequired).MFAToken
			ch2 := r.Challenge(t, mfa2, api.ChallengeRequest{Method: tc.method})
			if r.LastCode(t, to) == code {
				t.Skip("the new code happens to equal the old one (1 in 10^6)")
			}
			r.Fail(t, "POST", api.PathChallengeVerify(ch2.ChallengeID), mfa2, api.VerifyRequest{Code: code}, http.StatusUnauthorized, api.CodeInvalidCode)
			// A resend voids the code it replaces.
			r.Clock.Advance(31e9)
			old := r.LastCode(t, to)
			r.OK(t, "POST", api.PathChallengeResend(ch2.ChallengeID), mfa2, nil, http.StatusOK, nil)
			if r.LastCode(t, to) != old {
				r.Fail(t, "POST", api.PathChallengeVerify(ch2.ChallengeID), mfa2, api.VerifyRequest{Code: old}, http.StatusUnauthorized, api.CodeInvalidCode)
			}
			r.Verify(t, mfa2, ch2.ChallengeID, r.LastCode(t, to))
		})
	}
}

func TestRefreshTokenReuseRevokesFamily(t *testing.T) {
	r := Start(t)
	first := r.SignIn(t, "bob")
	var second api.Tokens
	r.OK(t, "POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: first.RefreshToken}, http.StatusOK, &second)
	if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Fatal("refresh did not rotate the tokens")
	}
	// The thief replays the old refresh token: refused, and the whole family ends.
	r.Fail(t, "POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: first.RefreshToken}, http.StatusUnauthorized, api.CodeInvalidToken)
	r.Fail(t, "POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: second.RefreshToken}, http.StatusUnauthorized, api.CodeInvalidToken)
	r.Fail(t, "GET", api.PathMe, second.AccessToken, nil, http.StatusUnauthorized, api.CodeInvalidToken)
	// Bob's other sessions are not the thief's family: they live on.
	other := r.SignIn(t, "bob")
	r.OK(t, "GET", api.PathMe, other.AccessToken, nil, http.StatusOK, nil)
}

// race runs n copies of fn at once (released together) and returns their answers.
func race(t testing.TB, n int, fn func(i int) (Resp, error)) []Resp {
	t.Helper()
	out := make([]Resp, n)
	errs := make([]error, n)
	var ready, done sync.WaitGroup
	gate := make(chan struct{})
	for i := 0; i < n; i++ {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-gate
			out[i], errs[i] = fn(i)
		}()
	}
	ready.Wait()
	close(gate)
	done.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("racer %d: %v", i, err)
		}
	}
	return out
}

func countStatus(rs []Resp) map[int]int {
	m := map[int]int{}
	for _, r := range rs {
		m[r.Status]++
	}
	return m
}

func TestFiftyConcurrentVerifiesOfOneCode(t *testing.T) {
	r := Start(t)
	bob := Account(t, "bob")
	ctx := context.Background()

	// One SMS challenge, its code sent 50 times at once.
	mfa := r.LoginState(t, "bob", api.StateMFARequired).MFAToken
	ch := r.Challenge(t, mfa, api.ChallengeRequest{Method: api.MethodSMS})
	code := r.LastCode(t, bob.Phone)
	rs := race(t, 50, func(int) (Resp, error) {
		return r.Send(ctx, "POST", api.PathChallengeVerify(ch.ChallengeID), mfa, api.VerifyRequest{Code: code})
	})
	if c := countStatus(rs); c[http.StatusOK] != 1 || c[http.StatusOK]+c[http.StatusUnauthorized]+c[http.StatusGone] != 50 {
		t.Fatalf("50 verifies of one SMS code: %v, want exactly one 200 and the rest refused", c)
	}

	// One TOTP code on 50 different sign-ins at once: the time step is taken once.
	r.NextStep()
	tokens := make([]string, 50)
	chs := make([]string, 50)
	for i := range tokens {
		tokens[i] = r.LoginState(t, "bob", api.StateMFARequired).MFAToken
		chs[i] = r.Challenge(t, tokens[i], api.ChallengeRequest{Method: api.MethodAuthenticatorApp}).ChallengeID
	}
	code = Code(t, bob.TOTPSecret, r.Now())
	rs = race(t, 50, func(i int) (Resp, error) {
		return r.Send(ctx, "POST", api.PathChallengeVerify(chs[i]), tokens[i], api.VerifyRequest{Code: code})
	})
	// The losers count as wrong codes: past the tenth they meet the throttle.
	if c := countStatus(rs); c[http.StatusOK] != 1 || c[http.StatusUnauthorized]+c[http.StatusTooManyRequests] != 49 {
		t.Fatalf("one TOTP code on 50 sign-ins: %v, want exactly one 200 and 49 refused (401/429)", c)
	}
}

func TestFiftyConcurrentRefreshesOfOneToken(t *testing.T) {
	r := Start(t)
	tok := r.SignIn(t, "bob")
	rs := race(t, 50, func(int) (Resp, error) {
		return r.Send(context.Background(), "POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: tok.RefreshToken})
	})
	c := countStatus(rs)
	if c[http.StatusOK] != 1 || c[http.StatusUnauthorized] != 49 {
		t.Fatalf("50 refreshes of one token: %v, want exactly one 200 and 49 401", c)
	}
	// The 49 losers were reuse of a rotated token: the family is revoked,
	// including what the winner got.
	for _, res := range rs {
		if res.Status != http.StatusOK {
			continue
		}
		var won api.Tokens
		if err := jsonUnmarshal(res.Body, &won); err != nil {
			t.Fatal(err)
		}
		r.Fail(t, "POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: won.RefreshToken}, http.StatusUnauthorized, api.CodeInvalidToken)
	}
}
