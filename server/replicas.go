package server

import (
	"context"
	"sync"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

// Replicas on one PostgreSQL database wake one another's long-polls through
// LISTEN/NOTIFY: each publish of the hub is also sent as a notification, and
// a listener on a connection of its own hands the notifications of every
// replica (its own included) to the local hub. The database stays the source
// of truth: a woken long-poll reads it, and a wake-up lost while the listener
// reconnects only delays an answer until the poll's wait ends (after each
// reconnection every waiter is woken to read again).

// relayListenWait bounds how long Open waits for the listener's first LISTEN.
const relayListenWait = 10 * time.Second

// relayNotifyTimeout bounds one notification's round trip.
const relayNotifyTimeout = 2 * time.Second

// startRelay connects the hub to the other replicas through pg, and returns
// once the listener is LISTENing (or relayListenWait has passed: wake-ups
// then start when it connects).
func (s *Server) startRelay(pg store.Waker) {
	s.hub.relay = func(keys []string) {
		ctx, cancel := context.WithTimeout(context.Background(), relayNotifyTimeout)
		defer cancel()
		if err := pg.Wake(ctx, keys...); err != nil {
			s.log.Warn("could not wake the other replicas' long-polls", "err", err)
		}
	}
	listening := make(chan struct{})
	var once sync.Once
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		pg.ListenWake(ctx, store.WakeHandlers{
			Wake: s.hub.receive,
			WakeAll: func() {
				s.hub.wakeAll()
				once.Do(func() { close(listening) })
			},
			Error: func(err error) { s.log.Warn("replica wake-ups: listener connection lost; reconnecting", "err", err) },
		})
	}()
	s.stopRelay = func() { stop(); <-done }
	select {
	case <-listening:
	case <-time.After(relayListenWait):
		s.log.Warn("replica wake-ups: not listening yet; long-polls fall back to their timeout until it does")
	}
}
