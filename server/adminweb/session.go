package adminweb

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// The web session lives entirely in one cookie: the API's tokens (and a
// sign-in in progress) sealed with AES-256-GCM, so the server keeps no table
// and the browser cannot read a token. Every visitor gets a session id first,
// so that even the sign-in form carries a CSRF token (an HMAC of that id).

// CookieName is the session cookie's name.
const CookieName = "admin_session"

// sessionTTL bounds a web session: the API's refresh family ends after 12
// hours anyway.
const sessionTTL = 12 * time.Hour

// session is what the cookie holds.
type session struct {
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	Access  string    `json:"access,omitempty"`
	Refresh string    `json:"refresh,omitempty"`
	Login   *pending  `json:"login,omitempty"`
	Flash   string    `json:"flash,omitempty"`
	// Password is a change of one's own password waiting for its step-up.
	Password *passwordChange `json:"password,omitempty"`
}

// pending is a sign-in between the password and the second step.
type pending struct {
	Username string `json:"username"`
	MFAToken string `json:"mfa_token"`
	Setup    bool   `json:"setup,omitempty"`
	Reset    bool   `json:"reset,omitempty"`
	challengeState
}

func (s *session) signedIn() bool { return s.Access != "" }

// keys are the two keys derived from the one the server gives.
type keys struct {
	aead cipher.AEAD
	csrf []byte
}

func deriveKeys(key []byte) (keys, error) {
	if len(key) < 32 {
		return keys{}, errors.New("adminweb: the session key must be at least 32 bytes")
	}
	sub := func(label string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	block, err := aes.NewCipher(sub("cookie"))
	if err != nil {
		return keys{}, fmt.Errorf("adminweb: cookie key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return keys{}, fmt.Errorf("adminweb: cookie key: %w", err)
	}
	return keys{aead: aead, csrf: sub("csrf")}, nil
}

func newSessionID() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// seal encrypts the session; the cookie name is the additional data.
func (k keys) seal(s *session) (string, error) {
	return k.sealJSON(CookieName, s)
}

// open decrypts a cookie value; any tampering or another key fails.
func (k keys) open(v string) (*session, error) {
	var s session
	if err := k.openJSON(CookieName, v, &s); err != nil {
		return nil, err
	}
	if s.ID == "" {
		return nil, errors.New("session cookie holds no session")
	}
	return &s, nil
}

// sealJSON encrypts v as the value of the cookie name, which is the
// additional data: one cookie's value does not open as another's.
func (k keys) sealJSON(name string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %s: %w", name, err)
	}
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plain)+k.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("%s nonce: %w", name, err)
	}
	return base64.RawURLEncoding.EncodeToString(k.aead.Seal(nonce, nonce, plain, []byte(name))), nil
}

// openJSON decrypts the value of the cookie name into v.
func (k keys) openJSON(name, value string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(raw) < k.aead.NonceSize() {
		return fmt.Errorf("%s cookie is malformed", name)
	}
	n := k.aead.NonceSize()
	plain, err := k.aead.Open(nil, raw[:n], raw[n:], []byte(name))
	if err != nil {
		return fmt.Errorf("%s cookie does not open with this server's key", name)
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return fmt.Errorf("%s cookie holds nothing usable", name)
	}
	return nil
}

// csrfToken is the token every form of this session carries.
func (k keys) csrfToken(s *session) string {
	m := hmac.New(sha256.New, k.csrf)
	m.Write([]byte(s.ID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (k keys) csrfOK(s *session, token string) bool {
	want := k.csrfToken(s)
	return token != "" && subtle.ConstantTimeCompare([]byte(want), []byte(token)) == 1
}

// loadSession reads the request's session, or starts an anonymous one.
// fresh reports that the browser had none (or an unusable one).
func (h *Handler) loadSession(r *http.Request) (s *session, fresh bool) {
	if c, err := r.Cookie(CookieName); err == nil {
		if s, err := h.keys.open(c.Value); err == nil && h.now().Sub(s.Created) < sessionTTL {
			return s, false
		}
	}
	return &session{ID: newSessionID(), Created: h.now()}, true
}

// saveSession writes the session cookie: HttpOnly, SameSite=Strict, Path
// /admin, Secure when the page came over HTTPS.
func (h *Handler) saveSession(w http.ResponseWriter, r *http.Request, s *session) error {
	v, err := h.keys.seal(s)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: v, Path: Root, HttpOnly: true, Secure: h.secure(r), SameSite: http.SameSiteStrictMode,
	})
	return nil
}
