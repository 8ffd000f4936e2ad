package app

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Device cookies: every right password earns a device cookie from the
// server, which the console presents at the member's next sign-in. With it
// the server counts this console's wrong passwords on their own and does not
// lock it out for anyone else's. The cookie is a secret of the member's
// device: it lives in the OS keychain, one entry per server and member,
// whatever "Keep me signed in" says (it is no session), and is replaced by
// the fresh one of each sign-in. It survives sign-out. A keychain that does
// not answer only costs the cookie: the sign-in goes on without it.

// deviceCookieTimeout bounds each keychain call for the cookie: a locked
// keyring must not hold up a sign-in.
const deviceCookieTimeout = 2 * time.Second

// DeviceCookieService is the keychain service of a server's device cookies;
// server is the server's stable identity (see serverKey), or its URL.
func DeviceCookieService(server string) string {
	return "TechnicianConsole device cookie " + strings.TrimRight(server, "/")
}

// DeviceCookie returns the member's stored device cookie, ErrNoEntry when none.
func (s *Secrets) DeviceCookie(ctx context.Context, serverURL, username string) (string, error) {
	kc, err := s.keychain()
	if err != nil {
		return "", err
	}
	c, err := kc.Get(ctx, DeviceCookieService(serverURL), username)
	if errors.Is(err, ErrNoEntry) {
		return "", ErrNoEntry
	}
	if err != nil {
		return "", &KeychainError{err}
	}
	return c, nil
}

// SaveDeviceCookie stores (or replaces) the member's device cookie.
func (s *Secrets) SaveDeviceCookie(ctx context.Context, serverURL, username, cookie string) error {
	kc, err := s.keychain()
	if err != nil {
		return err
	}
	if cookie == "" {
		return errors.New("save device cookie: empty cookie")
	}
	if err := kc.Set(ctx, DeviceCookieService(serverURL), username, cookie); err != nil {
		return &KeychainError{err}
	}
	return nil
}

// deviceCookie is the cookie to present for the member, "" when there is
// none or the keychain does not give it.
func (c *Controller) deviceCookie(ctx context.Context, server, username string) string {
	if c.secrets == nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, deviceCookieTimeout)
	defer cancel()
	cookie, err := c.secrets.DeviceCookie(ctx, c.serverKey(ctx, server), username)
	if err != nil && !errors.Is(err, ErrNoEntry) {
		c.log.Warn("device cookie unavailable", "err", err)
	}
	return cookie
}

// keepDeviceCookie replaces the member's cookie with the fresh one, best effort.
func (c *Controller) keepDeviceCookie(ctx context.Context, server, username, cookie string) {
	if c.secrets == nil || cookie == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), deviceCookieTimeout)
	defer cancel()
	if err := c.secrets.SaveDeviceCookie(ctx, c.serverKey(ctx, server), username, cookie); err != nil {
		c.log.Warn("device cookie not kept", "err", err)
	}
}
