package server

// Exported for the benchmarks of package server_test: the very hash a
// sign-in verifies, at the server's parameters.
var (
	DemoPasswordHash = demoPasswordHash
	// MemberCursor is the ?after= of a members page ending at a username.
	MemberCursor = memberCursor
)
