package server

// Exported for the benchmarks of package server_test: the very hash a
// sign-in verifies, at the server's parameters.
var (
	VerifyPassword   = verifyPassword
	DemoPasswordHash = demoPasswordHash
)

// LongPollsAsleep is the number of long-polls (the console's on a push, the
// phone's on its notifications) waiting to be woken: tests wait for it
// instead of sleeping, so that the wake-up path is the one under test.
func (s *Server) LongPollsAsleep() int { return s.hub.sleeping() }
