package server

import (
	"context"

	"github.com/remotesupport/techconsole/api"
)

// appNotification is the push to the paired phone: the member approves it
// there by typing the number the console shows (device.go). It is set up
// from the phone, beside its authenticator (device_register.go).
type appNotification struct{ s *Server }

func (v appNotification) start(_ context.Context, tx Tx, p principal, f Factor, ch *Challenge, out *api.Challenge) (string, error) {
	if err := v.s.preparePush(tx, p, ch); err != nil {
		return "", err
	}
	out.MatchNumber = ch.MatchNumber
	return deviceKey(f.ID), nil
}

func (appNotification) verify(context.Context, Tx, principal, *Challenge, string) (bool, error) {
	return false, validation("an app notification is answered on the phone")
}

func (appNotification) confirm(context.Context, Tx, principal, *Factor, string, auditEvent) error {
	return validation("app notification is set up from the phone")
}
