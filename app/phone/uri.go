// Package phone is the virtual phone: it pairs with otpauth URIs like an
// authenticator app, shows current TOTP codes, registers for pushes with the
// URI's push_url/push_token (as the real phone app does, which gives the member
// the app notification method), waits for pushes and approves them with the
// number the member types, or denies them. Secrets (TOTP secrets, device
// tokens) live in the OS keychain; the account list, without secrets, in a
// small JSON file. The tester panel and cmd/authenticator both use it.
package phone

import (
	"encoding/base32"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/client"
)

// URI is a parsed otpauth URI.
type URI struct {
	Issuer, Account string
	Secret          string // base32, upper case, no padding
	Algorithm       string // SHA1, SHA256 or SHA512
	Digits, Period  int
	// PushURL and PushToken are the project's extra parameters (empty when absent).
	PushURL, PushToken string
}

// Label is "Issuer:account" (or the account alone without an issuer).
func (u URI) Label() string {
	if u.Issuer == "" {
		return u.Account
	}
	return u.Issuer + ":" + u.Account
}

// ServerURL is the server behind PushURL (scheme and host), "" without one.
func (u URI) ServerURL() string {
	if u.PushURL == "" {
		return ""
	}
	s, err := client.NormalizeURL(u.PushURL)
	if err != nil {
		return ""
	}
	return s
}

// ErrBadURI is wrapped by every ParseURI failure; the message says what is wrong
// and never repeats the secret.
var ErrBadURI = errors.New("not a usable otpauth URI")

func bad(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrBadURI, fmt.Sprintf(format, a...))
}

// ParseURI reads otpauth://totp/Issuer:account?secret=…&issuer=…[&push_url=…&push_token=…].
func ParseURI(raw string) (URI, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return URI{}, bad("it cannot be read as a URI")
	}
	if u.Scheme != "otpauth" {
		return URI{}, bad("it must start with otpauth://")
	}
	if u.Host != "totp" {
		return URI{}, bad("only time-based (totp) accounts are supported, not %q", clip(u.Host))
	}
	q := u.Query()
	out := URI{Algorithm: "SHA1", Digits: 6, Period: 30}
	for _, step := range []func(*URI) error{
		func(out *URI) error { return out.readLabel(u.Path, q.Get("issuer")) },
		func(out *URI) error { return out.readSecret(q.Get("secret")) },
		func(out *URI) error { return out.readTiming(q) },
		func(out *URI) error { return out.readPush(q.Get("push_url"), q.Get("push_token")) },
	} {
		if err := step(&out); err != nil {
			return URI{}, err
		}
	}
	return out, nil
}

// readLabel reads "Issuer:account" and the issuer parameter, which must agree.
func (out *URI) readLabel(path, issuer string) error {
	label := strings.TrimPrefix(path, "/")
	if iss, account, ok := strings.Cut(label, ":"); ok {
		out.Issuer, out.Account = strings.TrimSpace(iss), strings.TrimSpace(account)
	} else {
		out.Account = strings.TrimSpace(label)
	}
	if issuer != "" {
		if out.Issuer != "" && out.Issuer != issuer {
			return bad("the issuer in the label (%q) and the issuer parameter (%q) differ", clip(out.Issuer), clip(issuer))
		}
		out.Issuer = issuer
	}
	if out.Account == "" {
		return bad("the account name is missing")
	}
	return nil
}

// readSecret checks the base32 secret (at least 80 bits); errors never repeat it.
func (out *URI) readSecret(raw string) error {
	secret := strings.ToUpper(strings.TrimRight(strings.ReplaceAll(raw, " ", ""), "="))
	if secret == "" {
		return bad("the secret is missing")
	}
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		return bad("the secret is not valid base32")
	}
	if len(key) < 10 {
		return bad("the secret is too short (%d bytes, want at least 10)", len(key))
	}
	out.Secret = secret
	return nil
}

// readTiming reads algorithm, digits and period (the defaults stay when absent).
func (out *URI) readTiming(q url.Values) error {
	if a := q.Get("algorithm"); a != "" {
		switch strings.ToUpper(a) {
		case "SHA1", "SHA256", "SHA512":
			out.Algorithm = strings.ToUpper(a)
		default:
			return bad("unknown algorithm %q", clip(a))
		}
	}
	if d := q.Get("digits"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || (n != 6 && n != 8) {
			return bad("digits must be 6 or 8, not %q", clip(d))
		}
		out.Digits = n
	}
	if p := q.Get("period"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 10 || n > 300 {
			return bad("period must be 10 to 300 seconds, not %q", clip(p))
		}
		out.Period = n
	}
	return nil
}

// readPush reads the project's push parameters: both or neither.
func (out *URI) readPush(pushURL, pushToken string) error {
	if (pushURL == "") != (pushToken == "") {
		return bad("push_url and push_token come together")
	}
	if pushURL == "" {
		return nil
	}
	pu, err := url.Parse(pushURL)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return bad("push_url must be an http(s) URL")
	}
	if !strings.HasSuffix(pu.Path, api.PathDeviceRegister) {
		return bad("push_url must end in %s", api.PathDeviceRegister)
	}
	out.PushURL, out.PushToken = pushURL, pushToken
	return nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
