package postgres

import "github.com/remotesupport/techconsole/server/store"

// usernameIndex is what the store keeps beside a username to compare it:
// its key and skeleton (store.UsernameKey), or NULLs when PRECIS refuses the
// name (a legacy member's).
func usernameIndex(username string) (key, skeleton any) {
	k, err := store.UsernameKey(username)
	if err != nil || k == "" {
		return nil, nil
	}
	return k, store.UsernameSkeleton(k)
}
