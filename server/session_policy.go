package server

import (
	"net/http"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// sessionMeetsPolicy refuses a session opened without two-step verification
// once the policy requires it of the member (the settings changed, the
// group started enforcing, a role was added): 401 mfa_required, and the
// console signs in again.
func sessionMeetsPolicy(tx store.Tx, m store.Member, sess store.Session) error {
	if !sess.MFAAt.IsZero() {
		return nil
	}
	required, _, err := memberRequired(tx, m)
	if err != nil {
		return err
	}
	if required {
		return mfaRequired()
	}
	return nil
}

func mfaRequired() *httpError {
	return perr(http.StatusUnauthorized, api.CodeMFARequired, "two-step verification is now required; sign in again")
}
