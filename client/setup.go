package client

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"

	"github.com/remotesupport/techconsole/api"
)

// TwoStep returns the member's factors, with the setup mfa_token or an access token.
func (c *Client) TwoStep(ctx context.Context, bearer string) (*api.TwoStepStatus, error) {
	return fetch[api.TwoStepStatus](ctx, c, call{method: http.MethodGet, path: api.PathTwoStep, bearer: bearer})
}

// Factor changes with an access token need a step-up token (purpose
// manage_two_step) once the member has an active factor: each call below
// takes one (stepUp, "" for none) and answers 403 step_up_required without
// it. The server binds a change to the step-up that started it, so only the
// first call of a change needs the token; the setup mfa_token needs none.

// stepUpBody is the optional body of the calls that send nothing else.
func stepUpBody(stepUp string) any {
	if stepUp == "" {
		return nil
	}
	return api.StepUpRequest{StepUpToken: stepUp}
}

// StartAuthenticator starts pairing a new authenticator secret (an earlier
// pending one is replaced).
func (c *Client) StartAuthenticator(ctx context.Context, bearer, stepUp string) (*api.AuthenticatorSetup, error) {
	out, err := fetch[api.AuthenticatorSetup](ctx, c, call{method: http.MethodPost, path: api.PathTwoStepAuth, bearer: bearer,
		body: stepUpBody(stepUp)})
	if err != nil {
		return nil, err
	}
	if out.FactorID == "" || out.OTPAuthURI == "" {
		return nil, errEmpty("POST "+api.PathTwoStepAuth, "factor")
	}
	return out, nil
}

// QRCode decodes the PNG of an AuthenticatorSetup.
func QRCode(s *api.AuthenticatorSetup) ([]byte, error) {
	png, err := base64.StdEncoding.DecodeString(s.QRPNG)
	if err != nil {
		return nil, fmt.Errorf("qr_png: %w", err)
	}
	return png, nil
}

// StartSMS adds a text-message backup and sends it a code.
func (c *Client) StartSMS(ctx context.Context, bearer, phone, stepUp string) (*api.CodeSent, error) {
	return fetch[api.CodeSent](ctx, c, call{method: http.MethodPost, path: api.PathTwoStepSMS, bearer: bearer,
		body: api.SMSSetupRequest{Phone: phone, StepUpToken: stepUp}})
}

// StartEmail adds an email backup and sends it a code.
func (c *Client) StartEmail(ctx context.Context, bearer, email, stepUp string) (*api.CodeSent, error) {
	return fetch[api.CodeSent](ctx, c, call{method: http.MethodPost, path: api.PathTwoStepEmail, bearer: bearer,
		body: api.EmailSetupRequest{Email: email, StepUpToken: stepUp}})
}

// SendFactorCode sends a pending SMS/email factor's code again (cooldown applies).
func (c *Client) SendFactorCode(ctx context.Context, bearer, factorID, stepUp string) (*api.CodeSent, error) {
	return fetch[api.CodeSent](ctx, c, call{method: http.MethodPost, path: api.PathFactorSend(factorID), bearer: bearer,
		body: stepUpBody(stepUp)})
}

// ConfirmFactor confirms a pending factor with a code. Never retried.
func (c *Client) ConfirmFactor(ctx context.Context, bearer, factorID, code, stepUp string) (*api.Factor, error) {
	out, err := fetch[api.FactorResponse](ctx, c, call{method: http.MethodPost, path: api.PathFactorConfirm(factorID), bearer: bearer,
		body: api.FactorConfirmRequest{Code: code, StepUpToken: stepUp}})
	if err != nil {
		return nil, err
	}
	return &out.Factor, nil
}

// Activate finishes setup: 409 setup_incomplete names what is missing. With
// the setup mfa_token the answer signs in (tokens); with an access token it
// upgrades that session and carries no tokens (409 already_activated when
// there is nothing to activate).
func (c *Client) Activate(ctx context.Context, bearer, stepUp string) (*api.AuthResponse, error) {
	return fetch[api.AuthResponse](ctx, c, call{method: http.MethodPost, path: api.PathTwoStepActivate, bearer: bearer,
		body: stepUpBody(stepUp)})
}
