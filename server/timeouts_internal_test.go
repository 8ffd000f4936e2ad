package server

import (
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// TestServerTimeoutsOutlastTheLongestWait: docs/DESIGN.md section 5 — a long-poll may
// hold its answer for api.MaxWait seconds; a write or idle timeout shorter
// than that would cut the console off mid-wait and look like a network error.
func TestServerTimeoutsOutlastTheLongestWait(t *testing.T) {
	longest := api.MaxWait * time.Second
	for _, tt := range []struct {
		name string
		d    time.Duration
	}{
		{"write timeout", writeTimeout},
		{"read timeout", readTimeout},
		{"idle timeout", idleTimeout},
	} {
		if tt.d <= longest+5*time.Second {
			t.Errorf("%s %v does not outlast the longest long-poll (%v) with room to answer", tt.name, tt.d, longest)
		}
	}
	if readHeaderTimeout <= 0 || readHeaderTimeout > readTimeout {
		t.Errorf("read-header timeout %v must be set and within the read timeout %v (slow clients)", readHeaderTimeout, readTimeout)
	}
}
