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
	a := &Alert{Kind: AlertError, AttemptsLeft: -1}
	var ue *client.UnreachableError
	var ke *KeychainError
	var local *Alert
	switch {
	case errors.As(err, &local):
		return local
	case errors.Is(err, context.Canceled):
		a.Kind, a.Message = AlertCancelled, "Cancelled."
		return a
	case errors.As(err, &ue):
		a.Kind = AlertUnreachable
		if ue.Timeout() {
			a.Message = fmt.Sprintf("The server at %s did not answer in time. Check your network and try again.", ue.URL)
		} else {
			a.Message = fmt.Sprintf("The server at %s is unreachable. Check the server address and your network, then try again.", ue.URL)
		}
		return a
	case errors.As(err, &ke):
		a.Kind, a.Message = AlertKeychain, ke.Error()
		return a
	}
	e, ok := client.AsError(err)
	if !ok {
		a.Message = "Something went wrong: " + err.Error()
		return a
	}
	a.Code, a.AttemptsLeft = e.Code, e.AttemptsLeft
	if e.RetryAfter > 0 {
		a.RetryAfter, a.RetryAt = e.RetryAfter, now.Add(e.RetryAfter)
	}
	wait := seconds(e.RetryAfter)
	switch e.Code {
	case api.CodeInvalidCredentials:
		a.Kind, a.Message = AlertInvalidCredentials, "Wrong username or password."
	case api.CodeTooManyAttempts:
		a.Kind, a.Message = AlertLockedOut, "Too many failed attempts. Try again in "+wait+"."
	case api.CodeBusy:
		a.Kind, a.Message = AlertBusy, "The server is busy. Try again in "+wait+"."
	case api.CodeTooManyPushes:
		a.Kind, a.Message = AlertLockedOut, "Too many notifications were sent to your phone. You can send another in "+wait+"; meanwhile, use another method if you have one."
	case api.CodeInvalidCode:
		a.Kind = AlertInvalidCode
		switch {
		case e.AttemptsLeft == 1:
			a.Message = "That code is not right. 1 attempt left."
		case e.AttemptsLeft >= 0:
			a.Message = fmt.Sprintf("That code is not right. %d attempts left.", e.AttemptsLeft)
		default:
			a.Message = "That code is not right. Check it and try again."
		}
	case api.CodeCodeAlreadyUsed:
		a.Kind = AlertInvalidCode
		a.Message = "That code was already used: each code works once. Wait for the next code in your authenticator app (a new one every 30 seconds)."
		switch {
		case e.AttemptsLeft == 1:
			a.Message += " 1 attempt left."
		case e.AttemptsLeft >= 0:
			a.Message += fmt.Sprintf(" %d attempts left.", e.AttemptsLeft)
		}
	case api.CodeChallengeExpired, api.CodeChallengeClosed:
		a.Kind, a.Message = AlertExpired, "This verification request expired. Send a new one to try again."
	case api.CodeChallengeFailed:
		a.Kind, a.Message = AlertFailed, "Too many wrong codes ended this verification request. Send a new one to try again."
	case api.CodeResendTooSoon:
		a.Kind, a.Message = AlertResendTooSoon, "Wait "+wait+" before sending another code."
	case api.CodeInvalidToken, api.CodeMFARequired, api.CodeUnauthorized:
		a.Kind, a.Message = AlertSessionEnded, "Your session has ended. Sign in again."
	case api.CodeWeakPassword:
		a.Kind, a.Message = AlertWeakPassword, "Choose another password: "+orDefault(e.Detail, "this one is too weak")+"."
	case api.CodeSetupIncomplete:
		a.Kind, a.Missing = AlertSetupIncomplete, e.Problem.Missing
		a.Message = "Setup is not complete yet: " + missingText(e.Problem.Missing) + "."
	case api.CodeBadConsoleVersion:
		a.Message = "The server refused the console version. Pick a version like 7.50.3572."
	case api.CodeBackupVerificationRequired:
		a.Message = "Your two-step verification was reset: first confirm a code sent to your backup, then pair the mobile app again."
	case api.CodeMethodNotEnrolled:
		a.Message = "That method is not set up for your account. Choose another method."
	default:
		a.Message = "Something went wrong: " + orDefault(e.Detail, e.Problem.Title) + "."
	}
	return a
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
