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

// With a relay (other replicas), publish hands the keys on as well as waking
// here; what arrives from the relay (receive) wakes here only; wakeAll wakes
// everyone without stopping later waits.
func TestHubRelaysAndReceives(t *testing.T) {
	h := newHub()
	var relayed [][]string
	h.relay = func(keys []string) { relayed = append(relayed, keys) }
	a, releaseA := h.subscribe("a")
	defer releaseA()
	h.publish("a", "b")
	if len(relayed) != 1 || len(relayed[0]) != 2 {
		t.Fatalf("relayed %v, want one publish of a and b", relayed)
	}
	select {
	case <-a:
	default:
		t.Fatal("publish did not wake here")
	}
	b, releaseB := h.subscribe("b")
	defer releaseB()
	h.receive("b")
	select {
	case <-b:
	default:
		t.Fatal("a received key did not wake its waiter")
	}
	if len(relayed) != 1 {
		t.Fatalf("a received key was relayed again: %v", relayed)
	}
	c, releaseC := h.subscribe("c")
	defer releaseC()
	h.wakeAll()
	select {
	case <-c:
	default:
		t.Fatal("wakeAll left a waiter asleep")
	}
	if d, releaseD := h.subscribe("d"); h.stopping() {
		t.Fatal("wakeAll stopped later waits")
	} else {
		select {
		case <-d:
			t.Fatal("a wait after wakeAll ended at once")
		default:
		}
		releaseD()
	}
}
