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

// StartAuthenticator starts pairing a new authenticator secret (an earlier
// pending one is replaced).
func (c *Client) StartAuthenticator(ctx context.Context, bearer string) (*api.AuthenticatorSetup, error) {
	out, err := fetch[api.AuthenticatorSetup](ctx, c, call{method: http.MethodPost, path: api.PathTwoStepAuth, bearer: bearer})
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
func (c *Client) StartSMS(ctx context.Context, bearer, phone string) (*api.CodeSent, error) {
	return fetch[api.CodeSent](ctx, c, call{method: http.MethodPost, path: api.PathTwoStepSMS, bearer: bearer,
		body: api.SMSSetupRequest{Phone: phone}})
}

// StartEmail adds an email backup and sends it a code.
func (c *Client) StartEmail(ctx context.Context, bearer, email string) (*api.CodeSent, error) {
	return fetch[api.CodeSent](ctx, c, call{method: http.MethodPost, path: api.PathTwoStepEmail, bearer: bearer,
		body: api.EmailSetupRequest{Email: email}})
}

// SendFactorCode sends a pending SMS/email factor's code again (cooldown applies).
func (c *Client) SendFactorCode(ctx context.Context, bearer, factorID string) (*api.CodeSent, error) {
	return fetch[api.CodeSent](ctx, c, call{method: http.MethodPost, path: api.PathFactorSend(factorID), bearer: bearer})
}

// ConfirmFactor confirms a pending factor with a code. Never retried.
func (c *Client) ConfirmFactor(ctx context.Context, bearer, factorID, code string) (*api.Factor, error) {
	out, err := fetch[api.FactorResponse](ctx, c, call{method: http.MethodPost, path: api.PathFactorConfirm(factorID), bearer: bearer,
		body: api.VerifyRequest{Code: code}})
	if err != nil {
		return nil, err
	}
	return &out.Factor, nil
}

// Activate finishes setup: 409 setup_incomplete names what is missing.
func (c *Client) Activate(ctx context.Context, bearer string) (*api.AuthResponse, error) {
	return fetch[api.AuthResponse](ctx, c, call{method: http.MethodPost, path: api.PathTwoStepActivate, bearer: bearer})
}
