package postgres

import (
	"github.com/mtibben/confusables"
	"golang.org/x/text/secure/precis"
)

// usernameIndex is what the store keeps beside a username to compare it:
// its PRECIS key (RFC 8265 UsernameCaseMapped) and its TR39 skeleton, or
// NULLs when PRECIS refuses the name (a legacy member's). The same forms as
// the SQLite engine's, so `authserver copy` carries them over unchanged.
func usernameIndex(username string) (key, skeleton any) {
	k, err := precis.UsernameCaseMapped.String(username)
	if err != nil || k == "" {
		return nil, nil
	}
	return k, confusables.Skeleton(k)
}
