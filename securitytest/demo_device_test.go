package securitytest

import (
	"net/http"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

// oldDemoDevice is the demo phone's device token as it once stood in the
// source, the same on every server: it must open nothing.
const oldDemoDevice = "7wBIPYuGb3V6l4HH7sJoys9wcAbJVVH6FTqF7qWYVOs"

// TestDemoDeviceTokenMadeAtSeeding: the demo phone's device token is made at
// random when a demo database is seeded, so two demo servers do not share
// it, one server's token opens nothing on the other, the token once written
// in the source opens nothing anywhere, and the token keeps working after a
// restart (which does not seed again).
func TestDemoDeviceTokenMadeAtSeeding(t *testing.T) {
	one, two := Start(t), Start(t)
	tok1, tok2 := one.Inst.Demo(t, "alice").DeviceToken, two.Inst.Demo(t, "alice").DeviceToken
	if len(tok1) < 43 || len(tok2) < 43 || tok1 == tok2 {
		t.Fatalf("demo device tokens of two fresh databases: %d and %d chars, equal: %t; want two different 256-bit tokens", len(tok1), len(tok2), tok1 == tok2)
	}
	pending := api.PathDeviceNotification + "?wait=0"
	one.OK(t, "GET", pending, tok1, nil, http.StatusOK, nil)
	two.OK(t, "GET", pending, tok2, nil, http.StatusOK, nil)
	one.Fail(t, "GET", pending, tok2, nil, http.StatusUnauthorized, api.CodeInvalidToken)
	for _, r := range []*Rig{one, two} {
		r.Fail(t, "GET", pending, oldDemoDevice, nil, http.StatusUnauthorized, api.CodeInvalidToken)
	}

	one.Inst.Restart(t)
	if one.Inst.Server.SeededDemo() != nil {
		t.Fatal("a restart on a seeded database seeded again")
	}
	(&Peer{Base: one.Inst.URL}).OK(t, "GET", pending, tok1, nil, http.StatusOK, nil)
}
