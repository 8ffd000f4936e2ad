package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"net/http"
	"strings"

	"github.com/remotesupport/techconsole/server/adminweb"
)

// withAdminWeb serves the Admin Center web pages at /admin in front of the
// REST API. The pages drive the API only through its handler, so they obey
// the same rules (2FA sign-in, permissions, throttling). Their session cookie
// key is derived from the server key, so web sessions survive a restart.
func (s *Server) withAdminWeb(apiHandler http.Handler, serverKey []byte) http.Handler {
	mac := hmac.New(sha256.New, serverKey)
	mac.Write([]byte("techconsole adminweb session key v1"))
	web := adminweb.New(adminweb.Config{API: apiHandler, Key: mac.Sum(nil), Dev: s.cfg.Dev, Logger: s.log, Now: s.now,
		Secure: s.overHTTPS})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == adminweb.Root || strings.HasPrefix(r.URL.Path, adminweb.Root+"/") {
			web.ServeHTTP(w, r)
			return
		}
		apiHandler.ServeHTTP(w, r)
	})
}

// overHTTPS says whether the browser reached the server over HTTPS: over TLS
// here, or, behind a trusted proxy, when the proxy says so in
// X-Forwarded-Proto (it ends TLS and speaks plain HTTP to this server).
func (s *Server) overHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.cfg.TrustedProxy && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
}
