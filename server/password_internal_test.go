package server

import (
	"context"
	"testing"
)

// TestHasherKeepsOneBufferPerSlot: hashes reuse the work buffer, verify
// right and wrong passwords alike in it, and ReleaseHashMemory lets the
// idle buffers go without breaking the next hash.
func TestHasherKeepsOneBufferPerSlot(t *testing.T) {
	ctx := context.Background()
	h := newHasher()
	encoded, err := h.Hash(ctx, "Right-Pass-2026")
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range []struct {
		password string
		want     bool
	}{{"Right-Pass-2026", true}, {"Wrong-Pass-2026", false}, {"Right-Pass-2026", true}} {
		ok, err := h.Verify(ctx, encoded, tt.password)
		if err != nil || ok != tt.want {
			t.Errorf("verify %d: %t %v, want %t", i, ok, err, tt.want)
		}
		if n := len(h.bufs); n != 1 {
			t.Errorf("after hash %d: %d idle buffers, want 1", i, n)
		}
	}
	h.dropBuffers()
	if n := len(h.bufs); n != 0 {
		t.Errorf("%d idle buffers after dropBuffers", n)
	}
	if ok, err := h.Verify(ctx, encoded, "Right-Pass-2026"); err != nil || !ok {
		t.Errorf("verify after dropBuffers: %t %v", ok, err)
	}
}
