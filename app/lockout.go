package app

import (
	"slices"
	"strings"
	"time"

	"golang.org/x/text/secure/precis"
)

// Lockout: the server refuses Username's sign-ins until RetryAt (too many
// failed attempts). It belongs to that username alone: the sign-in form stays
// open for everyone else.
type Lockout struct {
	Username string
	RetryAt  time.Time
}

// LockedOut returns when the username's lockout ends, if it is locked out
// at now. Usernames compare as the server compares them (PRECIS, case-mapped).
func (s State) LockedOut(username string, now time.Time) (time.Time, bool) {
	key := usernameKey(username)
	for _, l := range s.Lockouts {
		if usernameKey(l.Username) == key && l.RetryAt.After(now) {
			return l.RetryAt, true
		}
	}
	return time.Time{}, false
}

// lockOut records the username's lockout until retryAt, dropping those over.
func (s *State) lockOut(username string, retryAt, now time.Time) {
	key := usernameKey(username)
	s.Lockouts = slices.DeleteFunc(s.Lockouts, func(l Lockout) bool {
		return !l.RetryAt.After(now) || usernameKey(l.Username) == key
	})
	s.Lockouts = append(s.Lockouts, Lockout{Username: username, RetryAt: retryAt})
}

func usernameKey(u string) string {
	u = strings.TrimSpace(u)
	if k, err := precis.UsernameCaseMapped.String(u); err == nil {
		return k
	}
	return strings.ToLower(u)
}

// SameUsername reports whether two usernames name the same member.
func SameUsername(a, b string) bool { return usernameKey(a) == usernameKey(b) }
