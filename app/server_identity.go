package app

import (
	"context"
	"net/http"
	"time"

	"github.com/remotesupport/techconsole/client"
)

// serverInfoTimeout bounds the identity lookup: it only names keychain entries.
const serverInfoTimeout = 5 * time.Second

// serverKey is the name the keychain entries of the server at url go by: the
// stable id the server reports (GET /server-info), so that an entry kept
// today is found tomorrow when the same server answers at another address.
// A server that does not report one is named by its URL, as before; a
// failed lookup is not remembered, so the next call asks again.
func (c *Controller) serverKey(ctx context.Context, url string) string {
	c.mu.Lock()
	key, ok := c.serverKeys[url]
	c.mu.Unlock()
	if ok {
		return key
	}
	cl, err := client.New(url, append([]client.Option{client.WithLogger(c.log)}, c.cfg.ClientOptions...)...)
	if err != nil {
		return url
	}
	ctx, cancel := context.WithTimeout(ctx, serverInfoTimeout)
	defer cancel()
	info, err := cl.ServerInfo(ctx)
	switch {
	case err == nil && info.ID != "":
		key = ServerKeyOf(info.ID)
	case isNotFound(err):
		key = url // an older server: entries stay named by its URL
	default:
		c.log.Warn("server identity unavailable; keychain entries named by the URL this time", "err", errCode(err))
		return url
	}
	c.mu.Lock()
	if c.serverKeys == nil {
		c.serverKeys = map[string]string{}
	}
	c.serverKeys[url] = key
	c.mu.Unlock()
	return key
}

func isNotFound(err error) bool {
	e, ok := client.AsError(err)
	return ok && e.Status == http.StatusNotFound
}

// ServerKeyOf is the name of a server that reports the stable id.
func ServerKeyOf(id string) string { return "id:" + id }
