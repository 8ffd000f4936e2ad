package phone

import (
	"context"
	"errors"
	"time"

	"github.com/remotesupport/techconsole/app"
)

// virtualPhone is a Phone as the tester panel uses it (app.VirtualPhone):
// every account at once, errors as sentences.
type virtualPhone struct{ p *Phone }

// ForTester adapts the phone for the tester panel (Controller.AttachPhone).
func ForTester(p *Phone) app.VirtualPhone { return virtualPhone{p: p} }

func (v virtualPhone) Codes(ctx context.Context) ([]app.PhoneCode, error) {
	var out []app.PhoneCode
	var errs []error
	for _, a := range v.p.Accounts() {
		c, err := v.p.Code(ctx, a.Name)
		if err != nil {
			errs = append(errs, sentence(Explain(a.Name, err)))
			continue
		}
		out = append(out, app.PhoneCode{Account: a.Name, Code: c.Code, Left: c.Remaining, Period: periodOf(a)})
	}
	return out, errors.Join(errs...)
}

// Pushes reads every account's pending pushes; an account that fails does
// not hide the others' (its error is a sentence for the panel).
func (v virtualPhone) Pushes(ctx context.Context) ([]app.PhonePush, error) {
	var out []app.PhonePush
	var errs []error
	for _, a := range v.p.Accounts() {
		if !a.Push() {
			continue
		}
		ns, err := v.p.Pending(ctx, a.Name, 0)
		if err != nil {
			errs = append(errs, sentence(Explain(a.Name, err)))
			continue
		}
		for _, n := range ns {
			out = append(out, app.PhonePush{ID: n.ID, Account: a.Name, Username: n.Username, ConsoleVersion: n.ConsoleVersion,
				ClientAddress: n.ClientAddress, ExpiresAt: n.ExpiresAt})
		}
	}
	return out, errors.Join(errs...)
}

func (v virtualPhone) Decide(ctx context.Context, p app.PhonePush, approve bool, number string) error {
	var err error
	if approve {
		err = v.p.Approve(ctx, p.Account, p.ID, number)
	} else {
		err = v.p.Deny(ctx, p.Account, p.ID)
	}
	if err != nil {
		return sentence(Explain(p.Account, err))
	}
	return nil
}

func (v virtualPhone) Pair(ctx context.Context, otpauthURI string) error {
	if _, err := v.p.Pair(ctx, otpauthURI); err != nil {
		if u, perr := ParseURI(otpauthURI); perr == nil {
			return sentence(Explain(u.Label(), err))
		}
		return sentence("That is not the pairing link (otpauth://…) of an authenticator app.")
	}
	return nil
}

func periodOf(a Account) time.Duration {
	if a.Period <= 0 {
		return 30 * time.Second
	}
	return time.Duration(a.Period) * time.Second
}

// sentence is an error that is already a sentence for people (the tester
// panel shows it as it is).
type sentence string

func (s sentence) Error() string { return string(s) }
