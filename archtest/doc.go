// Package archtest holds the test that keeps the layers pointing one way:
// screens → app → client → api ← server. It has no code of its own.
package archtest
