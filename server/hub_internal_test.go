package server

import "testing"

func TestHubWakesAndForgets(t *testing.T) {
	h := newHub()
	a, releaseA := h.subscribe("k")
	b, releaseB := h.subscribe("k")
	other, releaseOther := h.subscribe("other")
	h.publish("k")
	for name, ch := range map[string]<-chan struct{}{"a": a, "b": b} {
		select {
		case <-ch:
		default:
			t.Errorf("subscriber %s not woken", name)
		}
	}
	select {
	case <-other:
		t.Errorf("a subscriber of another key was woken")
	default:
	}
	releaseA()
	releaseB()
	releaseB() // twice is harmless
	// A new subscription after publish waits for the next one.
	c, releaseC := h.subscribe("k")
	select {
	case <-c:
		t.Errorf("new subscriber woken by an old publish")
	default:
	}
	releaseC()
	releaseOther()
	if n := h.size(); n != 0 {
		t.Errorf("%d keys left after every subscriber released", n)
	}
}
