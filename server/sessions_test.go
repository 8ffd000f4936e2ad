package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
)

func TestRefreshRotationAndReuse(t *testing.T) {
	c := start(t)
	first := c.loginState("grace", api.StateAuthenticated).Tokens

	var second api.Tokens
	c.ok("POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: first.RefreshToken}, http.StatusOK, &second)
	if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken || second.ExpiresIn != 900 {
		t.Fatalf("refresh did not rotate: %+v", second)
	}
	c.ok("GET", api.PathMe, second.AccessToken, nil, http.StatusOK, nil)

	// The old refresh token used again: the whole family ends.
	c.fail("POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: first.RefreshToken}, http.StatusUnauthorized, api.CodeInvalidToken)
	c.fail("POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: second.RefreshToken}, http.StatusUnauthorized, api.CodeInvalidToken)
	c.fail("GET", api.PathMe, second.AccessToken, nil, http.StatusUnauthorized, api.CodeInvalidToken)
	c.fail("GET", api.PathMe, first.AccessToken, nil, http.StatusUnauthorized, api.CodeInvalidToken)

	// Another session of the same member is not touched.
	other := c.loginState("grace", api.StateAuthenticated).Tokens
	c.ok("GET", api.PathMe, other.AccessToken, nil, http.StatusOK, nil)
}

func TestConcurrentRefreshesOfOneToken(t *testing.T) {
	c := start(t)
	tok := c.loginState("grace", api.StateAuthenticated).Tokens.RefreshToken
	body, _ := json.Marshal(api.RefreshRequest{RefreshToken: tok})
	statuses := parallel(20, func() int {
		resp, err := httpClient.Post(c.inst.URL+api.PathRefresh, "application/json", bytes.NewReader(body))
		if err != nil {
			return -1
		}
		resp.Body.Close()
		return resp.StatusCode
	})
	if count(statuses, http.StatusOK) != 1 || count(statuses, http.StatusUnauthorized) != 19 {
		t.Fatalf("statuses %v, want one 200 and the rest 401", statuses)
	}
}

func TestTokenLifetimes(t *testing.T) {
	c := start(t)
	tok := c.loginState("grace", api.StateAuthenticated).Tokens
	c.clock.Advance(15*time.Minute + time.Second)
	c.fail("GET", api.PathMe, tok.AccessToken, nil, http.StatusUnauthorized, api.CodeInvalidToken)
	var next api.Tokens
	c.ok("POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: tok.RefreshToken}, http.StatusOK, &next)
	c.ok("GET", api.PathMe, next.AccessToken, nil, http.StatusOK, nil)
	// The family ends 12 hours after the sign-in, however often it is refreshed.
	for range 12 * 4 {
		c.clock.Advance(15 * time.Minute)
		status, _, data := c.raw("POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: next.RefreshToken})
		if status != http.StatusOK {
			break
		}
		if err := json.Unmarshal(data, &next); err != nil {
			t.Fatal(err)
		}
	}
	c.fail("POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: next.RefreshToken}, http.StatusUnauthorized, api.CodeInvalidToken)
	if got := c.clock.Now().Sub(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)); got < 12*time.Hour || got > 12*time.Hour+16*time.Minute {
		t.Errorf("the family ended after %v, want 12 h", got)
	}
}

func TestLogout(t *testing.T) {
	c := start(t)
	tok := c.signInTOTP("bob").Tokens
	c.ok("POST", api.PathLogout, tok.AccessToken, nil, http.StatusNoContent, nil)
	c.fail("GET", api.PathMe, tok.AccessToken, nil, http.StatusUnauthorized, api.CodeInvalidToken)
	c.fail("POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: tok.RefreshToken}, http.StatusUnauthorized, api.CodeInvalidToken)
	c.fail("POST", api.PathLogout, tok.AccessToken, nil, http.StatusUnauthorized, api.CodeInvalidToken)
}
