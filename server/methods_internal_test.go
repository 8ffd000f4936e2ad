package server

import (
	"errors"
	"net/http"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

// TestEveryMethodHasAVerifier: a kind of method the API names is one the
// server can challenge and confirm; anything else is unknown_method.
func TestEveryMethodHasAVerifier(t *testing.T) {
	s := &Server{}
	for _, m := range api.Methods {
		if v, err := s.verifierFor(m); err != nil || v == nil {
			t.Errorf("%s: no verifier (%v)", m, err)
		}
	}
	_, err := s.verifierFor("carrier_pigeon")
	var he *httpError
	if !errors.As(err, &he) || he.p.Status != http.StatusBadRequest || he.p.Code != api.CodeUnknownMethod {
		t.Errorf("an unknown method: %v, want 400 %s", err, api.CodeUnknownMethod)
	}
}

// TestCodeBudget: five wrong codes spend one code; the answers before say
// how many are left.
func TestCodeBudget(t *testing.T) {
	for _, tc := range []struct {
		used      int
		wantLeft  int
		wantSpent bool
	}{{1, 4, false}, {4, 1, false}, {5, 0, true}, {7, 0, true}} {
		he, spent := codeBudget(tc.used, "send a new one")
		if spent != tc.wantSpent {
			t.Errorf("used %d: spent = %v", tc.used, spent)
		}
		switch {
		case spent && (he.p.Status != http.StatusGone || he.p.Code != api.CodeChallengeFailed):
			t.Errorf("used %d: %d %s, want 410 %s", tc.used, he.p.Status, he.p.Code, api.CodeChallengeFailed)
		case !spent && (he.p.Status != http.StatusUnauthorized || he.p.AttemptsLeft == nil || *he.p.AttemptsLeft != tc.wantLeft):
			t.Errorf("used %d: %+v, want 401 with %d left", tc.used, he.p, tc.wantLeft)
		}
	}
}
