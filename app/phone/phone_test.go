package phone_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/remotesupport/techconsole/app"
	"github.com/remotesupport/techconsole/app/phone"
)

func TestParseURI(t *testing.T) {
	good := "otpauth://totp/Remote%20Support:alice?secret=N7AJPFDMD6SEUAAFVGVK7KCAFKCBGJQS&issuer=Remote+Support&algorithm=SHA1&digits=6&period=30" +
		"&push_url=http%3A%2F%2F127.0.0.1%3A8080%2Fapi%2Fv1%2Fdevice%2Fregister&push_token=tok123"
	u, err := phone.ParseURI(good)
	if err != nil {
		t.Fatal(err)
	}
	if u.Label() != "Remote Support:alice" || u.Digits != 6 || u.Period != 30 || u.Algorithm != "SHA1" ||
		u.PushToken != "tok123" || u.ServerURL() != "http://127.0.0.1:8080" {
		t.Fatalf("parsed %+v", u)
	}
	plain, err := phone.ParseURI("otpauth://totp/bob?secret=upmove2r3dmuspx7n3p4libu5ljl5hfv")
	if err != nil || plain.Issuer != "" || plain.Account != "bob" || plain.Secret != "UPMOVE2R3DMUSPX7N3P4LIBU5LJL5HFV" || plain.ServerURL() != "" {
		t.Fatalf("plain: %+v %v", plain, err)
	}
	for _, tc := range []struct{ uri, says string }{
		{"https://example.com", "otpauth://"},
		{"otpauth://hotp/x?secret=N7AJPFDMD6SEUAAF", "time-based"},
		{"otpauth://totp/Remote:alice?issuer=Remote", "secret is missing"},
		{"otpauth://totp/Remote:alice?secret=not*base32", "base32"},
		{"otpauth://totp/Remote:alice?secret=N7AJ", "too short"},
		{"otpauth://totp/?secret=N7AJPFDMD6SEUAAFVGVK7KCA", "account name"},
		{"otpauth://totp/A:alice?secret=N7AJPFDMD6SEUAAFVGVK7KCA&issuer=B", "differ"},
		{"otpauth://totp/A:alice?secret=N7AJPFDMD6SEUAAFVGVK7KCA&digits=7", "digits"},
		{"otpauth://totp/A:alice?secret=N7AJPFDMD6SEUAAFVGVK7KCA&algorithm=MD5", "algorithm"},
		{"otpauth://totp/A:alice?secret=N7AJPFDMD6SEUAAFVGVK7KCA&push_token=x", "together"},
		{"otpauth://totp/A:alice?secret=N7AJPFDMD6SEUAAFVGVK7KCA&push_url=ftp://h/x&push_token=x", "http(s)"},
	} {
		_, err := phone.ParseURI(tc.uri)
		if !errors.Is(err, phone.ErrBadURI) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want %q", tc.uri, err, tc.says)
		}
		if err != nil && strings.Contains(err.Error(), "N7AJPFDMD6SEUAAF") {
			t.Errorf("error repeats the secret: %v", err)
		}
	}
}

// TestCodesKnownAnswer checks codes against RFC 6238 Appendix B (SHA1, 8 digits).
func TestCodesKnownAnswer(t *testing.T) {
	ctx := context.Background()
	at := time.Unix(1111111109, 0)
	kc := &app.MemoryKeychain{}
	path := filepath.Join(t.TempDir(), "phone.json")
	p, err := phone.Open(path, kc, phone.WithClock(func() time.Time { return at }))
	if err != nil {
		t.Fatal(err)
	}
	// base32("12345678901234567890")
	if _, err := p.Pair(ctx, "otpauth://totp/RFC:6238?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&issuer=RFC"); err != nil {
		t.Fatal(err)
	}
	c, err := p.Code(ctx, "6238")
	if err != nil || c.Code != "07081804" || c.Remaining != 1*time.Second {
		t.Fatalf("code %+v, %v; want 07081804 with 1s left", c, err)
	}
	// The account list is on disk without the secret; a new phone reads it.
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), "GEZDGNBV") || !strings.Contains(string(b), "RFC:6238") {
		t.Fatalf("accounts file: %s", b)
	}
	p2, _ := phone.Open(path, kc, phone.WithClock(func() time.Time { return at }))
	if c2, err := p2.Code(ctx, "RFC:6238"); err != nil || c2.Code != c.Code {
		t.Fatalf("reopened: %+v %v", c2, err)
	}
	if _, err := p2.Pending(ctx, "6238", 0); err == nil || !strings.Contains(err.Error(), "not registered") {
		t.Fatalf("pending on a plain account: %v", err)
	}
	if err := p2.Remove(ctx, "6238"); err != nil {
		t.Fatal(err)
	}
	if _, err := p2.Code(ctx, "6238"); !errors.Is(err, phone.ErrNoAccount) {
		t.Fatalf("after remove: %v", err)
	}
	if _, err := kc.Get(ctx, phone.KeychainService, "RFC:6238/totp"); !errors.Is(err, app.ErrNoEntry) {
		t.Fatalf("secret left in the keychain: %v", err)
	}
}

func TestCodeMatchesAuthenticatorLibrary(t *testing.T) {
	ctx := context.Background()
	p, _ := phone.Open(filepath.Join(t.TempDir(), "p.json"), &app.MemoryKeychain{})
	if _, err := p.Pair(ctx, "otpauth://totp/Remote%20Support:bob?secret=UPMOVE2R3DMUSPX7N3P4LIBU5LJL5HFV&issuer=Remote%20Support"); err != nil {
		t.Fatal(err)
	}
	c, err := p.Code(ctx, "bob")
	want, _ := totp.GenerateCode("UPMOVE2R3DMUSPX7N3P4LIBU5LJL5HFV", time.Now())
	if err != nil || (c.Code != want && c.Remaining > time.Second) {
		t.Fatalf("code %q, want %q (%v)", c.Code, want, err)
	}
}

// TestTwoPhoneFilesKeepTheirOwnSecrets: two phone files pairing the same
// account (the same label from two servers) in the same OS keychain each
// keep their own secret; removing one leaves the other's; an account paired
// again on the same phone keeps its entries.
func TestTwoPhoneFilesKeepTheirOwnSecrets(t *testing.T) {
	kc := app.OSKeychain{Timeout: 3 * time.Second}
	if err := kc.Set(context.Background(), "TechnicianConsole test probe", "probe-"+t.Name(), "x"); err != nil {
		if os.Getenv("TECHCONSOLE_REQUIRE_KEYCHAIN") != "" || os.Getenv("CI") != "" {
			t.Fatalf("OS keychain unavailable: %v", err)
		}
		t.Skipf("no Secret Service (run the tests through scripts/test-env.sh): %v", err)
	}
	kc.Delete(context.Background(), "TechnicianConsole test probe", "probe-"+t.Name())
	const label = "Shared Test Org:" + "two-files"
	uri := func(secret string) string {
		return "otpauth://totp/Shared%20Test%20Org:two-files?issuer=Shared+Test+Org&secret=" + secret
	}
	secrets := []string{"N7AJPFDMD6SEUAAFVGVK7KCAFKCBGJQS", "UPMOVE2R3DMUSPX7N3P4LIBU5LJL5HFV"}
	ctx := context.Background()
	phones := make([]*phone.Phone, 2)
	for i, secret := range secrets {
		p, err := phone.Open(filepath.Join(t.TempDir(), "phone.json"), kc)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Pair(ctx, uri(secret)); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Remove(ctx, label) })
		phones[i] = p
	}
	check := func(i int) {
		t.Helper()
		got, err := phones[i].Code(ctx, label)
		if err != nil {
			t.Fatalf("phone %d: %v", i, err)
		}
		want, _ := totp.GenerateCode(secrets[i], time.Now())
		if want2, _ := totp.GenerateCode(secrets[i], time.Now().Add(-2*time.Second)); got.Code != want && got.Code != want2 {
			t.Errorf("phone %d shows %s, want the code of its own secret (%s)", i, got.Code, want)
		}
	}
	check(0)
	check(1)
	key := phones[0].Accounts()[0].Entry("totp")
	if _, err := phones[0].Pair(ctx, uri(secrets[0])); err != nil {
		t.Fatal(err)
	}
	if again := phones[0].Accounts()[0].Entry("totp"); again != key {
		t.Errorf("pairing again renamed the entry: %q, then %q", key, again)
	}
	if err := phones[1].Remove(ctx, label); err != nil {
		t.Fatal(err)
	}
	check(0)
}
