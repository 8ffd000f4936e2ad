package store

import (
	"net/url"
	"regexp"
	"strings"
)

// IsURL reports whether db names a database server (postgres://…) rather
// than a file.
func IsURL(db string) bool { return strings.Contains(db, "://") }

// DisplayName is db as messages and logs may show it: a connection string
// with its passwords (the URL's user info, password= and sslpassword=)
// replaced by xxxxx. A file path is shown as it is.
func DisplayName(db string) string {
	if !IsURL(db) {
		return kvPassword.ReplaceAllString(db, "${1}xxxxx")
	}
	u, err := url.Parse(db)
	if err != nil {
		scheme, _, _ := strings.Cut(db, "://")
		return scheme + "://(connection string that does not parse)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	for _, k := range []string{"password", "sslpassword"} {
		if q.Has(k) {
			q.Set(k, "xxxxx")
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}

// kvPassword finds the passwords of a key=value connection string.
var kvPassword = regexp.MustCompile(`((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)`)
