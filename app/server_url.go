package app

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/remotesupport/techconsole/client"
)

// CheckServerURL normalises a server address typed by a member or given with
// --server, and refuses plain http:// to any host but this computer: the
// console sends passwords, codes and tokens, which must not cross a network
// unencrypted. An address without a scheme means https://, or http:// for
// this computer.
func CheckServerURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw != "" && !strings.Contains(raw, "://") {
		scheme := "https://"
		if isLoopbackHost(hostOf("https://" + raw)) {
			scheme = "http://"
		}
		raw = scheme + raw
	}
	u, err := client.NormalizeURL(raw)
	if err != nil {
		return "", err
	}
	if host := hostOf(u); strings.HasPrefix(u, "http://") && !isLoopbackHost(host) {
		return "", fmt.Errorf("http://%s is refused: over plain http your password and codes would cross the network unencrypted. Use https://%s (http:// is only for a server on this computer)", host, host)
	}
	return u, nil
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") || strings.HasSuffix(strings.ToLower(h), ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
