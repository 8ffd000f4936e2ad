package phone

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/internal/desktop"
)

// KeychainService holds the phone's secrets.
const KeychainService = "TechnicianConsole Virtual Phone"

// DefaultPath is the account list shared by the tester panel and
// cmd/authenticator, so that both are the same virtual phone: in the user's
// data folder (an older console's, in the configuration folder, moves there
// at the console's next start).
func DefaultPath() string {
	dir, err := desktop.DataDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "phone.json")
}

// Account is one paired account, without its secrets.
type Account struct {
	// Name is the label, "Issuer:account".
	Name      string    `json:"name"`
	Issuer    string    `json:"issuer,omitempty"`
	Account   string    `json:"account"`
	Algorithm string    `json:"algorithm"`
	Digits    int       `json:"digits"`
	Period    int       `json:"period"`
	PairedAt  time.Time `json:"paired_at"`
	// Server is the server the phone gets pushes from ("" when not registered).
	Server   string `json:"server,omitempty"`
	DeviceID string `json:"device_id,omitempty"`
	// ServerID is the stable id the server reported at pairing (GET
	// /server-info): when that server answers at another address, Follow
	// moves the account there.
	ServerID string `json:"server_id,omitempty"`
	// Key names the account's keychain entries apart from the same account
	// on another phone file (another data folder, a test's phone); ""
	// for accounts paired before it existed, whose entries are named by
	// Name alone.
	Key string `json:"key,omitempty"`
}

// Entry is the keychain entry (user name under KeychainService) of the account's secret kind ("totp", "device").
func (a Account) Entry(kind string) string {
	if a.Key == "" {
		return a.Name + "/" + kind
	}
	return a.Name + "/" + a.Key + "/" + kind
}

// Push reports whether the account is registered for pushes.
func (a Account) Push() bool { return a.Server != "" }

// errNotPush: the account was paired without push_url.
var errNotPush = errors.New("not registered for notifications (it was paired without push_url)")

// Phone is a virtual phone. Safe for concurrent use.
type Phone struct {
	path       string
	kc         app.Keychain
	deviceName string
	clientOpts []client.Option
	now        func() time.Time

	mu       sync.Mutex
	accounts []Account
}

// Option configures a Phone.
type Option func(*Phone)

// WithDeviceName names the phone when it registers (default "Virtual phone").
func WithDeviceName(n string) Option { return func(p *Phone) { p.deviceName = n } }

// WithClientOptions passes options to the REST clients (timeouts, logger).
func WithClientOptions(o ...client.Option) Option {
	return func(p *Phone) { p.clientOpts = append(p.clientOpts, o...) }
}

// WithClock sets the clock for codes (default time.Now).
func WithClock(now func() time.Time) Option { return func(p *Phone) { p.now = now } }

// Open loads the account list from path (missing: no accounts); secrets are
// read from kc when needed.
func Open(path string, kc app.Keychain, opts ...Option) (*Phone, error) {
	if kc == nil {
		return nil, errors.New("the virtual phone needs a keychain")
	}
	p := &Phone{path: path, kc: kc, deviceName: "Virtual phone", now: time.Now}
	for _, o := range opts {
		o(p)
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read phone accounts: %w", err)
	default:
		if err := json.Unmarshal(b, &p.accounts); err != nil {
			return nil, fmt.Errorf("read phone accounts %s: %w", filepath.Base(path), err)
		}
	}
	return p, nil
}

// Accounts lists the paired accounts by name.
func (p *Phone) Accounts() []Account {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := slices.Clone(p.accounts)
	slices.SortFunc(out, func(a, b Account) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// ErrNoAccount is returned for a name that matches no paired account.
var ErrNoAccount = errors.New("no such account on the phone")

// Find returns the account with the name, or the one whose account part
// ("alice" for "Remote Support:alice") is name when only one matches.
func (p *Phone) Find(name string) (Account, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var matches []Account
	for _, a := range p.accounts {
		if a.Name == name {
			return a, nil
		}
		if a.Account == name {
			matches = append(matches, a)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return Account{}, fmt.Errorf("%q: %w", name, ErrNoAccount)
	}
	return Account{}, fmt.Errorf("%q matches %d accounts: use the full name (Issuer:account)", name, len(matches))
}

// Pair adds (or replaces) the account of an otpauth URI. With push_url and
// push_token it also registers for pushes, so the member gets app notifications.
func (p *Phone) Pair(ctx context.Context, raw string) (Account, error) {
	u, err := ParseURI(raw)
	if err != nil {
		return Account{}, err
	}
	acct := p.accountFor(u)
	if err := p.kc.Set(ctx, KeychainService, acct.Entry("totp"), u.Secret); err != nil {
		return Account{}, fmt.Errorf("keep the secret in the keychain: %w", err)
	}
	if u.PushURL != "" {
		cl, err := client.New(u.ServerURL(), p.clientOpts...)
		if err != nil {
			return Account{}, err
		}
		reg, err := cl.RegisterDevice(ctx, u.PushToken, p.deviceName)
		if err != nil {
			return Account{}, fmt.Errorf("register for notifications: %w", err)
		}
		if err := p.kc.Set(ctx, KeychainService, acct.Entry("device"), reg.DeviceToken); err != nil {
			return Account{}, fmt.Errorf("keep the device token in the keychain: %w", err)
		}
		acct.Server, acct.DeviceID = u.ServerURL(), reg.DeviceID
		acct.ServerID = serverID(ctx, cl)
	} else if err := p.kc.Delete(ctx, KeychainService, acct.Entry("device")); err != nil {
		return Account{}, err
	}
	return acct, p.put(acct)
}

// AddDevice adds an account that is already registered for pushes on server
// with deviceToken (the demo organisation's pre-paired phone).
func (p *Phone) AddDevice(ctx context.Context, raw, server, deviceToken string) (Account, error) {
	u, err := ParseURI(raw)
	if err != nil {
		return Account{}, err
	}
	server, err = client.NormalizeURL(server)
	if err != nil {
		return Account{}, err
	}
	if deviceToken == "" {
		return Account{}, errors.New("no device token")
	}
	acct := p.accountFor(u)
	acct.Server = server
	if cl, err := client.New(server, p.clientOpts...); err == nil {
		acct.ServerID = serverID(ctx, cl)
	}
	if err := p.kc.Set(ctx, KeychainService, acct.Entry("totp"), u.Secret); err != nil {
		return Account{}, fmt.Errorf("keep the secret in the keychain: %w", err)
	}
	if err := p.kc.Set(ctx, KeychainService, acct.Entry("device"), deviceToken); err != nil {
		return Account{}, fmt.Errorf("keep the device token in the keychain: %w", err)
	}
	return acct, p.put(acct)
}

// MoveDevice points a push-registered account at server (a server that now
// answers at another address), keeping the device token it holds.
func (p *Phone) MoveDevice(ctx context.Context, name, server string) error {
	if _, _, err := p.device(ctx, name); err != nil {
		return err
	}
	server, err := client.NormalizeURL(server)
	if err != nil {
		return err
	}
	a, err := p.Find(name)
	if err != nil {
		return err
	}
	a.Server = server
	if cl, err := client.New(server, p.clientOpts...); err == nil {
		a.ServerID = serverID(ctx, cl)
	}
	return p.put(a)
}

// Follow points every push-registered account paired with the server of
// serverID at url, where that server answers now (the device tokens stay:
// the server is the same). It returns the names of the accounts it moved.
func (p *Phone) Follow(serverID, url string) ([]string, error) {
	if serverID == "" {
		return nil, nil
	}
	url, err := client.NormalizeURL(url)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	var moved []string
	for i, a := range p.accounts {
		if a.Push() && a.ServerID == serverID && a.Server != url {
			p.accounts[i].Server = url
			moved = append(moved, a.Name)
		}
	}
	p.mu.Unlock()
	if len(moved) == 0 {
		return nil, nil
	}
	return moved, p.save()
}

// serverID asks the server its stable id, "" when it reports none.
func serverID(ctx context.Context, cl *client.Client) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	info, err := cl.ServerInfo(ctx)
	if err != nil {
		return ""
	}
	return info.ID
}

// accountFor is the account of a URI being paired: it keeps the key of the
// same account paired before on this phone, else gets a new one.
func (p *Phone) accountFor(u URI) Account {
	key := rand.Text()
	p.mu.Lock()
	if i := slices.IndexFunc(p.accounts, func(a Account) bool { return a.Name == u.Label() }); i >= 0 && p.accounts[i].Key != "" {
		key = p.accounts[i].Key
	}
	p.mu.Unlock()
	return Account{Name: u.Label(), Issuer: u.Issuer, Account: u.Account, Algorithm: u.Algorithm,
		Digits: u.Digits, Period: u.Period, PairedAt: p.now().UTC(), Key: key}
}

// Remove forgets an account and its secrets.
func (p *Phone) Remove(ctx context.Context, name string) error {
	a, err := p.Find(name)
	if err != nil {
		return err
	}
	for _, k := range []string{"totp", "device"} {
		if err := p.kc.Delete(ctx, KeychainService, a.Entry(k)); err != nil {
			return err
		}
	}
	p.mu.Lock()
	p.accounts = slices.DeleteFunc(p.accounts, func(x Account) bool { return x.Name == a.Name })
	p.mu.Unlock()
	return p.save()
}

func (p *Phone) put(a Account) error {
	p.mu.Lock()
	i := slices.IndexFunc(p.accounts, func(x Account) bool { return x.Name == a.Name })
	if i >= 0 {
		p.accounts[i] = a
	} else {
		p.accounts = append(p.accounts, a)
	}
	p.mu.Unlock()
	return p.save()
}

func (p *Phone) save() error {
	p.mu.Lock()
	b, err := json.MarshalIndent(p.accounts, "", "  ")
	p.mu.Unlock()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p.path), 0o700); err != nil {
		return fmt.Errorf("save phone accounts: %w", err)
	}
	tmp := p.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("save phone accounts: %w", err)
	}
	if err := os.Rename(tmp, p.path); err != nil {
		return fmt.Errorf("save phone accounts: %w", err)
	}
	return nil
}

// Code is an account's current code.
type Code struct {
	Code string
	// Remaining is how long the code stays current.
	Remaining time.Duration
}

// Code returns the account's code at the phone's current time.
func (p *Phone) Code(ctx context.Context, name string) (Code, error) {
	a, err := p.Find(name)
	if err != nil {
		return Code{}, err
	}
	secret, err := p.kc.Get(ctx, KeychainService, a.Entry("totp"))
	if err != nil {
		return Code{}, fmt.Errorf("read the secret of %s: %w", a.Name, err)
	}
	now := p.now()
	alg := otp.AlgorithmSHA1
	switch a.Algorithm {
	case "SHA256":
		alg = otp.AlgorithmSHA256
	case "SHA512":
		alg = otp.AlgorithmSHA512
	}
	digits := otp.DigitsSix
	if a.Digits == 8 {
		digits = otp.DigitsEight
	}
	period := max(a.Period, 1)
	code, err := totp.GenerateCodeCustom(secret, now, totp.ValidateOpts{Period: uint(period), Digits: digits, Algorithm: alg})
	if err != nil {
		return Code{}, fmt.Errorf("code for %s: %w", a.Name, err)
	}
	step := time.Duration(period) * time.Second
	return Code{Code: code, Remaining: step - time.Duration(now.UnixNano()%int64(step))}, nil
}

// device returns a client and the device token of a push-registered account.
func (p *Phone) device(ctx context.Context, name string) (*client.Client, string, error) {
	a, err := p.Find(name)
	if err != nil {
		return nil, "", err
	}
	if !a.Push() {
		return nil, "", fmt.Errorf("%s: %w", a.Name, errNotPush)
	}
	tok, err := p.kc.Get(ctx, KeychainService, a.Entry("device"))
	if err != nil {
		return nil, "", fmt.Errorf("read the device token of %s: %w", a.Name, err)
	}
	cl, err := client.New(a.Server, p.clientOpts...)
	return cl, tok, err
}

// Pending long-polls the account's pending pushes for up to wait.
func (p *Phone) Pending(ctx context.Context, name string, wait time.Duration) ([]api.Notification, error) {
	cl, tok, err := p.device(ctx, name)
	if err != nil {
		return nil, err
	}
	return cl.Notifications(ctx, tok, wait)
}

// Next waits until a push is pending for the account and returns the oldest.
func (p *Phone) Next(ctx context.Context, name string) (api.Notification, error) {
	cl, tok, err := p.device(ctx, name)
	if err != nil {
		return api.Notification{}, err
	}
	for {
		ns, err := cl.Notifications(ctx, tok, client.DefaultWait)
		if err != nil {
			return api.Notification{}, err
		}
		if len(ns) > 0 {
			return ns[0], nil
		}
		if ctx.Err() != nil {
			return api.Notification{}, ctx.Err()
		}
	}
}

// Approve approves a push with the number the member read on the console.
func (p *Phone) Approve(ctx context.Context, name, id, number string) error {
	cl, tok, err := p.device(ctx, name)
	if err != nil {
		return err
	}
	return cl.DecideNotification(ctx, tok, id, api.DecisionApprove, strings.TrimSpace(number))
}

// Deny denies a push.
func (p *Phone) Deny(ctx context.Context, name, id string) error {
	cl, tok, err := p.device(ctx, name)
	if err != nil {
		return err
	}
	return cl.DecideNotification(ctx, tok, id, api.DecisionDeny, "")
}
