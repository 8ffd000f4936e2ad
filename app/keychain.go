package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// Keychain stores small secrets by service and user. The OS keychain
// (go-keyring) is the only place the console keeps a secret.
type Keychain interface {
	// Get returns ErrNoEntry when there is nothing stored.
	Get(ctx context.Context, service, user string) (string, error)
	Set(ctx context.Context, service, user, secret string) error
	// Delete succeeds when there is nothing to delete.
	Delete(ctx context.Context, service, user string) error
}

// ErrNoEntry means the keychain holds no such entry.
var ErrNoEntry = errors.New("no keychain entry")

// DefaultKeychainTimeout bounds every keychain call: a locked keyring can
// block for a long time, and the console must go on without it.
const DefaultKeychainTimeout = 5 * time.Second

// OSKeychain is the operating system's keychain (Secret Service on Linux,
// Keychain on macOS, Credential Manager on Windows).
type OSKeychain struct {
	// Timeout of one call; DefaultKeychainTimeout when zero.
	Timeout time.Duration
}

// Get reads an entry.
func (k OSKeychain) Get(ctx context.Context, service, user string) (string, error) {
	return keychainCall(ctx, k.Timeout, "read", func() (string, error) {
		s, err := keyring.Get(service, user)
		if errors.Is(err, keyring.ErrNotFound) {
			return "", ErrNoEntry
		}
		return s, err
	})
}

// Set writes an entry.
func (k OSKeychain) Set(ctx context.Context, service, user, secret string) error {
	return k.call(ctx, "write", func() error { return keyring.Set(service, user, secret) })
}

// Delete removes an entry.
func (k OSKeychain) Delete(ctx context.Context, service, user string) error {
	return k.call(ctx, "delete", func() error {
		if err := keyring.Delete(service, user); err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return err
		}
		return nil
	})
}

// call runs fn with a timeout (keychainCall).
func (k OSKeychain) call(ctx context.Context, op string, fn func() error) error {
	_, err := keychainCall(ctx, k.Timeout, op, func() (struct{}, error) { return struct{}{}, fn() })
	return err
}

// keychainCall runs fn with a timeout (DefaultKeychainTimeout when zero). A
// call that times out keeps running on its goroutine until the keychain
// answers; its result is dropped.
func keychainCall[T any](ctx context.Context, timeout time.Duration, op string, fn func() (T, error)) (T, error) {
	if timeout <= 0 {
		timeout = DefaultKeychainTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && !errors.Is(r.err, ErrNoEntry) {
			return r.v, fmt.Errorf("keychain %s: %s", op, oneLine(r.err.Error()))
		}
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, fmt.Errorf("keychain %s: no answer within %s (is the keyring locked?)", op, timeout)
	}
}

func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// MemoryKeychain keeps entries in memory (tests and screens without an OS keychain).
type MemoryKeychain struct {
	mu sync.Mutex
	m  map[string]string
	// Fail, when set, is returned by every call (to test a broken keychain).
	Fail error
}

func memKey(service, user string) string { return service + "\x00" + user }

// Get reads an entry.
func (k *MemoryKeychain) Get(_ context.Context, service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.Fail != nil {
		return "", k.Fail
	}
	s, ok := k.m[memKey(service, user)]
	if !ok {
		return "", ErrNoEntry
	}
	return s, nil
}

// Set writes an entry.
func (k *MemoryKeychain) Set(_ context.Context, service, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.Fail != nil {
		return k.Fail
	}
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[memKey(service, user)] = secret
	return nil
}

// Delete removes an entry.
func (k *MemoryKeychain) Delete(_ context.Context, service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.Fail != nil {
		return k.Fail
	}
	delete(k.m, memKey(service, user))
	return nil
}
