package store

import (
	"github.com/mtibben/confusables"
	"golang.org/x/text/secure/precis"
)

// Usernames are compared in their PRECIS form (RFC 8265 UsernameCaseMapped),
// and a new one must not look like another (its TR39 skeleton): the store
// keeps both forms beside the username, unique, so every engine needs them.

// UsernameKey is the form usernames are compared in.
func UsernameKey(u string) (string, error) {
	return precis.UsernameCaseMapped.String(u)
}

// UsernameSkeleton is the TR39 skeleton of a username key: two names with
// the same skeleton look alike.
func UsernameSkeleton(key string) string {
	return confusables.Skeleton(key)
}
