package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/i18n"
)

// alertFor turns any error of an action into something the user can act on.
// The words come from the catalogue by the problem's code: the API's detail
// is English for every client and never shown.
func alertFor(err error, now time.Time) *Alert {
	if a := offlineAlert(err); a != nil {
		return a
	}
	a := &Alert{Kind: AlertError, AttemptsLeft: -1}
	e, ok := client.AsError(err)
	if !ok {
		a.Message = i18n.T("alert.unexpected", "Reason", err.Error())
		return a
	}
	a.Code, a.AttemptsLeft = e.Code, e.AttemptsLeft
	if e.RetryAfter > 0 {
		a.RetryAfter, a.RetryAt = e.RetryAfter, now.Add(e.RetryAfter)
	}
	a.Kind, a.Message = problemText(e.Code, e.AttemptsLeft, e.RetryAfter, e.Problem.Missing)
	if e.Code == api.CodeSetupIncomplete {
		a.Missing = e.Problem.Missing
	}
	return a
}

// offlineAlert is the alert of an error that never reached the server (nil
// for a server's answer).
func offlineAlert(err error) *Alert {
	var ue *client.UnreachableError
	var ke *KeychainError
	var local *Alert
	switch {
	case errors.As(err, &local):
		return local
	case errors.Is(err, context.Canceled):
		return &Alert{Kind: AlertCancelled, Message: i18n.T("alert.cancelled"), AttemptsLeft: -1}
	case errors.As(err, &ue):
		msg := i18n.T("alert.unreachable", "URL", ue.URL)
		if ue.Timeout() {
			msg = i18n.T("alert.unreachable_timeout", "URL", ue.URL)
		}
		return &Alert{Kind: AlertUnreachable, Message: msg, AttemptsLeft: -1}
	case errors.As(err, &ke):
		return &Alert{Kind: AlertKeychain, Message: ke.Text(), AttemptsLeft: -1}
	}
	return nil
}

// problemText is the kind and the words of a server problem code.
func problemText(code string, attemptsLeft int, wait time.Duration, missing []string) (AlertKind, i18n.Text) {
	switch code {
	case api.CodeInvalidCredentials:
		return AlertInvalidCredentials, i18n.T("alert.invalid_credentials")
	case api.CodeTooManyAttempts:
		return AlertLockedOut, waitText(wait, lockedOutWait)
	case api.CodeBusy:
		return AlertBusy, waitText(wait, busyWait)
	case api.CodeTooManyPushes:
		return AlertLockedOut, waitText(wait, tooManyPushesWait)
	case api.CodeResendTooSoon:
		return AlertResendTooSoon, waitText(wait, resendWait)
	case api.CodeInvalidCode:
		if attemptsLeft >= 0 {
			return AlertInvalidCode, i18n.N("alert.invalid_code.attempts", attemptsLeft)
		}
		return AlertInvalidCode, i18n.T("alert.invalid_code.no_count")
	case api.CodeCodeAlreadyUsed:
		if attemptsLeft >= 0 {
			return AlertInvalidCode, i18n.N("alert.code_already_used.attempts", attemptsLeft)
		}
		return AlertInvalidCode, i18n.T("alert.code_already_used.no_count")
	case api.CodeChallengeExpired, api.CodeChallengeClosed:
		return AlertExpired, i18n.T("alert.challenge_expired")
	case api.CodeChallengeFailed:
		return AlertFailed, i18n.T("alert.challenge_failed")
	case api.CodeInvalidToken, api.CodeMFARequired, api.CodeUnauthorized:
		return AlertSessionEnded, i18n.T("alert.session_ended")
	case api.CodeWeakPassword:
		return AlertWeakPassword, i18n.T("alert.weak_password")
	case api.CodeSetupIncomplete:
		return AlertSetupIncomplete, missingText(missing)
	case api.CodeBadConsoleVersion:
		return AlertError, i18n.T("alert.bad_console_version", "Example", "7.50.3572")
	case api.CodeBackupVerificationRequired:
		return AlertError, i18n.T("alert.backup_verification_required")
	case api.CodeMethodNotEnrolled:
		return AlertError, i18n.T("alert.method_not_enrolled")
	}
	return AlertError, i18n.T("alert.server_problem", "Code", code)
}

// waitKeys are the three wordings of one wait: a moment, n seconds, n minutes.
type waitKeys struct{ moment, seconds, minutes string }

var (
	lockedOutWait     = waitKeys{"alert.locked_out.moment", "alert.locked_out.seconds", "alert.locked_out.minutes"}
	busyWait          = waitKeys{"alert.busy.moment", "alert.busy.seconds", "alert.busy.minutes"}
	tooManyPushesWait = waitKeys{"alert.too_many_pushes.moment", "alert.too_many_pushes.seconds", "alert.too_many_pushes.minutes"}
	resendWait        = waitKeys{"alert.resend_too_soon.moment", "alert.resend_too_soon.seconds", "alert.resend_too_soon.minutes"}
)

// waitText words a wait in whole seconds, rounded up, or in minutes from two
// minutes on.
func waitText(d time.Duration, k waitKeys) i18n.Text {
	n := int((d + time.Second - 1) / time.Second)
	switch {
	case n <= 0:
		return i18n.T(k.moment)
	case n < 120:
		return i18n.N(k.seconds, n)
	}
	return i18n.N(k.minutes, (n+59)/60)
}

// missingText says what Activate still needs.
func missingText(missing []string) i18n.Text {
	var app, backup bool
	for _, m := range missing {
		switch m {
		case api.MissingAuthenticatorApp:
			app = true
		case api.MissingBackup:
			backup = true
		}
	}
	switch {
	case app && backup:
		return i18n.T("alert.setup_incomplete.both")
	case app:
		return i18n.T("alert.setup_incomplete.app")
	case backup:
		return i18n.T("alert.setup_incomplete.backup")
	}
	return i18n.T("alert.setup_incomplete.other")
}

// localAlert is a problem found before any call.
func localAlert(kind AlertKind, msg i18n.Text) *Alert {
	return &Alert{Kind: kind, Message: msg, AttemptsLeft: -1}
}

// endsSession reports whether err means the session (or the sign-in) is over.
func endsSession(err error) bool {
	return client.IsCode(err, api.CodeInvalidToken) || client.IsCode(err, api.CodeMFARequired) || client.IsCode(err, api.CodeUnauthorized)
}

func orDefault(s, def string) string {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if s == "" {
		return def
	}
	return s
}
