package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/remotesupport/techconsole/i18n"
)

// KeychainError is a keychain failure as the user reads it: the console works
// on, only "Keep me signed in" is unavailable.
type KeychainError struct{ Err error }

func (e *KeychainError) Error() string { return i18n.English(e.Text()) }

// Text is the error in the user's words.
func (e *KeychainError) Text() i18n.Text { return i18n.T("alert.keychain", "Reason", e.Err.Error()) }

func (e *KeychainError) Unwrap() error { return e.Err }

// Secrets keeps each member's refresh token and device cookie (device_cookie.go),
// and nothing else, in the keychain: one service per server for each, one
// entry per member. A server is named by the stable id it reports (so the
// entry outlives a change of address), or by its URL when it reports none.
type Secrets struct{ kc Keychain }

// NewSecrets stores refresh tokens in kc; a nil kc makes every call fail with
// a KeychainError.
func NewSecrets(kc Keychain) *Secrets { return &Secrets{kc: kc} }

// ServiceName is the keychain service for a server's identity (or URL).
func ServiceName(server string) string {
	return "TechnicianConsole " + strings.TrimRight(server, "/")
}

func (s *Secrets) keychain() (Keychain, error) {
	if s == nil || s.kc == nil {
		return nil, &KeychainError{errors.New("no keychain on this system")}
	}
	return s.kc, nil
}

// RefreshToken returns the stored token, ErrNoEntry when none.
func (s *Secrets) RefreshToken(ctx context.Context, serverURL, username string) (string, error) {
	kc, err := s.keychain()
	if err != nil {
		return "", err
	}
	tok, err := kc.Get(ctx, ServiceName(serverURL), username)
	if errors.Is(err, ErrNoEntry) {
		return "", ErrNoEntry
	}
	if err != nil {
		return "", &KeychainError{err}
	}
	return tok, nil
}

// SaveRefreshToken stores (or replaces) the member's refresh token.
func (s *Secrets) SaveRefreshToken(ctx context.Context, serverURL, username, token string) error {
	kc, err := s.keychain()
	if err != nil {
		return err
	}
	if token == "" {
		return fmt.Errorf("save refresh token: empty token")
	}
	if err := kc.Set(ctx, ServiceName(serverURL), username, token); err != nil {
		return &KeychainError{err}
	}
	return nil
}

// DeleteRefreshToken removes the member's entry (no error when there is none).
func (s *Secrets) DeleteRefreshToken(ctx context.Context, serverURL, username string) error {
	kc, err := s.keychain()
	if err != nil {
		return err
	}
	if err := kc.Delete(ctx, ServiceName(serverURL), username); err != nil {
		return &KeychainError{err}
	}
	return nil
}
