package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// DefaultShutdownTimeout is how long a stopping server lets requests in
// flight finish: a sign-in waits at most 2 s for a hashing slot, and the
// long-polls answer at once.
const DefaultShutdownTimeout = 10 * time.Second

// shutdown stops hs gracefully: no new connections, open long-polls answered
// at once with their current status (the clients poll again, elsewhere or
// after the restart), requests in flight given until the deadline.
func (s *Server) shutdown(hs *http.Server, errc <-chan error) error {
	timeout := s.cfg.ShutdownTimeout
	if timeout <= 0 {
		timeout = DefaultShutdownTimeout
	}
	start := time.Now()
	s.log.Info("shutting down", "in_flight", s.inFlight.Load(), "deadline", timeout)
	s.hub.drain()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		s.log.Warn("shutdown deadline passed; closing the requests still running", "in_flight", s.inFlight.Load())
		hs.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	s.log.Info("stopped serving", "took", time.Since(start).Round(time.Millisecond))
	return nil
}
