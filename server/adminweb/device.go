package adminweb

import (
	"net/http"
	"time"
)

// The Admin Center is a client like the console: the API hands it a device
// cookie for each right password, and presents it at the next sign-in from
// this browser, so that nobody else's wrong passwords lock its administrator
// out. It lives in a cookie of its own, sealed like the session, because it
// must outlive sign-out and the session (it is no session: it only gives
// this browser its own failure budget). One browser keeps the cookie of the
// last member who signed in on it; anyone else signs in as an untrusted
// client.

// DeviceCookieName is the browser cookie that holds the API's device cookie.
const DeviceCookieName = "admin_device"

// deviceCookieAge matches how long the API trusts a device cookie.
const deviceCookieAge = 30 * 24 * time.Hour

type deviceEntry struct {
	Username string `json:"username"`
	Cookie   string `json:"cookie"`
}

// deviceCookie is the API device cookie this browser keeps for username, "" when none.
func (h *Handler) deviceCookie(r *http.Request, username string) string {
	c, err := r.Cookie(DeviceCookieName)
	if err != nil {
		return ""
	}
	var e deviceEntry
	if err := h.keys.openJSON(DeviceCookieName, c.Value, &e); err != nil || e.Username != username {
		return ""
	}
	return e.Cookie
}

// keepDeviceCookie stores the fresh API device cookie of username's sign-in
// in the browser: HttpOnly, SameSite=Strict, Path /admin, Secure over TLS.
func (h *Handler) keepDeviceCookie(w http.ResponseWriter, r *http.Request, username, cookie string) {
	if cookie == "" {
		return
	}
	v, err := h.keys.sealJSON(DeviceCookieName, deviceEntry{Username: username, Cookie: cookie})
	if err != nil {
		h.log.Error("sealing the device cookie", "err", err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: DeviceCookieName, Value: v, Path: Root, MaxAge: int(deviceCookieAge / time.Second),
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode,
	})
}
