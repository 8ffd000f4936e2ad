package server

import (
	"context"
	"net/http"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// authenticatorApp is the authenticator app: a TOTP secret paired by QR
// code (setup.go), a code read off the phone.
type authenticatorApp struct{ s *Server }

// start: the app shows the code itself; nothing is sent.
func (authenticatorApp) start(context.Context, store.Tx, principal, store.Factor, *store.Challenge, *api.Challenge) (string, error) {
	return "", nil
}

func (v authenticatorApp) verify(ctx context.Context, tx store.Tx, p principal, ch *store.Challenge, code string) (bool, error) {
	f, err := v.s.challengeFactor(ctx, tx, p, ch)
	if err != nil {
		return false, err
	}
	return v.s.checkTOTP(tx, &f, code)
}

func (v authenticatorApp) confirm(ctx context.Context, tx store.Tx, p principal, f *store.Factor, code string, ev auditEvent) error {
	if f.Status != api.FactorPending {
		return perr(http.StatusConflict, api.CodeConflict, "start pairing again: a reset authenticator cannot be confirmed")
	}
	ok, err := v.s.checkTOTP(tx, f, code)
	if err != nil || ok {
		return err
	}
	return v.s.wrongSetupCode(ctx, tx, p, ev, perr(http.StatusUnauthorized, api.CodeInvalidCode, "wrong code; check the time on your phone"))
}

// checkTOTP validates code against the factor's secret (±1 step) and records
// the step, refusing a step at or before the last accepted one (replay).
func (s *Server) checkTOTP(tx store.Factors, f *store.Factor, code string) (bool, error) {
	secret, err := s.seal.open(f.Secret, f.ID)
	if err != nil {
		return false, err
	}
	step, ok := matchTOTP(string(secret), code, s.now())
	if !ok || step <= f.LastStep {
		return false, nil
	}
	f.LastStep = step
	return true, tx.UpdateFactor(*f)
}
