package store

import "context"

// Waker is a Store shared by several server replicas that carries wake-ups
// between them (PostgreSQL: LISTEN/NOTIFY). A wake-up names the topics of
// long-polls whose state changed; the woken read the database, which stays
// the source of truth.
type Waker interface {
	// Wake tells every replica listening (this one included) to wake the
	// waiters of topics.
	Wake(ctx context.Context, topics ...string) error
	// ListenWake receives wake-ups on a connection of its own until ctx
	// ends, reconnecting when the connection is lost.
	ListenWake(ctx context.Context, h WakeHandlers) error
}

// WakeHandlers is what ListenWake calls.
type WakeHandlers struct {
	// Wake wakes the waiters of topics (a wake-up arrived).
	Wake func(topics ...string)
	// WakeAll wakes every waiter: the listener has just started listening,
	// after the first connection or a reconnection, and wake-ups sent while
	// it was not may have been missed. Its first call also says "listening
	// now".
	WakeAll func()
	// Error reports a lost connection or a failed wake-up (the listener
	// keeps going).
	Error func(error)
}
