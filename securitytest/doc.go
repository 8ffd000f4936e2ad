// Package securitytest is the attack, load and fault suite of issue 8. It
// drives a real reference auth server on 127.0.0.1 through HTTP only, with a
// small raw HTTP/JSON helper (Peer) rather than the console's client, so that
// every request an attacker could send can be sent.
//
// `make test` runs the structural checks (bypass, throttling, replay, races,
// push fatigue, enumeration answers, leaks, bad input with the fuzz seeds,
// slow clients, kill -9 faults). The statistical and long checks (enumeration
// timing, load, push-approval latency, the 24-hour brute-force budget) carry
// the build tag `soak` and run with `make soak`, which writes its figures to
// the file named by SOAK_OUT.
package securitytest
