package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/client"
)

// alertFor turns any error of an action into something the user can act on.
func alertFor(err error, now time.Time) *Alert {
	if a := offlineAlert(err); a != nil {
		return a
	}
	a := &Alert{Kind: AlertError, AttemptsLeft: -1}
	e, ok := client.AsError(err)
	if !ok {
		a.Message = "Something went wrong: " + err.Error()
		return a
	}
	a.Code, a.AttemptsLeft = e.Code, e.AttemptsLeft
	if e.RetryAfter > 0 {
		a.RetryAfter, a.RetryAt = e.RetryAfter, now.Add(e.RetryAfter)
	}
	a.Kind, a.Message = problemMessage(e)
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
		return &Alert{Kind: AlertCancelled, Message: "Cancelled.", AttemptsLeft: -1}
	case errors.As(err, &ue):
		msg := fmt.Sprintf("The server at %s is unreachable. Check the server address and your network, then try again.", ue.URL)
		if ue.Timeout() {
			msg = fmt.Sprintf("The server at %s did not answer in time. Check your network and try again.", ue.URL)
		}
		return &Alert{Kind: AlertUnreachable, Message: msg, AttemptsLeft: -1}
	case errors.As(err, &ke):
		return &Alert{Kind: AlertKeychain, Message: ke.Error(), AttemptsLeft: -1}
	}
	return nil
}

// problemMessage is the kind and the sentence of a server's refusal.
func problemMessage(e *client.Error) (AlertKind, string) {
	wait := seconds(e.RetryAfter)
	switch e.Code {
	case api.CodeInvalidCredentials:
		return AlertInvalidCredentials, "Wrong username or password."
	case api.CodeTooManyAttempts:
		return AlertLockedOut, "Too many failed attempts. Try again in " + wait + "."
	case api.CodeBusy:
		return AlertBusy, "The server is busy. Try again in " + wait + "."
	case api.CodeTooManyPushes:
		return AlertLockedOut, "Too many notifications were sent to your phone. You can send another in " + wait + "; meanwhile, use another method if you have one."
	case api.CodeInvalidCode, api.CodeCodeAlreadyUsed:
		return AlertInvalidCode, wrongCodeMessage(e)
	case api.CodeChallengeExpired, api.CodeChallengeClosed:
		return AlertExpired, "This verification request expired. Send a new one to try again."
	case api.CodeChallengeFailed:
		return AlertFailed, "Too many wrong codes ended this verification request. Send a new one to try again."
	case api.CodeResendTooSoon:
		return AlertResendTooSoon, "Wait " + wait + " before sending another code."
	case api.CodeInvalidToken, api.CodeMFARequired, api.CodeUnauthorized:
		return AlertSessionEnded, "Your session has ended. Sign in again."
	case api.CodeWeakPassword:
		return AlertWeakPassword, "Choose another password: " + orDefault(e.Detail, "this one is too weak") + "."
	case api.CodeSetupIncomplete:
		return AlertSetupIncomplete, "Setup is not complete yet: " + missingText(e.Problem.Missing) + "."
	case api.CodeBadConsoleVersion:
		return AlertError, "The server refused the console version. Pick a version like 7.50.3572."
	case api.CodeBackupVerificationRequired:
		return AlertError, "Your two-step verification was reset: first confirm a code sent to your backup, then pair the mobile app again."
	case api.CodeMethodNotEnrolled:
		return AlertError, "That method is not set up for your account. Choose another method."
	}
	return AlertError, "Something went wrong: " + orDefault(e.Detail, e.Problem.Title) + "."
}

// wrongCodeMessage says a code was wrong (or already used) and how many
// attempts are left.
func wrongCodeMessage(e *client.Error) string {
	if e.Code == api.CodeCodeAlreadyUsed {
		msg := "That code was already used: each code works once. Wait for the next code in your authenticator app (a new one every 30 seconds)."
		switch {
		case e.AttemptsLeft == 1:
			msg += " 1 attempt left."
		case e.AttemptsLeft >= 0:
			msg += fmt.Sprintf(" %d attempts left.", e.AttemptsLeft)
		}
		return msg
	}
	switch {
	case e.AttemptsLeft == 1:
		return "That code is not right. 1 attempt left."
	case e.AttemptsLeft >= 0:
		return fmt.Sprintf("That code is not right. %d attempts left.", e.AttemptsLeft)
	}
	return "That code is not right. Check it and try again."
}

func seconds(d time.Duration) string {
	n := int((d + time.Second - 1) / time.Second)
	switch {
	case n <= 0:
		return "a moment"
	case n == 1:
		return "1 second"
	case n < 120:
		return fmt.Sprintf("%d seconds", n)
	}
	return fmt.Sprintf("%d minutes", (n+59)/60)
}

func orDefault(s, def string) string {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if s == "" {
		return def
	}
	return s
}

func missingText(missing []string) string {
	var parts []string
	for _, m := range missing {
		switch m {
		case api.MissingAuthenticatorApp:
			parts = append(parts, "set up the mobile app")
		case api.MissingBackup:
			parts = append(parts, "add a backup (text message or email)")
		default:
			parts = append(parts, m)
		}
	}
	if len(parts) == 0 {
		return "finish every step"
	}
	return strings.Join(parts, " and ")
}

// localAlert is a problem found before any call.
func localAlert(kind AlertKind, msg string) *Alert {
	return &Alert{Kind: kind, Message: msg, AttemptsLeft: -1}
}

// endsSession reports whether err means the session (or the sign-in) is over.
func endsSession(err error) bool {
	return client.IsCode(err, api.CodeInvalidToken) || client.IsCode(err, api.CodeMFARequired) || client.IsCode(err, api.CodeUnauthorized)
}
