package app

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/zalando/go-keyring"
)

// TestOSKeychainRoundTrip proves that the OS keychain (the Secret Service under
// `make test`) really stores, returns and deletes a secret. It fails, rather
// than skips, when no keychain is reachable: the console's "Keep me signed in"
// depends on it and CI provides one.
func TestOSKeychainRoundTrip(t *testing.T) {
	service := fmt.Sprintf("techconsole-test-%d", os.Getpid())
	const user, secret = "keychain-smoke", "not-a-real-token-1234"

	if err := keyring.Set(service, user, secret); err != nil {
		t.Fatalf("keyring.Set: %v (is a Secret Service running? run the tests through `make test`)", err)
	}
	t.Cleanup(func() { _ = keyring.Delete(service, user) })

	got, err := keyring.Get(service, user)
	if err != nil {
		t.Fatalf("keyring.Get: %v", err)
	}
	if got != secret {
		t.Fatalf("keyring.Get returned a different secret (%d bytes, want %d)", len(got), len(secret))
	}
	if err := keyring.Delete(service, user); err != nil {
		t.Fatalf("keyring.Delete: %v", err)
	}
	if _, err := keyring.Get(service, user); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("after Delete, keyring.Get error = %v, want ErrNotFound", err)
	}
}
