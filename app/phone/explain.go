package phone

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/remotesupport/techconsole/client"
)

// Explain says in a sentence what went wrong with the account's phone, for
// people: what happened and what to do, never a Go error chain.
func Explain(account string, err error) string {
	if err == nil {
		return ""
	}
	if e, ok := client.AsError(err); ok {
		switch {
		case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden:
			return fmt.Sprintf("The server no longer knows this phone for %s (two-step verification was reset or set up again): pair the account again.", account)
		case e.Status == http.StatusNotFound:
			return fmt.Sprintf("That notification for %s is gone: it was answered or it expired.", account)
		case e.Status == http.StatusTooManyRequests:
			return fmt.Sprintf("The server asks the phone to wait before it tries again for %s.", account)
		}
		return fmt.Sprintf("The server refused the phone's request for %s. Try again.", account)
	}
	if errors.Is(err, client.ErrUnreachable) {
		return fmt.Sprintf("The phone cannot reach the server of %s. Is the server running? If it moved, pair the account again.", account)
	}
	if errors.Is(err, errNotPush) {
		return fmt.Sprintf("%s shows codes only: it was paired without notifications.", account)
	}
	return fmt.Sprintf("The phone could not use %s's account. Try again, or pair it again.", account)
}
