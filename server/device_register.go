package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// Registering a phone for pushes: the single-use push_token of a pairing
// URI becomes a device token and the member's app_notification factor.

const maxDeviceName = 64

// handleDeviceRegister: POST /device/register {push_token, device_name}.
// The push token is single use and bound to the authenticator factor it was
// issued with; registering creates the member's app_notification factor
// (active with the authenticator, or pending until it is confirmed).
// Failed registrations are throttled per client address.
func (s *Server) handleDeviceRegister(w http.ResponseWriter, r *http.Request) error {
	var req api.DeviceRegisterRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	name, err := checkDeviceName(req.DeviceName)
	if err != nil {
		return err
	}
	ctx := r.Context()
	addr := info(ctx).ClientAddress
	if err := s.checkThrottle(ctx, auditEvent{Detail: "device registration"}, pushTokenLimit(addr), addressLimit(addr)); err != nil {
		return err
	}
	if req.PushToken == "" || len(req.PushToken) > 256 {
		s.failedAttempt(ctx, auditEvent{Kind: auditDeviceRegFailed, Detail: "malformed push token"}, failurePushToken, addr)
		return invalidPushToken()
	}
	var out api.DeviceRegistration
	err = s.store.Write(ctx, func(tx store.Tx) error {
		pt, auth, err := s.usablePushToken(ctx, tx, req.PushToken)
		if err != nil {
			return err
		}
		out, err = s.pairPhone(ctx, tx, pt, auth, name)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// usablePushToken loads the registration token tok and the authenticator it
// pairs a phone to, and uses the token up. An unknown, used or expired token,
// or one whose authenticator is gone, is refused and counted.
func (s *Server) usablePushToken(ctx context.Context, tx store.Tx, tok string) (store.PushToken, store.Factor, error) {
	now := s.now()
	pt, err := tx.PushToken(hashToken(tok))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return pt, store.Factor{}, err
	}
	var auth store.Factor
	usable := err == nil && pt.UsedAt.IsZero() && now.Before(pt.ExpiresAt)
	if usable {
		auth, err = tx.Factor(pt.FactorID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return pt, auth, err
		}
		usable = err == nil && auth.Method == api.MethodAuthenticatorApp &&
			(auth.Status == api.FactorPending || auth.Status == api.FactorActive)
	}
	if !usable {
		if err := s.recordFailure(ctx, tx, failurePushToken, info(ctx).ClientAddress); err != nil {
			return pt, auth, err
		}
		if err := s.audit(ctx, tx, auditEvent{Kind: auditDeviceRegFailed, MemberID: pt.MemberID, Detail: "unknown, used or expired push token"}); err != nil {
			return pt, auth, err
		}
		return pt, auth, store.CommitThen(invalidPushToken())
	}
	return pt, auth, tx.UsePushToken(pt.Hash, now)
}

// pairPhone registers the phone named name for the app notification factor
// beside authenticator auth (pending or active like it). One phone per
// authenticator: a new registration replaces the old.
func (s *Server) pairPhone(ctx context.Context, tx store.Tx, pt store.PushToken, auth store.Factor, name string) (api.DeviceRegistration, error) {
	m, err := tx.Member(pt.MemberID)
	if err != nil {
		return api.DeviceRegistration{}, err
	}
	factors, err := tx.Factors(m.ID)
	if err != nil {
		return api.DeviceRegistration{}, err
	}
	for _, f := range factors {
		if f.Method == api.MethodAppNotification && f.ParentID == auth.ID {
			if err := s.deleteFactor(tx, f); err != nil {
				return api.DeviceRegistration{}, err
			}
		}
	}
	now := s.now()
	f := store.Factor{ID: newID(prefixFactor), MemberID: m.ID, Method: api.MethodAppNotification, Status: auth.Status,
		ParentID: auth.ID, CreatedAt: now}
	if f.Status == api.FactorActive {
		f.Confirmed = now
	}
	if err := tx.InsertFactor(f); err != nil {
		return api.DeviceRegistration{}, err
	}
	deviceToken := newToken()
	dev := store.Device{ID: newID(prefixDevice), MemberID: m.ID, FactorID: f.ID, Name: name, TokenHash: hashToken(deviceToken), CreatedAt: now}
	if err := tx.InsertDevice(dev); err != nil {
		return api.DeviceRegistration{}, err
	}
	ev := auditEvent{Kind: auditDeviceRegistered, MemberID: m.ID, Username: m.Username, Detail: dev.ID + " " + string(f.Status)}
	return api.DeviceRegistration{DeviceID: dev.ID, DeviceToken: deviceToken}, s.audit(ctx, tx, ev)
}

func invalidPushToken() *httpError {
	return perr(http.StatusUnauthorized, api.CodeInvalidPushToken, "the pairing code is unknown, used or expired; start pairing again")
}

func checkDeviceName(n string) (string, error) {
	n = strings.TrimSpace(n)
	if n == "" || len(n) > maxDeviceName || !utf8.ValidString(n) {
		return "", validation("device_name must be 1 to 64 characters")
	}
	for _, r := range n {
		if unicode.IsControl(r) {
			return "", validation("device_name must not contain control characters")
		}
	}
	return n, nil
}

// activatePushFactors makes active the app notification factors registered
// (pending) beside an authenticator that has just been confirmed.
func (s *Server) activatePushFactors(tx store.Factors, auth store.Factor, factors []store.Factor) error {
	if auth.Method != api.MethodAuthenticatorApp {
		return nil
	}
	for _, o := range factors {
		if o.Method == api.MethodAppNotification && o.ParentID == auth.ID && o.Status == api.FactorPending {
			o.Status, o.Confirmed = api.FactorActive, s.now()
			if err := tx.UpdateFactor(o); err != nil {
				return err
			}
		}
	}
	return nil
}
