package server_test

import (
	"testing"
	"time"

	"github.com/remotesupport/techconsole/server/servertest"
)

// waitAsleep returns once n long-polls of the server are asleep, waiting to
// be woken; what the test does next must then reach them through the
// wake-up, not through their first read.
func (c *tc) waitAsleep(t testing.TB, n int) {
	t.Helper()
	waitAsleep(t, c.inst, n)
}

func waitAsleep(t testing.TB, inst *servertest.Instance, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for inst.Server.LongPollsAsleep() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d long-polls asleep after 10 s, want %d", inst.Server.LongPollsAsleep(), n)
		}
		time.Sleep(100 * time.Microsecond)
	}
}
