//go:build !unix

package server_test

import "time"

// processCPU is not measured here; the CPU-time figures read 0.
func processCPU() time.Duration { return 0 }
