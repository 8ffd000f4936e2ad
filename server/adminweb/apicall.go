package adminweb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/remotesupport/techconsole/api"
)

// The pages reach the server only through its REST handler, in process: each
// call is an ordinary JSON request answered by the same handler that answers
// the network, so every rule of the API applies to the web pages too.

// recorder is the smallest http.ResponseWriter that keeps an answer.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.header }

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.body.Write(b)
}

// apiCall is one request to the REST API on behalf of the browser's request
// from: the API sees the browser's address (and X-Forwarded-For, which it
// believes only when told to), so throttling and the audit log name the real
// client.
type apiCall struct {
	method string
	path   string // under the server root, e.g. api.PathLogin, with any query
	bearer string
	in     any          // JSON body, nil for none
	out    any          // decoded on success when not nil
	want   int          // the status that means success; 0 means 200 OK
	header *http.Header // when set, receives the answer's headers on success
}

// errNoAnswer means the API's answer could not be read.
var errNoAnswer = errors.New("the server's answer could not be read")

// call runs c and returns nil, an *api.Problem for an error answer or any
// answer but the one expected, or another error when the answer is not
// understood. Nothing but c.want counts as done: an in-process redirect (the
// mux cleaning a path) once passed for success.
func (h *Handler) call(ctx context.Context, from *http.Request, c apiCall) error {
	if err := checkAPIPath(c.path); err != nil {
		return err
	}
	var body bytes.Buffer
	if c.in != nil {
		if err := json.NewEncoder(&body).Encode(c.in); err != nil {
			return fmt.Errorf("encode %s %s: %w", c.method, c.path, err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, c.method, c.path, &body)
	if err != nil {
		return fmt.Errorf("build %s %s: %w", c.method, c.path, err)
	}
	req.RemoteAddr = from.RemoteAddr
	req.Host = from.Host
	if xff := from.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		req.Header["X-Forwarded-For"] = xff
	}
	req.Header.Set("User-Agent", "techconsole-adminweb")
	req.Header.Set("Accept", "application/json")
	if c.in != nil {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.ContentLength = 0
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	rec := &recorder{header: http.Header{}}
	h.api.ServeHTTP(rec, req)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if rec.status >= 400 {
		p := &api.Problem{}
		if strings.HasPrefix(rec.header.Get("Content-Type"), api.ProblemContentType) && json.Unmarshal(rec.body.Bytes(), p) == nil && p.Code != "" {
			return p
		}
		return &api.Problem{Status: rec.status, Title: http.StatusText(rec.status), Code: api.CodeInternal}
	}
	want := c.want
	if want == 0 {
		want = http.StatusOK
	}
	if rec.status != want {
		h.log.Warn("unexpected API answer", "method", c.method, "status", rec.status, "want", want)
		return &api.Problem{Status: http.StatusBadGateway, Title: http.StatusText(http.StatusBadGateway), Code: api.CodeInternal,
			Detail: unexpectedAnswer}
	}
	if c.header != nil {
		*c.header = rec.header
	}
	if c.out != nil && rec.status != http.StatusNoContent {
		if err := json.Unmarshal(rec.body.Bytes(), c.out); err != nil {
			return fmt.Errorf("%s %s: %w: %v", c.method, c.path, errNoAnswer, err)
		}
	}
	return nil
}

// checkAPIPath refuses a path that is not what it says: dot segments, empty
// segments or escapes that the API's mux would clean into another call.
func checkAPIPath(p string) error {
	u, err := url.Parse(p)
	if err != nil || !strings.HasPrefix(u.Path, api.Prefix+"/") || path.Clean(u.Path) != u.Path || u.RawPath != "" {
		return badID()
	}
	return nil
}

// idSegment is what an id taken from a form or an address may hold before it
// goes into an API path; the API judges the rest (unknown ids are 404).
var idSegment = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// checkID refuses an id that could not be one before a URL is built with it.
func checkID(id string) error {
	if !idSegment.MatchString(id) {
		return badID()
	}
	return nil
}

func badID() *api.Problem {
	return &api.Problem{Status: http.StatusBadRequest, Title: http.StatusText(http.StatusBadRequest), Code: api.CodeValidation,
		Detail: notAnID}
}

// asProblem returns err as an *api.Problem when it is one.
func asProblem(err error) (*api.Problem, bool) {
	var p *api.Problem
	ok := errors.As(err, &p)
	return p, ok
}
