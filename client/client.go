// Package client is the console's typed REST client for the whole contract of
// docs/DESIGN.md section 5: sign-in and challenges, the member's own two-step setup and
// password, the phone's device API, the Admin Center and the dev outbox.
//
// Every call takes a context and has its own timeout (a long-poll's is its wait
// plus the normal timeout); only idempotent GETs are retried, never a POST such
// as a sign-in or a code verify. Errors are *Error (a problem+json answer) or
// *UnreachableError (no answer at all). Every request carries X-Console-Version
// and a User-Agent naming the console and its emulated version.
package client

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/remotesupport/techconsole/api"
)

// Defaults.
const (
	DefaultTimeout = 15 * time.Second
	DefaultRetries = 2
	// DefaultWait is the long-poll wait the console asks for.
	DefaultWait = 25 * time.Second
)

// Client talks to one server as one emulated console version. It is safe for
// concurrent use.
type Client struct {
	base    string
	version api.ConsoleVersion
	timeout time.Duration
	retries int
	backoff time.Duration
	log     *slog.Logger
	tls     *tls.Config
	r       *resty.Client
}

// Option configures a Client.
type Option func(*Client)

// WithVersion sets the emulated console version (default: the newest
// behaviour, api.CurrentVersion).
func WithVersion(v api.ConsoleVersion) Option { return func(c *Client) { c.version = v } }

// WithTimeout sets the timeout of one call (long-polls add their wait).
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// WithRetries sets how often an idempotent GET is tried again after a
// transport error or a 502/503/504 (default 2).
func WithRetries(n int) Option { return func(c *Client) { c.retries = n } }

// WithLogger logs each call's method, path, status and duration at debug
// level (never a body or a header).
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.log = l } }

// WithHTTPClient uses hc's transport (for tests and proxies).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) { c.r = resty.NewWithClient(hc) }
}

// WithTLSConfig uses cfg for https servers (for example a RootCAs pool that
// trusts a private certificate authority). WithHTTPClient replaces it.
func WithTLSConfig(cfg *tls.Config) Option { return func(c *Client) { c.tls = cfg } }

// DefaultVersion is what a client without WithVersion announces.
var DefaultVersion = api.CurrentVersion

// New makes a client for the server at baseURL (scheme, host, optional port).
func New(baseURL string, opts ...Option) (*Client, error) {
	base, err := NormalizeURL(baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{base: base, version: DefaultVersion, timeout: DefaultTimeout, retries: DefaultRetries, backoff: 200 * time.Millisecond}
	for _, o := range opts {
		o(c)
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.r == nil {
		c.r = resty.NewWithClient(&http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   5 * time.Second,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       90 * time.Second,
			ExpectContinueTimeout: time.Second,
			TLSClientConfig:       c.tls,
			ForceAttemptHTTP2:     true, // a custom TLS config would otherwise turn HTTP/2 off
		}})
	}
	c.r.SetBaseURL(base).
		SetHeader(api.ConsoleVersionHeader, c.version.String()).
		SetHeader("User-Agent", UserAgent(c.version)).
		SetHeader("Accept", "application/json, "+api.ProblemContentType).
		SetRetryCount(0).
		SetDisableWarn(true).
		SetLogger(discardLogger{})
	return c, nil
}

// UserAgent names the console and its emulated version.
func UserAgent(v api.ConsoleVersion) string { return "TechnicianConsole/" + v.String() }

// BaseURL is the server's normalised URL.
func (c *Client) BaseURL() string { return c.base }

// Version is the emulated console version the client announces.
func (c *Client) Version() api.ConsoleVersion { return c.version }

// NormalizeURL checks a server URL typed by a person and returns it without a
// trailing slash, path, query or credentials.
func NormalizeURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New("server URL is empty")
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("server URL %q: want http(s)://host[:port]", clip(raw))
	}
	if u.User != nil {
		return "", errors.New("server URL must not contain a user name or password")
	}
	return u.Scheme + "://" + u.Host, nil
}

type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
