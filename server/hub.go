package server

import (
	"context"
	"sync"
	"time"
)

// hub wakes long-polls in this process when something they wait on changes.
// It carries no state of its own: a woken waiter reads the database, which
// stays the source of truth (a missed wake-up only delays an answer until the
// poll's wait ends). With replicas, relay carries each publish to the others
// (PostgreSQL LISTEN/NOTIFY: replicas.go), which receive it.
type hub struct {
	mu      sync.Mutex
	topics  map[string]*topic
	drained bool // the server is stopping: every wait ends at once
	asleep  int  // long-polls in sleep now (tests wait on it, not on the clock)
	// relay, when set, sends published keys to the other replicas; set
	// before the server serves, never changed after.
	relay func(keys []string)
}

type topic struct {
	ch chan struct{}
	n  int // subscribers still holding ch
}

func newHub() *hub { return &hub{topics: map[string]*topic{}} }

// subscribe returns a channel closed at the next publish of key, and a
// release func the subscriber calls when it stops waiting. Subscribe before
// reading the state, so that a change between the read and the wait is not
// missed.
func (h *hub) subscribe(key string) (<-chan struct{}, func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.drained {
		return closedChan, func() {}
	}
	t := h.topics[key]
	if t == nil {
		t = &topic{ch: make(chan struct{})}
		h.topics[key] = t
	}
	t.n++
	var once sync.Once
	return t.ch, func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			t.n--
			if t.n == 0 && h.topics[key] == t {
				delete(h.topics, key)
			}
		})
	}
}

// publish wakes every subscriber of each key, here and on the other replicas.
func (h *hub) publish(keys ...string) {
	h.receive(keys...)
	if h.relay != nil {
		h.relay(keys)
	}
}

// receive wakes every subscriber of each key in this process.
func (h *hub) receive(keys ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, key := range keys {
		if t := h.topics[key]; t != nil {
			close(t.ch)
			delete(h.topics, key)
		}
	}
}

// wakeAll wakes every waiter (each reads the database again): wake-ups from
// other replicas may have been missed while the relay was reconnecting.
func (h *hub) wakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for key, t := range h.topics {
		close(t.ch)
		delete(h.topics, key)
	}
}

// drain wakes every waiter and makes later waits end at once: the server is
// stopping, and long-polls answer their current status so that clients poll
// again instead of getting a cut connection.
func (h *hub) drain() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.drained = true
	for key, t := range h.topics {
		close(t.ch)
		delete(h.topics, key)
	}
}

// stopping reports whether drain was called.
func (h *hub) stopping() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.drained
}

var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// sleep is a long-poll's wait: until woken is closed, d has passed or ctx
// ends, whichever comes first.
func (h *hub) sleep(ctx context.Context, woken <-chan struct{}, d time.Duration) {
	h.mu.Lock()
	h.asleep++
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.asleep--
		h.mu.Unlock()
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-woken:
	case <-timer.C:
	case <-ctx.Done():
	}
}

// size is the number of keys with waiters (for tests).
func (h *hub) size() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.topics)
}

// LongPollsAsleep is the number of long-polls (the console's on a push, the
// phone's on its notifications) asleep now, waiting to be woken. Tests wait
// for it instead of sleeping, so that the wake-up is what they test.
func (s *Server) LongPollsAsleep() int {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.hub.asleep
}

func challengeKey(id string) string    { return "challenge:" + id }
func deviceKey(factorID string) string { return "factor:" + factorID }
