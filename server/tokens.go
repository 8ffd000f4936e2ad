package server

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"regexp"
)

// newToken returns a random 256-bit bearer token, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is how every bearer token is stored and looked up.
func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// Id prefixes make ids readable in logs and refuse ids of the wrong kind.
const (
	prefixMember    = "mbr"
	prefixGroup     = "grp"
	prefixFactor    = "fac"
	prefixChallenge = "chl"
	prefixSession   = "ses"
	prefixDevice    = "dev"
)

// newID returns prefix_ followed by 128 random bits in hex.
func newID(prefix string) string {
	b := make([]byte, 16)
	rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}

var idPattern = regexp.MustCompile(`^[a-z]{3}_[0-9a-f]{32}$`)

// validID reports whether s looks like an id with the prefix.
func validID(s, prefix string) bool {
	return len(s) == len(prefix)+33 && s[:len(prefix)] == prefix && idPattern.MatchString(s)
}

// newCode returns a 6-digit code from crypto/rand.
func newCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic("crypto/rand: " + err.Error())
	}
	s := n.String()
	for len(s) < 6 {
		s = "0" + s
	}
	return s
}

// hashCode binds a one-time code to what it was issued for (a challenge or a
// factor id), so a code is worthless anywhere else.
func hashCode(boundTo, code string) string {
	sum := sha256.Sum256([]byte(boundTo + "\x00" + code))
	return hex.EncodeToString(sum[:])
}

// constantTimeEqual compares two codes without leaking where they differ.
func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
