package securitytest

import (
	"net/http"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
)

// Look-alike usernames (WSTG-IDNT-04): usernames are compared in their
// PRECIS form (RFC 8265 UsernameCaseMapped: width and case mapped, Unicode
// normalised), so "Alice" and fullwidth "ａｌｉｃｅ" are alice; names PRECIS
// refuses (zero-width joiners, spaces, invisible characters) and names that
// mix scripts are refused; and a name whose confusable skeleton (Unicode
// TR39) is another member's is taken: "alıce" with a dotless i, "a1ice", and
// "расе" (all Cyrillic) next to "pace". Nobody can be given a name that
// passes for another member's.

// Look-alikes of alice.
const (
	fullwidthAlice = "ａｌｉｃｅ"
	dotlessAlice   = "alıce"       // U+0131 LATIN SMALL LETTER DOTLESS I
	cyrillicAlice  = "\u0430lice"  // U+0430 CYRILLIC SMALL LETTER A, then Latin
	joinedAlice    = "ali\u200dce" // ZERO WIDTH JOINER
	nonJoinerAlice = "ali\u200cce" // ZERO WIDTH NON-JOINER
	spaceAlice     = "ali\u00a0ce" // NO-BREAK SPACE
	hyphenAlice    = "ali\u00adce" // SOFT HYPHEN (invisible)
)

func TestLookAlikeUsernamesRefused(t *testing.T) {
	r := Start(t)
	admin := r.Admin(t)
	state := r.Snapshot(t)
	group := state.Groups[0].ID
	password := "Lookalike-Pass-2026"
	create := func(name string) Resp {
		return r.Do(t, "POST", api.PathAdminMembers, admin, api.MemberRequest{Username: &name, Password: &password, GroupID: &group})
	}
	for _, c := range []struct {
		name, username string
		status         int
		code           string
	}{
		{"other case", "Alice", http.StatusConflict, api.CodeConflict},
		{"upper case", "ALICE", http.StatusConflict, api.CodeConflict},
		{"fullwidth", fullwidthAlice, http.StatusConflict, api.CodeConflict},
		{"fullwidth upper case", "ＡＬＩＣＥ", http.StatusConflict, api.CodeConflict},
		{"dotless i", dotlessAlice, http.StatusConflict, api.CodeConflict},
		{"digit one for l", "a1ice", http.StatusConflict, api.CodeConflict},
		{"Cyrillic a among Latin", cyrillicAlice, http.StatusBadRequest, api.CodeValidation},
		{"zero-width joiner", joinedAlice, http.StatusBadRequest, api.CodeValidation},
		{"zero-width non-joiner", nonJoinerAlice, http.StatusBadRequest, api.CodeValidation},
		{"no-break space", spaceAlice, http.StatusBadRequest, api.CodeValidation},
		{"soft hyphen", hyphenAlice, http.StatusBadRequest, api.CodeValidation},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := create(c.username)
			prob, ok := res.Problem()
			if !ok || res.Status != c.status || prob.Code != c.code {
				t.Fatalf("create %q next to alice: %s, want HTTP %d %q", c.username, res, c.status, c.code)
			}
			if prob.Detail == "" {
				t.Errorf("create %q: no sentence says why", c.username)
			}
		})
	}

	// A name written wholly in another script that looks like a member's.
	latin, cyrillic := "pace", "\u0440\u0430\u0441\u0435" // расе
	r.OK(t, "POST", api.PathAdminMembers, admin, api.MemberRequest{Username: &latin, Password: &password, GroupID: &group}, http.StatusCreated, nil)
	r.Fail(t, "POST", api.PathAdminMembers, admin, api.MemberRequest{Username: &cyrillic, Password: &password, GroupID: &group}, http.StatusConflict, api.CodeConflict)

	// Renaming follows the same rule; a member may change the case of their
	// own name.
	bob := state.Member(t, "bob").ID
	for _, name := range []string{"Alice", fullwidthAlice, dotlessAlice} {
		r.Fail(t, "PATCH", api.PathAdminMember(bob), admin, api.MemberRequest{Username: &name}, http.StatusConflict, api.CodeConflict)
	}
	bobCase := "Bob"
	r.OK(t, "PATCH", api.PathAdminMember(bob), admin, api.MemberRequest{Username: &bobCase}, http.StatusOK, nil)

	// A new name that resembles nobody is stored in its normalised width
	// and signs in whatever its case or width.
	var zoe api.Member
	r.OK(t, "POST", api.PathAdminMembers, admin, api.MemberRequest{Username: new("Ｚoë"), Password: &password, GroupID: &group}, http.StatusCreated, &zoe)
	if zoe.Username != "Zoë" {
		t.Errorf("created %q, want it stored as %q", zoe.Username, "Zoë")
	}
	for _, name := range []string{"zoë", "ZOË", "zoe\u0308"} {
		if a := r.Login(t, name, password); a.State != api.StateAuthenticated && a.State != api.StateMFASetupRequired {
			t.Errorf("sign-in as %q: state %q", name, a.State)
		}
	}
	r.Fail(t, "POST", api.PathAdminMembers, admin, api.MemberRequest{Username: new("ZOË"), Password: &password, GroupID: &group}, http.StatusConflict, api.CodeConflict)
}

// TestSignInUsernameVariantsReachOneMember: "Alice" and "ａｌｉｃｅ" are alice
// at sign-in, and they count against one throttle: case or width variants
// do not multiply the guesses allowed on her password. The dotless "alıce"
// is a different name under PRECIS: nobody.
func TestSignInUsernameVariantsReachOneMember(t *testing.T) {
	r := Start(t)
	for _, name := range []string{"alice", "Alice", "ALICE", fullwidthAlice} {
		if a := r.Login(t, name, server.DemoPassword); a.State != api.StateMFARequired {
			t.Fatalf("sign-in as %q: state %q, want alice's %q", name, a.State, api.StateMFARequired)
		}
	}
	for _, name := range []string{dotlessAlice, cyrillicAlice, joinedAlice} {
		r.Fail(t, "POST", api.PathLogin, "", api.LoginRequest{Username: name, Password: server.DemoPassword}, http.StatusUnauthorized, api.CodeInvalidCredentials)
	}

	variants := []string{"alice", "Alice", "ALICE", fullwidthAlice, "aLiCe"}
	for i := range 10 {
		r.Fail(t, "POST", api.PathLogin, "", api.LoginRequest{Username: variants[i%len(variants)], Password: "Wrong-Guess-2026"}, http.StatusUnauthorized, api.CodeInvalidCredentials)
	}
	for _, name := range []string{"alice", "ＡＬＩＣＥ"} {
		retryAfter(t, r.Do(t, "POST", api.PathLogin, "", api.LoginRequest{Username: name, Password: server.DemoPassword}))
	}
}
