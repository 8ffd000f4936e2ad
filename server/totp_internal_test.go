package server

import (
	"bytes"
	"context"
	"encoding/base32"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/sqlite"
)

// rfc6238 are the SHA1 vectors of RFC 6238 Appendix B (8 digits; a 6-digit
// code is the same value mod 10^6).
var rfc6238 = []struct {
	unix int64
	code string
}{
	{59, "94287082"},
	{1111111109, "07081804"},
	{1111111111, "14050471"},
	{1234567890, "89005924"},
	{2000000000, "69279037"},
	{20000000000, "65353130"},
}

var rfcSecret = base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))

func TestMatchTOTPAgainstRFC6238(t *testing.T) {
	for _, v := range rfc6238 {
		code6 := v.code[2:]
		at := time.Unix(v.unix, 0)
		step, ok := matchTOTP(rfcSecret, code6, at)
		if !ok || step != v.unix/30 {
			t.Errorf("t=%d: matchTOTP(%s) = %d, %v; want step %d", v.unix, code6, step, ok, v.unix/30)
		}
		// One step either side is accepted, two are not.
		if _, ok := matchTOTP(rfcSecret, code6, at.Add(30*time.Second)); !ok {
			t.Errorf("t=%d: refused one step later", v.unix)
		}
		if _, ok := matchTOTP(rfcSecret, code6, at.Add(60*time.Second)); ok {
			t.Errorf("t=%d: accepted two steps later", v.unix)
		}
		if _, ok := matchTOTP(rfcSecret, code6[:5]+string('0'+(code6[5]-'0'+1)%10), at); ok {
			t.Errorf("t=%d: accepted a wrong code", v.unix)
		}
	}
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// openTest opens a demo server on a real SQLite file behind a real
// 127.0.0.1 listener.
func openTest(t *testing.T, clock *testClock) (*Server, *httptest.Server) {
	t.Helper()
	s, err := Open(context.Background(), Config{Engine: sqlite.Engine{}, DBPath: filepath.Join(t.TempDir(), "auth.db"), Demo: true, Dev: true,
		AdminPassword: "Internal-Admin-2026", Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { hs.Close(); s.Close() })
	return s, hs
}

func post(t *testing.T, url, bearer string, body, out any) int {
	t.Helper()
	js, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(js))
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

// TestServerAcceptsRFC6238Codes: a member whose authenticator holds the RFC
// secret signs in through HTTP with the RFC's codes at the RFC's times.
func TestServerAcceptsRFC6238Codes(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	s, hs := openTest(t, clock)
	ctx := context.Background()
	err := s.store.Write(ctx, func(tx store.Tx) error {
		bob, err := tx.MemberByUsername("bob")
		if err != nil {
			return err
		}
		factors, err := tx.Factors(bob.ID)
		if err != nil {
			return err
		}
		for _, f := range factors {
			if f.Method == api.MethodAuthenticatorApp {
				if f.Secret, err = s.seal.seal([]byte(rfcSecret), f.ID); err != nil {
					return err
				}
				return tx.UpdateFactor(f)
			}
		}
		t.Fatal("bob has no authenticator")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range rfc6238 {
		clock.Set(time.Unix(v.unix, 0))
		var r api.AuthResponse
		if st := post(t, hs.URL+api.PathLogin, "", api.LoginRequest{Username: "bob", Password: DemoPassword}, &r); st != 200 || r.State != api.StateMFARequired {
			t.Fatalf("t=%d: login %d %+v", v.unix, st, r)
		}
		var ch api.Challenge
		if st := post(t, hs.URL+api.PathChallenges, r.MFAToken, api.ChallengeRequest{Method: api.MethodAuthenticatorApp}, &ch); st != 201 {
			t.Fatalf("t=%d: challenge %d", v.unix, st)
		}
		var out api.AuthResponse
		if st := post(t, hs.URL+api.PathChallengeVerify(ch.ChallengeID), r.MFAToken, api.VerifyRequest{Code: v.code[2:]}, &out); st != 200 || out.State != api.StateAuthenticated {
			t.Errorf("t=%d: verify %s: HTTP %d %+v", v.unix, v.code[2:], st, out)
		}
	}
}

// TestBusyWhenHashingIsSaturated: with every hashing slot taken, sign-in
// waits briefly and answers 503 busy with Retry-After.
func TestBusyWhenHashingIsSaturated(t *testing.T) {
	clock := &testClock{t: time.Now()}
	s, hs := openTest(t, clock)
	s.hash = &hasher{slots: make(chan struct{}, 1), dummy: demoPasswordHash, wait: 50 * time.Millisecond, observe: s.metrics.hashSlot}
	s.hash.slots <- struct{}{}
	js, _ := json.Marshal(api.LoginRequest{Username: "grace", Password: DemoPassword})
	resp, err := http.Post(hs.URL+api.PathLogin, "application/json", bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p api.Problem
	json.NewDecoder(resp.Body).Decode(&p)
	if resp.StatusCode != 503 || p.Code != api.CodeBusy || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("HTTP %d %+v Retry-After %q; want 503 busy", resp.StatusCode, p, resp.Header.Get("Retry-After"))
	}
	if got := counterValue(t, s.metrics.hashBusy); got != 1 {
		t.Errorf("busy answers counted: %v, want 1", got)
	}
	<-s.hash.slots
	resp2, err := http.Post(hs.URL+api.PathLogin, "application/json", bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != 200 {
		t.Fatalf("after the slot freed: HTTP %d", resp2.StatusCode)
	}
}

func TestDemoPasswordHashMatches(t *testing.T) {
	ok, err := verifyPassword(demoPasswordHash, DemoPassword)
	if err != nil || !ok {
		t.Fatalf("demoPasswordHash does not match DemoPassword: %v", err)
	}
	h, err := hashPassword("another one")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := verifyPassword(h, "another one!"); ok {
		t.Fatal("a wrong password verified")
	}
}

func TestSealedSecretsAreBoundToTheirFactor(t *testing.T) {
	s, err := newSealer(bytes.Repeat([]byte{7}, keySize))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := s.seal([]byte("SECRET"), "fac_a")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.open(sealed, "fac_a"); err != nil || string(got) != "SECRET" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := s.open(sealed, "fac_b"); err == nil {
		t.Fatal("a sealed secret opened under another factor id")
	}
}

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
