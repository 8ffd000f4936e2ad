package securitytest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// Peer is one HTTP client of the server: an attacker, a member or a phone.
// It speaks raw HTTP so that any header, token or body can be sent.
type Peer struct {
	Base    string            // http://127.0.0.1:port
	HC      *http.Client      // nil = a shared client with a 30 s timeout
	Header  map[string]string // sent with every request (X-Forwarded-For, X-Console-Version)
	Timeout time.Duration
}

var (
	sharedTransport = &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: 30 * time.Second}
	sharedClient    = &http.Client{Timeout: 30 * time.Second, Transport: sharedTransport}
)

// Resp is one answer.
type Resp struct {
	Status int
	Header http.Header
	Body   []byte
	Took   time.Duration
}

// Problem decodes a problem+json answer; ok is false when the answer is not one.
func (r Resp) Problem() (api.Problem, bool) {
	var p api.Problem
	if !strings.HasPrefix(r.Header.Get("Content-Type"), api.ProblemContentType) {
		return p, false
	}
	if err := json.Unmarshal(r.Body, &p); err != nil || p.Code == "" {
		return p, false
	}
	return p, true
}

// Code is the problem code of the answer, "" when it is not a problem.
func (r Resp) Code() string {
	p, _ := r.Problem()
	return p.Code
}

func (r Resp) String() string {
	b := r.Body
	if len(b) > 300 {
		b = append(b[:300:300], "…"...)
	}
	return fmt.Sprintf("HTTP %d %s", r.Status, b)
}

// Send sends one request; body may be nil, a string or []byte (sent as is) or
// a value (sent as JSON). Transport errors are returned, never fatal, so that
// concurrent and fault tests can count them.
func (p *Peer) Send(ctx context.Context, method, path, bearer string, body any) (Resp, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			return Resp{}, fmt.Errorf("marshal %T: %w", body, err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.Base+path, rd)
	if err != nil {
		return Resp{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for k, v := range p.Header {
		req.Header.Set(k, v)
	}
	hc := p.HC
	if hc == nil {
		hc = sharedClient
	}
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		return Resp{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return Resp{}, fmt.Errorf("%s %s: read: %w", method, path, err)
	}
	return Resp{Status: resp.StatusCode, Header: resp.Header, Body: data, Took: time.Since(start)}, nil
}

// Do is Send that fails the test on a transport error.
func (p *Peer) Do(t testing.TB, method, path, bearer string, body any) Resp {
	t.Helper()
	r, err := p.Send(context.Background(), method, path, bearer, body)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return r
}

// OK sends a request that must answer want and decodes the answer into out.
func (p *Peer) OK(t testing.TB, method, path, bearer string, body any, want int, out any) Resp {
	t.Helper()
	r := p.Do(t, method, path, bearer, body)
	if r.Status != want {
		t.Fatalf("%s %s: %s, want HTTP %d", method, path, r, want)
	}
	if out != nil {
		if err := json.Unmarshal(r.Body, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, r, err)
		}
	}
	return r
}

// Fail sends a request that must answer a problem with the status and code.
func (p *Peer) Fail(t testing.TB, method, path, bearer string, body any, status int, code string) api.Problem {
	t.Helper()
	r := p.Do(t, method, path, bearer, body)
	prob, ok := r.Problem()
	if !ok || r.Status != status || prob.Code != code || prob.Status != r.Status {
		t.Fatalf("%s %s: %s, want a problem HTTP %d %q", method, path, r, status, code)
	}
	return prob
}

// With returns a copy of the peer that also sends the header.
func (p *Peer) With(key, value string) *Peer {
	q := *p
	q.Header = map[string]string{}
	for k, v := range p.Header {
		q.Header[k] = v
	}
	q.Header[key] = value
	return &q
}

func jsonUnmarshal(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %.200s: %w", b, err)
	}
	return nil
}

// jsonHas reports whether a JSON body has the key anywhere (a cheap leak check).
func jsonHas(b []byte, key string) bool {
	return bytes.Contains(b, []byte(`"`+key+`"`))
}
