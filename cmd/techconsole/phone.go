package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/screens"
	"github.com/remotesupport/techconsole/server"
)

// demoPhone is the tester panel's virtual phone in embedded mode: it is
// pre-paired with the demo accounts (their TOTP secrets, and alice's push
// device), as a technician's phone would be.
type demoPhone struct {
	cl       *client.Client
	accounts []server.DemoAccount
}

func newDemoPhone(cl *client.Client, accounts []server.DemoAccount) *demoPhone {
	p := &demoPhone{cl: cl}
	for _, a := range accounts {
		if a.TOTPSecret != "" || a.DeviceToken != "" {
			p.accounts = append(p.accounts, a)
		}
	}
	return p
}

const totpPeriod = 30 * time.Second

// Codes are the current codes of the paired accounts.
func (p *demoPhone) Codes(now time.Time) []screens.PhoneCode {
	out := make([]screens.PhoneCode, 0, len(p.accounts))
	for _, a := range p.accounts {
		if a.TOTPSecret == "" {
			continue
		}
		code, err := totp.GenerateCodeCustom(a.TOTPSecret, now, totp.ValidateOpts{
			Period: uint(totpPeriod / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			continue
		}
		left := totpPeriod - time.Duration(now.Unix()%30)*time.Second
		out = append(out, screens.PhoneCode{Account: a.Username, Code: code, Left: left, Period: totpPeriod})
	}
	return out
}

// Pushes are the pending app notifications of the paired push devices.
func (p *demoPhone) Pushes(ctx context.Context) ([]screens.PhonePush, error) {
	var out []screens.PhonePush
	for _, a := range p.accounts {
		if a.DeviceToken == "" {
			continue
		}
		ns, err := p.cl.Notifications(ctx, a.DeviceToken, 0)
		if err != nil {
			return out, fmt.Errorf("notifications of %s: %w", a.Username, err)
		}
		for _, n := range ns {
			out = append(out, screens.PhonePush{ID: n.ID, Account: n.Username, ConsoleVersion: n.ConsoleVersion,
				ClientAddress: n.ClientAddress, ExpiresAt: n.ExpiresAt})
		}
	}
	return out, nil
}

// Decide answers a push from the device of its account.
func (p *demoPhone) Decide(ctx context.Context, push screens.PhonePush, approve bool, number string) error {
	for _, a := range p.accounts {
		if a.DeviceToken != "" && strings.EqualFold(a.Username, push.Account) {
			decision := api.DecisionDeny
			if approve {
				decision = api.DecisionApprove
			}
			if err := p.cl.DecideNotification(ctx, a.DeviceToken, push.ID, decision, number); err != nil {
				return fmt.Errorf("answer notification: %w", err)
			}
			return nil
		}
	}
	return fmt.Errorf("no device of %s is paired with this phone", push.Account)
}
