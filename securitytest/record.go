package securitytest

import (
	"bytes"
	"io"
	"net/http"
	"sync"
)

// Exchange is one recorded request and its answer.
type Exchange struct {
	Method, Path string
	Status       int
	Header       http.Header
	Body         []byte
}

// Recorder is an http.RoundTripper that keeps every answer, for leak checks.
type Recorder struct {
	Next http.RoundTripper
	mu   sync.Mutex
	log  []Exchange
}

// RoundTrip forwards the request and records its answer.
func (rec *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	next := rec.Next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	rec.mu.Lock()
	rec.log = append(rec.log, Exchange{Method: req.Method, Path: req.URL.Path, Status: resp.StatusCode, Header: resp.Header.Clone(), Body: body})
	rec.mu.Unlock()
	return resp, nil
}

// Exchanges returns what was recorded so far.
func (rec *Recorder) Exchanges() []Exchange {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Exchange(nil), rec.log...)
}

// Text is the answer as an attacker reads it: headers and body.
func (e Exchange) Text() string {
	var b bytes.Buffer
	e.Header.Write(&b)
	b.Write(e.Body)
	return b.String()
}

// syncBuffer is a bytes.Buffer safe for concurrent writers (a log sink).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
