package server

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// The public URL is where members' phones reach this server. It goes into
// the pairing URI (push_url), so it comes from configuration or from the
// listener, never from the request: a Host or X-Forwarded-* header must not
// send a phone and its push token to another server.

// parsePublicURL checks a configured public URL and returns it without a
// trailing slash.
func parsePublicURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("public URL %q: %w", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("public URL %q must be http(s)://host[:port][/path], with no user, query or fragment", raw)
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// listenerURL is the public URL derived from the address Serve listens on,
// when none is configured.
func (s *Server) listenerURL(ln net.Listener) {
	addr := ln.Addr().String()
	if s.publicURL.CompareAndSwap(nil, new("http://"+addr)) {
		if host, _, err := net.SplitHostPort(addr); err == nil {
			if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
				s.log.Warn("listening on every address with no public URL: phones paired now are told "+addr+"; set the public URL", "addr", addr)
			}
		}
	}
}

// pushBase is the public URL the pairing URI names. A handler served without
// Serve and without a configured URL (an in-process test) gets localhost.
func (s *Server) pushBase() string {
	if u := s.publicURL.Load(); u != nil {
		return *u
	}
	return "http://localhost"
}
