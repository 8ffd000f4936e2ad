package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"

	"github.com/remotesupport/techconsole/server/store"
)

// wakeChannel is the LISTEN/NOTIFY channel on which replicas tell one
// another that something long-polls wait on has changed. A notification
// carries the waiters' topics only (ids, no secret); the waiters read the
// database, which stays the source of truth.
const wakeChannel = "authserver_wake"

// reconnectDelay is how long the listener waits before connecting again
// after losing its connection.
const reconnectDelay = 500 * time.Millisecond

// Wake tells every replica listening on this database (this one included)
// to wake the waiters of topics.
func (s *Store) Wake(ctx context.Context, topics ...string) error {
	if len(topics) == 0 {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, wakeChannel, strings.Join(topics, "\n")); err != nil {
		return fmt.Errorf("notify replicas: %w", err)
	}
	return nil
}

// ListenWake listens for wake-ups on a connection of its own until ctx ends.
func (s *Store) ListenWake(ctx context.Context, h store.WakeHandlers) error {
	cfg := s.ConnConfig()
	l := &pgxlisten.Listener{
		Connect: func(ctx context.Context) (*pgx.Conn, error) {
			conn, err := pgx.ConnectConfig(ctx, cfg)
			if err != nil {
				return nil, fmt.Errorf("listener connection: %w", errorWithoutDSN(err))
			}
			return conn, nil
		},
		LogError: func(_ context.Context, err error) {
			if h.Error != nil && ctx.Err() == nil {
				h.Error(err)
			}
		},
		ReconnectDelay: reconnectDelay,
	}
	l.Handle(wakeChannel, wakeHandler(h))
	return l.Listen(ctx)
}

// wakeHandler relays notifications; its backlog (called after each LISTEN)
// wakes everyone.
type wakeHandler store.WakeHandlers

func (h wakeHandler) HandleNotification(_ context.Context, n *pgconn.Notification, _ *pgx.Conn) error {
	if h.Wake != nil && n.Payload != "" {
		h.Wake(strings.Split(n.Payload, "\n")...)
	}
	return nil
}

func (h wakeHandler) HandleBacklog(context.Context, string, *pgx.Conn) error {
	if h.WakeAll != nil {
		h.WakeAll()
	}
	return nil
}
