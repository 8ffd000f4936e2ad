package client

import (
	"context"
	"net/http"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// Login sends the password: the answer's State is authenticated,
// mfa_required or mfa_setup_required. Never retried.
func (c *Client) Login(ctx context.Context, username, password string) (*api.AuthResponse, error) {
	return c.LoginWithDeviceCookie(ctx, username, password, "")
}

// LoginWithDeviceCookie is Login that also presents the device cookie an
// earlier sign-in of this member handed out ("" = none); the answer carries
// a fresh one when the password was right.
func (c *Client) LoginWithDeviceCookie(ctx context.Context, username, password, deviceCookie string) (*api.AuthResponse, error) {
	return fetch[api.AuthResponse](ctx, c, call{method: http.MethodPost, path: api.PathLogin,
		body: api.LoginRequest{Username: username, Password: password, DeviceCookie: deviceCookie}})
}

// StartChallenge starts a challenge with the mfa_token of mfa_required (or an
// access token for a step-up with purpose password_change).
func (c *Client) StartChallenge(ctx context.Context, bearer string, req api.ChallengeRequest) (*api.Challenge, error) {
	out, err := fetch[api.Challenge](ctx, c, call{method: http.MethodPost, path: api.PathChallenges, bearer: bearer, body: req})
	if err != nil {
		return nil, err
	}
	if out.ChallengeID == "" {
		return nil, errEmpty("POST "+api.PathChallenges, "challenge_id")
	}
	return out, nil
}

// Verify answers a challenge with a code. Never retried.
func (c *Client) Verify(ctx context.Context, bearer, challengeID, code string) (*api.AuthResponse, error) {
	return fetch[api.AuthResponse](ctx, c, call{method: http.MethodPost, path: api.PathChallengeVerify(challengeID), bearer: bearer,
		body: api.VerifyRequest{Code: code}})
}

// WaitChallenge long-polls a challenge for up to wait (at most api.MaxWait
// seconds): the status, and the verify answer once approved. Cancel ctx to
// stop waiting.
func (c *Client) WaitChallenge(ctx context.Context, bearer, challengeID string, wait time.Duration) (*api.ChallengeStatus, error) {
	return fetch[api.ChallengeStatus](ctx, c, longPoll(call{method: http.MethodGet, path: api.PathChallenge(challengeID), bearer: bearer}, wait))
}

// Resend sends a new SMS or email code; the old one stops working.
func (c *Client) Resend(ctx context.Context, bearer, challengeID string) (*api.Challenge, error) {
	return fetch[api.Challenge](ctx, c, call{method: http.MethodPost, path: api.PathChallengeResend(challengeID), bearer: bearer})
}

// CancelChallenge ends a challenge.
func (c *Client) CancelChallenge(ctx context.Context, bearer, challengeID string) error {
	return c.do(ctx, call{method: http.MethodDelete, path: api.PathChallenge(challengeID), bearer: bearer})
}

// Refresh trades a refresh token for new tokens (the old one is used up).
// Never retried: a retried refresh would look like reuse and end the session.
func (c *Client) Refresh(ctx context.Context, refreshToken string) (*api.Tokens, error) {
	out, err := fetch[api.Tokens](ctx, c, call{method: http.MethodPost, path: api.PathRefresh,
		body: api.RefreshRequest{RefreshToken: refreshToken}})
	if err != nil {
		return nil, err
	}
	if out.AccessToken == "" || out.RefreshToken == "" {
		return nil, errEmpty("POST "+api.PathRefresh, "tokens")
	}
	return out, nil
}

// Logout ends the access token's session and, when refreshToken is set, that
// refresh token's family too.
func (c *Client) Logout(ctx context.Context, accessToken, refreshToken string) error {
	var body any
	if refreshToken != "" {
		body = api.RefreshRequest{RefreshToken: refreshToken}
	}
	return c.do(ctx, call{method: http.MethodPost, path: api.PathLogout, bearer: accessToken, body: body})
}

// Me returns the signed-in member.
func (c *Client) Me(ctx context.Context, accessToken string) (*api.User, error) {
	return fetch[api.User](ctx, c, call{method: http.MethodGet, path: api.PathMe, bearer: accessToken})
}

// ChangePassword changes the member's password. Where two-step verification
// applies, the first try answers 403 step_up_required (methods and primary in
// the *Error's Problem); try again with the step-up token of the challenge.
func (c *Client) ChangePassword(ctx context.Context, accessToken string, req api.PasswordChangeRequest) error {
	return c.do(ctx, call{method: http.MethodPost, path: api.PathPassword, bearer: accessToken, body: req})
}

// ServerInfo asks the server who it is (no token needed).
func (c *Client) ServerInfo(ctx context.Context) (*api.ServerInfo, error) {
	return fetch[api.ServerInfo](ctx, c, call{method: http.MethodGet, path: api.PathServerInfo})
}
