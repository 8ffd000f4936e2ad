package screens

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/remotesupport/techconsole/app/phone"
)

// virtualPhone shows an app/phone virtual phone in the tester panel.
type virtualPhone struct{ p *phone.Phone }

// PhoneOf adapts the virtual phone of package app/phone for the tester panel.
func PhoneOf(p *phone.Phone) Phone { return virtualPhone{p: p} }

func (v virtualPhone) Codes(ctx context.Context) ([]PhoneCode, error) {
	var out []PhoneCode
	var errs []error
	for _, a := range v.p.Accounts() {
		c, err := v.p.Code(ctx, a.Name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, PhoneCode{Account: a.Name, Code: c.Code, Left: c.Remaining, Period: periodOf(a)})
	}
	return out, errors.Join(errs...)
}

func (v virtualPhone) Pushes(ctx context.Context) ([]PhonePush, error) {
	var out []PhonePush
	for _, a := range v.p.Accounts() {
		if !a.Push() {
			continue
		}
		ns, err := v.p.Pending(ctx, a.Name, 0)
		if err != nil {
			return out, fmt.Errorf("notifications of %s: %w", a.Name, err)
		}
		for _, n := range ns {
			out = append(out, PhonePush{ID: n.ID, Account: a.Name, Username: n.Username, ConsoleVersion: n.ConsoleVersion,
				ClientAddress: n.ClientAddress, ExpiresAt: n.ExpiresAt})
		}
	}
	return out, nil
}

func (v virtualPhone) Decide(ctx context.Context, p PhonePush, approve bool, number string) error {
	if approve {
		return v.p.Approve(ctx, p.Account, p.ID, number)
	}
	return v.p.Deny(ctx, p.Account, p.ID)
}

func (v virtualPhone) Pair(ctx context.Context, otpauthURI string) error {
	_, err := v.p.Pair(ctx, otpauthURI)
	return err
}

func periodOf(a phone.Account) time.Duration {
	if a.Period <= 0 {
		return 30 * time.Second
	}
	return time.Duration(a.Period) * time.Second
}
