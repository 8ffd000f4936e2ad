package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// Device cookies (OWASP "Slow Down Online Guessing Attacks with Device
// Cookies"): a right password hands the client a token signed by the server
// and bound to the member. A client that presents a valid one at sign-in is
// judged by its own small failure budget, counted per cookie, and is not
// locked out by the failures of anyone else; every other client shares the
// username's untrusted-client budget. A device cookie proves nothing about
// the password: it only says whose failures a wrong password is counted
// among.
//
// Form: "<member id>.<issued, Unix seconds>.<nonce>.<signature>", the
// signature an HMAC-SHA256 of the rest under a key derived from the server
// key (so nothing new to keep; a new server key voids every cookie, which
// only makes their clients untrusted until the next right password).

// deviceCookieTTL is how long a device cookie is trusted. The console signs
// in at least every 12 hours (the refresh family's end) and then gets a
// fresh one; an old cookie stolen from a backup dies within this time.
const deviceCookieTTL = 30 * 24 * time.Hour

// maxDeviceCookie bounds what is even looked at.
const maxDeviceCookie = 256

type deviceCookies struct{ key []byte }

func newDeviceCookies(serverKey []byte) deviceCookies {
	mac := hmac.New(sha256.New, serverKey)
	mac.Write([]byte("techconsole device cookie key v1"))
	return deviceCookies{key: mac.Sum(nil)}
}

func (d deviceCookies) sign(body string) string {
	mac := hmac.New(sha256.New, d.key)
	mac.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// issue returns a fresh cookie for the member, with a new nonce (and so a
// fresh failure budget).
func (d deviceCookies) issue(memberID string, now time.Time) string {
	nonce := make([]byte, 16)
	rand.Read(nonce) // crypto/rand.Read never fails (Go 1.24+)
	body := memberID + "." + strconv.FormatInt(now.Unix(), 10) + "." + base64.RawURLEncoding.EncodeToString(nonce)
	return body + "." + d.sign(body)
}

// check returns the cookie's nonce when it is valid for the member at now:
// signed with this server's key, issued to this member, not expired. Any
// other value, malformed ones included, is no cookie at all.
func (d deviceCookies) check(cookie, memberID string, now time.Time) (nonce string, ok bool) {
	if cookie == "" || len(cookie) > maxDeviceCookie {
		return "", false
	}
	i := strings.LastIndexByte(cookie, '.')
	if i < 0 {
		return "", false
	}
	body, sig := cookie[:i], cookie[i+1:]
	if !hmac.Equal([]byte(sig), []byte(d.sign(body))) {
		return "", false
	}
	parts := strings.Split(body, ".")
	if len(parts) != 3 || parts[0] != memberID {
		return "", false
	}
	issued, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return "", false
	}
	at := time.Unix(issued, 0)
	if now.Before(at.Add(-time.Minute)) || !now.Before(at.Add(deviceCookieTTL)) {
		return "", false
	}
	return parts[2], true
}
