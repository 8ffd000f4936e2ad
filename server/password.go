package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/remotesupport/techconsole/internal/argon2"
)

// Argon2id parameters (OWASP Password Storage Cheat Sheet: m=19 MiB, t=2, p=1).
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// hashWait is how long a request waits for a free hashing slot before 503 busy.
const hashWait = 2 * time.Second

// errBusy means every hashing slot stayed taken for hashWait.
var errBusy = errors.New("password hashing is at capacity")

// hasher bounds concurrent argon2id runs by the CPU count: memory-hard hashes
// beyond that only queue in RAM. Each running hash works in a buffer kept
// from the hashes before (at most one per slot, made when first needed):
// a fresh 19 MiB per hash cost page faults, clearing and garbage collection,
// about a quarter of a sign-in's CPU beside the hash itself (BENCHMARKS.md).
type hasher struct {
	slots chan struct{}
	bufs  chan *argon2.Buffer
	// dummy is verified against for unknown usernames so they cost one hash too.
	dummy string
	wait  time.Duration // how long to wait for a slot before errBusy
	// observe, when set, hears how long each acquire waited and whether it
	// gave up (metrics).
	observe func(waited time.Duration, busy bool)
}

func newHasher() *hasher {
	n := runtime.NumCPU()
	return &hasher{slots: make(chan struct{}, n), bufs: make(chan *argon2.Buffer, n), dummy: demoPasswordHash, wait: hashWait}
}

func (h *hasher) acquire(ctx context.Context) error {
	start := time.Now()
	t := time.NewTimer(h.wait)
	defer t.Stop()
	select {
	case h.slots <- struct{}{}:
		h.report(start, false)
		return nil
	case <-t.C:
		h.report(start, true)
		return errBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *hasher) report(start time.Time, busy bool) {
	if h.observe != nil {
		h.observe(time.Since(start), busy)
	}
}

func (h *hasher) release() { <-h.slots }

// buffer lends a work buffer to the holder of a slot; there are never more
// buffers than slots.
func (h *hasher) buffer() *argon2.Buffer {
	select {
	case b := <-h.bufs:
		return b
	default:
		return argon2.NewBuffer(argonMemoryKiB, argonThreads)
	}
}

// dropBuffers lets go of the idle work buffers (ones in use are kept by
// their hash and given back after it).
func (h *hasher) dropBuffers() {
	for {
		select {
		case <-h.bufs:
		default:
			return
		}
	}
}

func (h *hasher) giveBack(b *argon2.Buffer) {
	select {
	case h.bufs <- b:
	default:
	}
}

// Hash returns the PHC string of password under fresh salt.
func (h *hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	buf := h.buffer()
	defer h.giveBack(buf)
	return hashPasswordIn(buf, password)
}

// Verify reports whether password matches the PHC string encoded. An empty
// encoded (unknown member) is checked against a dummy hash and always fails.
func (h *hasher) Verify(ctx context.Context, encoded, password string) (bool, error) {
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	buf := h.buffer()
	defer h.giveBack(buf)
	if encoded == "" {
		_, _ = verifyPasswordIn(buf, h.dummy, password)
		return false, nil
	}
	return verifyPasswordIn(buf, encoded, password)
}

// hashPassword hashes in memory of its own (start-up, tools).
func hashPassword(password string) (string, error) { return hashPasswordIn(nil, password) }

// verifyPassword verifies in memory of its own (tools, benchmarks).
func verifyPassword(encoded, password string) (bool, error) {
	return verifyPasswordIn(nil, encoded, password)
}

// hashPasswordIn hashes in buf (nil: fresh memory).
func hashPasswordIn(buf *argon2.Buffer, password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKeyBuffer(buf, []byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// verifyPasswordIn verifies in buf (nil: fresh memory); a stored hash
// asking for more memory than buf has gets fresh memory.
func verifyPasswordIn(buf *argon2.Buffer, encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("password hash: not an argon2id PHC string")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errors.New("password hash: unsupported version")
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, fmt.Errorf("password hash parameters: %w", err)
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("password hash salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("password hash key: %w", err)
	}
	if t < 1 || p < 1 {
		return false, errors.New("password hash parameters: t and p must be at least 1")
	}
	got := argon2.IDKeyBuffer(buf, []byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
