package securitytest

import (
	"context"
	"encoding/base32"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/app/phone"
	"github.com/remotesupport/techconsole/client"
	"github.com/remotesupport/techconsole/server"
	"github.com/remotesupport/techconsole/server/store/sqlite"
)

// Bad input: go fuzz targets. `make test` runs only their seeds (f.Add and
// testdata/fuzz/<Target>/); `make fuzz` runs each for a bounded time.

// fuzzServer opens the real server (demo organisation, dev outbox) on a
// fresh SQLite file and returns its handler, with tokens of every kind.
func fuzzServer(f *testing.F) (http.Handler, []string) {
	f.Helper()
	srv, err := server.Open(context.Background(), server.Config{
		Engine: sqlite.Engine{}, DBPath: filepath.Join(f.TempDir(), "fuzz.db"), Demo: true, Dev: true,
		AdminPassword: "Fuzz-Admin-Pass-2026", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { srv.Close() })
	h := srv.Handler()
	login := func(user, pw string) api.AuthResponse {
		w := serve(h, "POST", api.PathLogin, "", `{"username":"`+user+`","password":"`+pw+`"}`)
		var a api.AuthResponse
		if err := jsonUnmarshal(w.Body.Bytes(), &a); err != nil {
			f.Fatal(err)
		}
		return a
	}
	admin := login("admin", "Fuzz-Admin-Pass-2026")
	grace := login("grace", server.DemoPassword)
	if admin.Tokens == nil || grace.Tokens == nil {
		f.Fatalf("fuzz server sign-ins: %+v %+v", admin, grace)
	}
	bearers := []string{"", admin.Tokens.AccessToken, grace.Tokens.AccessToken,
		login("bob", server.DemoPassword).MFAToken, login("erin", server.DemoPassword).MFAToken,
		seededDevice(f, srv, "alice"), "garbage"}
	return h, bearers
}

// seededDevice is the demo push device token that opening srv seeded.
func seededDevice(f *testing.F, srv *server.Server, username string) string {
	f.Helper()
	for _, a := range srv.SeededDemo() {
		if a.Username == username && a.DeviceToken != "" {
			return a.DeviceToken
		}
	}
	f.Fatalf("the fuzz server seeded no device for %s", username)
	return ""
}

func serve(h http.Handler, method, path, bearer, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = "192.0.2.10:40000"
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// checkAnswer holds for every answer of the server to anything: no 5xx but
// 503 busy; every error is problem+json with its status and a code; every
// body is JSON.
func checkAnswer(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	ct := w.Header().Get("Content-Type")
	switch {
	case w.Code >= 500 && !(w.Code == http.StatusServiceUnavailable && strings.Contains(w.Body.String(), api.CodeBusy)):
		t.Fatalf("%s: HTTP %d: %s", what, w.Code, w.Body)
	case w.Code >= 400:
		var p api.Problem
		if ct != api.ProblemContentType || jsonUnmarshal(w.Body.Bytes(), &p) != nil || p.Code == "" || p.Status != w.Code {
			t.Fatalf("%s: HTTP %d, %q: %s", what, w.Code, ct, w.Body)
		}
	case w.Code == http.StatusNoContent:
		if w.Body.Len() != 0 {
			t.Fatalf("%s: 204 with a body", what)
		}
	default:
		if !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("%s: HTTP %d with %q", what, w.Code, ct)
		}
	}
}

// FuzzJSONHandlers sends fuzzed bodies and identifiers to every JSON call of
// the real handler, with each kind of bearer token.
func FuzzJSONHandlers(f *testing.F) {
	f.Add(uint8(0), uint8(0), "", `{"username":"bob","password":"x"}`)
	f.Add(uint8(4), uint8(3), "chl_00000000000000000000000000000000", `{"code":"123456"}`)
	f.Add(uint8(2), uint8(3), "", `{"method":"sms","purpose":"login"}`)
	f.Add(uint8(11), uint8(4), "", `{"phone":"555-0199"}`)
	f.Add(uint8(20), uint8(1), "", `{"master_administrators":true,"technicians":"all","primary_method":"email"}`)
	f.Add(uint8(25), uint8(1), "mbr_x", `{"roles":["master_administrator"],"group_id":"grp_1"}`)
	f.Add(uint8(17), uint8(0), "", `{"push_token":"`+strings.Repeat("A", 300)+`","device_name":"\u0000"}`)
	f.Add(uint8(19), uint8(5), "chl_1", `{"decision":"approve","match_number":"1e1"}`)
	f.Add(uint8(16), uint8(2), "", `{"current_password":"a","new_password":"`+strings.Repeat("é", 100)+`"}`)
	f.Add(uint8(3), uint8(6), "../../admin", `[`)
	h, bearers := fuzzServer(f)
	routes := servedRoutes(f)
	f.Fuzz(func(t *testing.T, route, bearer uint8, id, body string) {
		rt := routes[int(route)%len(routes)]
		path := strings.Replace(rt.Path, "{id}", url.PathEscape(id), 1)
		if strings.Contains(rt.Path, "{id}") && id == "" {
			path = strings.Replace(rt.Path, "{id}", "x", 1)
		}
		tok := bearers[int(bearer)%len(bearers)]
		w := serve(h, rt.Method, path, tok, body)
		checkAnswer(t, rt.Method+" "+rt.Path, w)
	})
}

// servedRoutes lists the served calls by asking a throwaway server (the
// route table is the same for every server with Dev on).
func servedRoutes(f *testing.F) []server.Route {
	f.Helper()
	srv, err := server.Open(context.Background(), server.Config{Engine: sqlite.Engine{}, DBPath: filepath.Join(f.TempDir(), "routes.db"), Dev: true, AdminPassword: "Routes-Pass-2026"})
	if err != nil {
		f.Fatal(err)
	}
	defer srv.Close()
	return srv.Routes()
}

// FuzzParseConsoleVersion: the version parser never panics, refuses with
// ErrBadConsoleVersion and a short message, and what it accepts prints back
// to an equal version.
func FuzzParseConsoleVersion(f *testing.F) {
	for _, s := range []string{"7.50.3572", "7.51.0", "0.0.0", "999999.999999.999999", "1000000.0.0", "7.50", "7..1",
		"v7.50.1", " 7.50.1", "7.50.1\n", "+7.50.1", "-7.50.1", "٧.٥٠.١", "7.50.1.2", "007.050.03572", strings.Repeat("9", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := api.ParseConsoleVersion(s)
		if err != nil {
			if !errors.Is(err, api.ErrBadConsoleVersion) || len(err.Error()) > 300 { // 40 input bytes at most, each at most 4 characters quoted
				t.Fatalf("%q: error %v", s, err)
			}
			return
		}
		for _, n := range []int{v.Major, v.Minor, v.Build} {
			if n < 0 || n > 999999 {
				t.Fatalf("%q parsed to %v", s, v)
			}
		}
		w, err := api.ParseConsoleVersion(v.String())
		if err != nil || w != v || v.Compare(w) != 0 {
			t.Fatalf("%q → %v → %q → %v, %v", s, v, v.String(), w, err)
		}
		if v.IsLegacy() != (v.Compare(api.LastLegacyVersion) <= 0) {
			t.Fatalf("%v: IsLegacy disagrees with Compare", v)
		}
	})
}

// fakeTransport answers every request with a fixed answer.
type fakeTransport struct {
	status int
	ctype  string
	retry  string
	body   []byte
}

func (ft fakeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	h := http.Header{}
	if ft.ctype != "" {
		h.Set("Content-Type", ft.ctype)
	}
	if ft.retry != "" {
		h.Set("Retry-After", ft.retry)
	}
	return &http.Response{StatusCode: ft.status, Header: h, Body: io.NopCloser(strings.NewReader(string(ft.body))),
		ContentLength: int64(len(ft.body)), Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
}

// FuzzProblemDecoder feeds the console's client fuzzed error answers: it
// never panics, every 4xx/5xx becomes a *client.Error with that status, and
// its retry delay is never negative.
func FuzzProblemDecoder(f *testing.F) {
	f.Add(uint16(401), uint8(0), "", []byte(`{"type":"x","title":"Unauthorized","status":401,"code":"invalid_code","attempts_left":3}`))
	f.Add(uint16(429), uint8(0), "30", []byte(`{"status":429,"code":"too_many_attempts","retry_after":-5}`))
	f.Add(uint16(429), uint8(1), "Wed, 21 Oct 2015 07:28:00 GMT", []byte(`{"code":"too_many_attempts"}`))
	f.Add(uint16(503), uint8(2), "-1", []byte("<html>busy</html>\nsecond line"))
	f.Add(uint16(400), uint8(0), "", []byte(`{"code":`))
	f.Add(uint16(418), uint8(1), "", []byte(`{"code":"x","attempts_left":null,"methods":[{"id":1}]}`))
	f.Add(uint16(200), uint8(0), "", []byte(`{"state":"authenticated"}`))
	ctypes := []string{api.ProblemContentType, "application/json", "text/plain", ""}
	f.Fuzz(func(t *testing.T, status uint16, ctype uint8, retry string, body []byte) {
		st := 200 + int(status)%400
		if strings.ContainsAny(retry, "\r\n\x00") {
			retry = ""
		}
		ft := fakeTransport{status: st, ctype: ctypes[int(ctype)%len(ctypes)], retry: retry, body: body}
		c, err := client.New("http://127.0.0.1:1", client.WithHTTPClient(&http.Client{Transport: ft}), client.WithRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Login(context.Background(), "bob", "x")
		if st < 400 {
			return // a 2xx/3xx body is decoded or refused; not panicking is the point
		}
		e, ok := client.AsError(err)
		if !ok || e.Status != st || e.Error() == "" || e.RetryAfter < 0 {
			t.Fatalf("HTTP %d %q %q: %#v (%v)", st, ft.ctype, body, e, err)
		}
	})
}

// FuzzPhoneParseURI: the virtual phone's otpauth parser never panics, keeps
// its promises on what it accepts, and never repeats the secret in an error.
func FuzzPhoneParseURI(f *testing.F) {
	for _, a := range server.DemoAccounts() {
		if a.OTPAuthURI != "" {
			f.Add(a.OTPAuthURI)
		}
	}
	for _, s := range []string{
		"otpauth://totp/Remote%20Support:bob?secret=JBSWY3DPEHPK3PXP&issuer=Remote%20Support&push_url=http://127.0.0.1:8080/api/v1/device/register&push_token=abc",
		"otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP", "otpauth://totp/?secret=JBSWY3DPEHPK3PXP", "otpauth://totp/a:b?issuer=c&secret=JBSWY3DPEHPK3PXP",
		"otpauth://totp/a?secret=JBSW", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=7", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=0",
		"otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&push_url=javascript:alert(1)&push_token=x", "otpauth://totp/a?secret=%ZZ", "http://x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := phone.ParseURI(raw)
		if err != nil {
			if !errors.Is(err, phone.ErrBadURI) {
				t.Fatalf("%q: %v does not wrap ErrBadURI", raw, err)
			}
			if pu, perr := url.Parse(strings.TrimSpace(raw)); perr == nil {
				sec := pu.Query().Get("secret")
				rest := strings.Replace(raw, sec, "", 1)
				if len(sec) >= 8 && strings.Contains(err.Error(), sec) && !strings.Contains(rest, sec) {
					t.Fatalf("error repeats the secret: %v", err)
				}
			}
			return
		}
		key, kerr := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(u.Secret)
		switch {
		case kerr != nil || len(key) < 10:
			t.Fatalf("%q: accepted a bad secret", raw)
		case u.Digits != 6 && u.Digits != 8, u.Period < 10 || u.Period > 300, u.Account == "":
			t.Fatalf("%q: accepted %+v", raw, u)
		case (u.PushURL == "") != (u.PushToken == ""):
			t.Fatalf("%q: push_url without push_token", raw)
		}
		if u.PushURL != "" {
			if pu, err := url.Parse(u.PushURL); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
				t.Fatalf("%q: push_url %q is not an http(s) URL", raw, u.PushURL)
			}
		}
	})
}
