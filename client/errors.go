package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// Error is a problem+json answer (or any other 4xx/5xx) from the server.
type Error struct {
	// Op is "METHOD /path" of the call.
	Op     string
	Status int
	// Code is the stable snake_case code ("" when the answer was not problem+json).
	Code   string
	Detail string
	// AttemptsLeft is set on invalid_code, -1 when the server did not say.
	AttemptsLeft int
	// RetryAfter comes from the body's retry_after or the Retry-After header.
	RetryAfter time.Duration
	// Problem is the whole decoded body.
	Problem api.Problem
}

func (e *Error) Error() string {
	msg := e.Detail
	if msg == "" {
		msg = e.Problem.Title
	}
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	code := e.Code
	if code == "" {
		code = "HTTP " + strconv.Itoa(e.Status)
	}
	return fmt.Sprintf("%s: %s (%s)", e.Op, msg, code)
}

// ErrUnreachable is matched (errors.Is) by every *UnreachableError.
var ErrUnreachable = errors.New("server unreachable")

// UnreachableError means the server gave no answer: refused, reset, DNS, or
// the call's timeout.
type UnreachableError struct {
	URL string
	Op  string
	Err error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("server unreachable at %s (%s): %v", e.URL, e.Op, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrUnreachable) true.
func (e *UnreachableError) Is(target error) bool { return target == ErrUnreachable }

// Timeout reports whether the call timed out rather than failed at once.
func (e *UnreachableError) Timeout() bool { return errors.Is(e.Err, context.DeadlineExceeded) }

// AsError returns the *Error inside err.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsCode reports whether err is a server answer with the code.
func IsCode(err error, code string) bool {
	e, ok := AsError(err)
	return ok && e.Code == code
}

// decodeProblem builds an *Error from a failed answer.
func decodeProblem(op string, status int, header http.Header, body []byte, parsed *api.Problem) *Error {
	e := &Error{Op: op, Status: status, AttemptsLeft: -1}
	if parsed != nil && parsed.Code != "" {
		e.Problem = *parsed
	} else {
		e.Problem = api.Problem{Status: status, Title: http.StatusText(status)}
		if len(body) > 0 && !strings.Contains(header.Get("Content-Type"), "json") {
			e.Problem.Detail = firstLine(string(body))
		}
	}
	e.Code, e.Detail = e.Problem.Code, e.Problem.Detail
	if e.Problem.AttemptsLeft != nil {
		e.AttemptsLeft = *e.Problem.AttemptsLeft
	}
	if e.Problem.RetryAfter != nil && *e.Problem.RetryAfter >= 0 {
		e.RetryAfter = time.Duration(*e.Problem.RetryAfter) * time.Second
	} else if d, ok := parseRetryAfter(header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	return e
}

// parseRetryAfter reads delta-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d.Round(time.Second), true
	}
	return 0, false
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return clip(s)
}
