package server

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestDeviceCookieCheck(t *testing.T) {
	key := make([]byte, keySize)
	d := newDeviceCookies(key)
	other := newDeviceCookies(append([]byte{1}, key[1:]...))
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	const alice, bob = "mbr_00000000000000000000000000000001", "mbr_00000000000000000000000000000002"
	c := d.issue(alice, now)
	i := strings.LastIndexByte(c, '.')
	body, sig := c[:i], c[i+1:]

	for _, tt := range []struct {
		name   string
		cookie string
		member string
		at     time.Time
		valid  bool
	}{
		{"as issued", c, alice, now, true},
		{"a day before it expires", c, alice, now.Add(deviceCookieTTL - 24*time.Hour), true},
		{"expired", c, alice, now.Add(deviceCookieTTL), false},
		{"issued in the future", c, alice, now.Add(-2 * time.Minute), false},
		{"another member", c, bob, now, false},
		{"another server's key", other.issue(alice, now), alice, now, false},
		{"signature changed", body + "." + flip(sig, 0), alice, now, false},
		{"member changed, signature kept", strings.Replace(body, alice, bob, 1) + "." + sig, bob, now, false},
		{"issue time changed, signature kept", strings.Replace(body, strconv.FormatInt(now.Unix(), 10), strconv.FormatInt(now.Unix()-1, 10), 1) + "." + sig, alice, now, false},
		{"no signature", body, alice, now, false},
		{"an extra part", alice + "." + c, alice, now, false},
		{"empty", "", alice, now, false},
		{"too long", c + strings.Repeat("x", maxDeviceCookie), alice, now, false},
		{"garbage", "....", alice, now, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			nonce, ok := d.check(tt.cookie, tt.member, tt.at)
			if ok != tt.valid {
				t.Fatalf("valid = %v, want %v", ok, tt.valid)
			}
			if ok && nonce == "" {
				t.Fatal("a valid cookie without a nonce")
			}
		})
	}

	// Every cookie handed out is a new one: a fresh failure budget.
	if n1, _ := d.check(d.issue(alice, now), alice, now); n1 == "" || n1 == mustNonce(t, d, c, alice, now) {
		t.Fatal("a second cookie shares the first one's nonce")
	}
}

// flip changes the byte at i into another base64url character.
func flip(s string, i int) string {
	b := []byte(s)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func mustNonce(t *testing.T, d deviceCookies, c, member string, now time.Time) string {
	t.Helper()
	n, ok := d.check(c, member, now)
	if !ok {
		t.Fatal("cookie not valid")
	}
	return n
}
