package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// call is one request of the contract.
type call struct {
	method string
	path   string
	bearer string
	query  url.Values
	body   any
	result any
	// wait is added to the timeout of a long-poll.
	wait time.Duration
	// header, when set, receives the headers of a successful answer.
	header *http.Header
}

// do runs a call; GETs are tried again after a transport error or a
// 502/503/504, everything else exactly once.
func (c *Client) do(ctx context.Context, k call) error {
	attempts := 1
	if k.method == http.MethodGet {
		attempts += c.retries
	}
	for i := 0; ; i++ {
		err, retryable := c.once(ctx, k)
		if err == nil || !retryable || i+1 >= attempts {
			return err
		}
		t := time.NewTimer(c.backoff << i)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s %s: %w", k.method, k.path, ctx.Err())
		case <-t.C:
		}
	}
}

func (c *Client) once(ctx context.Context, k call) (err error, retryable bool) {
	op := k.method + " " + k.path
	cctx, cancel := context.WithTimeout(ctx, c.timeout+k.wait)
	defer cancel()
	var prob api.Problem
	req := c.r.R().SetContext(cctx).SetError(&prob)
	if k.bearer != "" {
		req.SetAuthToken(k.bearer)
	}
	if k.query != nil {
		req.SetQueryParamsFromValues(k.query)
	}
	if k.body != nil {
		req.SetHeader("Content-Type", "application/json").SetBody(k.body)
	}
	if k.result != nil {
		req.SetResult(k.result)
	}
	start := time.Now()
	resp, rerr := req.Execute(k.method, k.path)
	if rerr != nil {
		if ctx.Err() != nil {
			// The caller cancelled (or its own deadline passed): not the server's fault.
			return fmt.Errorf("%s: %w", op, ctx.Err()), false
		}
		c.log.Debug("request failed", "op", op, "took", time.Since(start))
		if cctx.Err() != nil {
			rerr = fmt.Errorf("no answer within %s: %w", c.timeout+k.wait, context.DeadlineExceeded)
		}
		return &UnreachableError{URL: c.base, Op: op, Err: rerr}, true
	}
	c.log.Debug("request", "op", op, "status", resp.StatusCode(), "took", time.Since(start))
	if resp.IsError() {
		if prob.Code == "" {
			// Not decoded by resty (unexpected content type): try once more.
			_ = json.Unmarshal(resp.Body(), &prob)
		}
		var parsed *api.Problem
		if prob.Code != "" {
			parsed = &prob
		}
		e := decodeProblem(op, resp.StatusCode(), resp.Header(), resp.Body(), parsed)
		switch resp.StatusCode() {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return e, true
		}
		return e, false
	}
	if resp.StatusCode() < 200 || resp.StatusCode() > 299 {
		return &Error{Op: op, Status: resp.StatusCode(), AttemptsLeft: -1,
			Problem: api.Problem{Status: resp.StatusCode(), Title: "unexpected answer"}}, false
	}
	if k.header != nil {
		*k.header = resp.Header()
	}
	return nil, false
}

// errEmpty reports a success answer that lacks what the contract promises.
func errEmpty(op, what string) error {
	return errors.New(op + ": the server's answer has no " + what)
}

// fetch runs k and returns the answer decoded into a T.
func fetch[T any](ctx context.Context, c *Client, k call) (*T, error) {
	var out T
	k.result = &out
	if err := c.do(ctx, k); err != nil {
		return nil, err
	}
	return &out, nil
}

// fetchList runs k and returns the answer decoded into a list of T.
func fetchList[T any](ctx context.Context, c *Client, k call) ([]T, error) {
	var out []T
	k.result = &out
	if err := c.do(ctx, k); err != nil {
		return nil, err
	}
	return out, nil
}

// longPoll asks the server to wait up to wait for a change (whole seconds,
// 0 to api.MaxWait) and gives the call that much more time.
func longPoll(k call, wait time.Duration) call {
	secs := min(max(int(wait/time.Second), 0), api.MaxWait)
	k.query = url.Values{"wait": {strconv.Itoa(secs)}}
	k.wait = time.Duration(secs) * time.Second
	return k
}
