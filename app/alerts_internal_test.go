package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/i18n"
)

func TestAlertFor(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	three := 3
	cases := []struct {
		err      error
		kind     AlertKind
		contains string
	}{
		{&client.Error{Code: api.CodeTooManyAttempts, Status: 429, RetryAfter: 90 * time.Second, AttemptsLeft: -1}, AlertLockedOut, "Try again in 90 seconds"},
		{&client.Error{Code: api.CodeBusy, Status: 503, RetryAfter: time.Second, AttemptsLeft: -1}, AlertBusy, "1 second"},
		{&client.Error{Code: api.CodeInvalidCode, Status: 401, AttemptsLeft: 3, Problem: api.Problem{AttemptsLeft: &three}}, AlertInvalidCode, "3 attempts left"},
		{&client.Error{Code: api.CodeChallengeExpired, Status: 410, AttemptsLeft: -1}, AlertExpired, "expired"},
		{&client.Error{Code: api.CodeChallengeFailed, Status: 410, AttemptsLeft: -1}, AlertFailed, "Too many wrong codes"},
		{&client.Error{Code: api.CodeMFARequired, Status: 401, AttemptsLeft: -1}, AlertSessionEnded, "Sign in again"},
		{&client.Error{Code: api.CodeSetupIncomplete, Status: 409, AttemptsLeft: -1, Problem: api.Problem{Missing: []string{api.MissingBackup}}}, AlertSetupIncomplete, "backup"},
		{&client.Error{Code: api.CodeWeakPassword, Status: 400, Detail: "too common", AttemptsLeft: -1}, AlertWeakPassword, "at least 8 characters"},
		{fmt.Errorf("x: %w", &client.UnreachableError{URL: "http://h", Op: "POST /x", Err: errors.New("refused")}), AlertUnreachable, "http://h is unreachable"},
		{&KeychainError{errors.New("locked")}, AlertKeychain, "Keep me signed in is unavailable: locked"},
		{context.Canceled, AlertCancelled, "Cancelled"},
	}
	for _, tc := range cases {
		a := alertFor(tc.err, now)
		if a.Kind != tc.kind || !strings.Contains(i18n.English(a.Message), tc.contains) {
			t.Errorf("%v: %s %q, want %s containing %q", tc.err, a.Kind, i18n.English(a.Message), tc.kind, tc.contains)
		}
		if e, ok := client.AsError(tc.err); ok && e.RetryAfter > 0 && !a.RetryAt.Equal(now.Add(e.RetryAfter)) {
			t.Errorf("%v: retry at %v", tc.err, a.RetryAt)
		}
	}
}
