package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/remotesupport/techconsole/api"
)

// maxBody is the largest request body any call accepts.
const maxBody = 64 << 10

// httpError is an error that carries its problem+json answer.
type httpError struct {
	p api.Problem
}

func (e *httpError) Error() string { return e.p.Code + ": " + e.p.Detail }

func perr(status int, code, detail string) *httpError {
	return &httpError{p: api.Problem{
		Type:   api.ProblemType(code),
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
		Code:   code,
	}}
}

func (e *httpError) withRetryAfter(seconds int) *httpError {
	if seconds < 1 {
		seconds = 1
	}
	e.p.RetryAfter = &seconds
	return e
}

func (e *httpError) withAttemptsLeft(n int) *httpError {
	e.p.AttemptsLeft = &n
	return e
}

func badRequest(code, detail string) *httpError { return perr(http.StatusBadRequest, code, detail) }

func validation(detail string) *httpError {
	return perr(http.StatusBadRequest, api.CodeValidation, detail)
}

func notFound(what string) *httpError {
	return perr(http.StatusNotFound, api.CodeNotFound, what+" not found")
}

func forbidden(detail string) *httpError {
	return perr(http.StatusForbidden, api.CodeForbidden, detail)
}

func invalidToken() *httpError {
	return perr(http.StatusUnauthorized, api.CodeInvalidToken, "missing, unknown or expired token for this call")
}

func writeProblem(w http.ResponseWriter, p api.Problem) {
	h := w.Header()
	h.Set("Content-Type", api.ProblemContentType)
	h.Set("Cache-Control", "no-store")
	if p.RetryAfter != nil {
		h.Set("Retry-After", strconv.Itoa(*p.RetryAfter))
	}
	if p.Status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="techconsole"`)
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// handlerFunc is a handler that reports failure as an error; *httpError is
// answered as is, anything else is logged and answered 500 without detail.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) wrap(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := fn(w, r)
		if err == nil {
			return
		}
		var he *httpError
		if errors.As(err, &he) {
			writeProblem(w, he.p)
			return
		}
		if errors.Is(err, errBusy) {
			writeProblem(w, perr(http.StatusServiceUnavailable, api.CodeBusy, "the server is busy; try again in a moment").withRetryAfter(1).p)
			return
		}
		if r.Context().Err() != nil {
			return // client went away
		}
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "request_id", requestID(r.Context()), "err", err)
		writeProblem(w, perr(http.StatusInternalServerError, api.CodeInternal, "internal error").p)
	})
}

// decode reads exactly one JSON object of at most maxBody bytes into v,
// refusing unknown fields and wrong types.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if err := jsonContentType(r); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return decodeError(err)
		}
		return badRequest(api.CodeMalformedJSON, "the body must hold exactly one JSON object")
	}
	return nil
}

// jsonContentType refuses a body that does not say it is JSON (415): no
// client of the API sends anything else, while a form or text/plain post is
// what any web page can make a browser send to another site.
func jsonContentType(r *http.Request) error {
	if r.ContentLength == 0 {
		return nil // an empty body is judged by the decoder
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		return nil
	}
	return perr(http.StatusUnsupportedMediaType, api.CodeUnsupportedMediaType, "the body must be sent as application/json")
}

// decodeOptional is decode for calls whose body may be empty.
func decodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return decodeError(err)
	}
	if strings.TrimSpace(string(body)) == "" {
		return nil
	}
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	return decode(w, r, v)
}

func decodeError(err error) error {
	var mbe *http.MaxBytesError
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		return perr(http.StatusRequestEntityTooLarge, api.CodeBodyTooLarge, fmt.Sprintf("the body is larger than %d bytes", maxBody))
	case errors.Is(err, io.EOF):
		return badRequest(api.CodeMalformedJSON, "the body is empty; a JSON object is expected")
	case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest(api.CodeMalformedJSON, "the body is not valid JSON")
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return validation("the body must be a JSON object")
		}
		return validation(fmt.Sprintf("field %q has the wrong type", field))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return validation(clip(strings.TrimPrefix(err.Error(), "json: "), 80) + " in the body")
	}
	return badRequest(api.CodeMalformedJSON, "the body could not be read as JSON")
}
