package server_test

import (
	"bytes"
	"database/sql"
	"net/http"
	"os"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/servertest"
)

// TestRestartKeepsEverything: sessions, members, groups, factors (the TOTP
// key file included), settings, outbox and audit survive a restart.
func TestRestartKeepsEverything(t *testing.T) {
	c := start(t)
	master := c.admin()
	grace := c.loginState("grace", api.StateAuthenticated).Tokens
	var g api.Group
	c.ok("POST", api.PathAdminGroups, master, api.GroupRequest{Name: ptr("Weekend"), EnforceTwoStep: ptr(true)}, http.StatusCreated, &g)
	c.ok("POST", api.PathAdminMembers, master, api.MemberRequest{Username: ptr("wendy"), Password: ptr("Wendy-Pass-2026"), GroupID: ptr(g.ID)}, http.StatusCreated, nil)
	// (Settings that keep grace's password-only session valid: requiring
	// two-step of her would end it with mfa_required.)
	c.ok("PUT", api.PathAdminSettings, master, api.TwoStepSettings{Administrators: false, Technicians: api.TechniciansSelectedGroups, PrimaryMethod: api.MethodAppNotification}, http.StatusOK, nil)
	// A setup in progress: erin has paired but not yet added a backup.
	erin := c.loginState("erin", api.StateMFASetupRequired).MFAToken
	setup := c.pairAuthenticator(erin)
	// A challenge in progress.
	bob := c.loginState("bob", api.StateMFARequired).MFAToken
	ch := c.startChallenge(bob, api.MethodSMS)
	code := c.inst.LastCode(t, "555-0102")

	oldURL := c.inst.URL
	c.inst.Restart(t)
	if c.inst.URL != oldURL {
		t.Logf("restarted on %s (was %s)", c.inst.URL, oldURL)
	}

	var next api.Tokens
	c.ok("POST", api.PathRefresh, "", api.RefreshRequest{RefreshToken: grace.RefreshToken}, http.StatusOK, &next)
	c.ok("GET", api.PathMe, grace.AccessToken, nil, http.StatusOK, nil)
	c.verify(bob, ch.ChallengeID, code)
	if r := c.login("wendy", "Wendy-Pass-2026"); r.State != api.StateMFASetupRequired {
		t.Errorf("wendy after restart: %+v", r)
	}
	var st api.TwoStepSettings
	master = c.admin()
	c.ok("GET", api.PathAdminSettings, master, nil, http.StatusOK, &st)
	if st.Administrators || st.Technicians != api.TechniciansSelectedGroups {
		t.Errorf("settings after restart: %+v", st)
	}
	if got := c.twoStep(erin); len(got.Factors) != 1 || got.Factors[0].Status != api.FactorActive {
		t.Errorf("erin's setup after restart: %+v", got)
	}
	if len(c.inst.Outbox(t, "555-0102")) != 1 {
		t.Errorf("outbox lost")
	}
	// Sealed secrets still open with the kept key file: erin's TOTP works.
	c.clock.Advance(30 * 1e9)
	var sent api.CodeSent
	c.ok("POST", api.PathTwoStepEmail, erin, api.EmailSetupRequest{Email: "erin@example.com"}, http.StatusCreated, &sent)
	c.confirmByCode(erin, sent, "erin@example.com")
	c.ok("POST", api.PathTwoStepActivate, erin, nil, http.StatusOK, nil)
	r := c.loginState("erin", api.StateMFARequired)
	c.verify(r.MFAToken, c.startChallenge(r.MFAToken, api.MethodAuthenticatorApp).ChallengeID, c.totpCode(setup.Secret))

	// The TOTP secrets are not in the database in the clear.
	stored := storedBytes(t, c.inst)
	for _, secret := range []string{setup.Secret, demo(t, "bob").TOTPSecret} {
		if bytes.Contains(stored, []byte(secret)) {
			t.Errorf("a TOTP secret is stored in the clear")
		}
	}
	keyPath := c.inst.Config.KeyPath
	if keyPath == "" {
		keyPath = c.inst.DBPath + ".key"
	}
	fi, err := os.Stat(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
}

// storedBytes is what the database holds, as far as a test can read it raw:
// the SQLite file and its WAL, or on PostgreSQL every factor's columns as
// stored.
func storedBytes(t *testing.T, inst *servertest.Instance) []byte {
	t.Helper()
	if !servertest.Postgres() {
		db, err := os.ReadFile(inst.DBPath)
		if err != nil {
			t.Fatal(err)
		}
		wal, _ := os.ReadFile(inst.DBPath + "-wal")
		return append(db, wal...)
	}
	db, err := sql.Open("pgx", inst.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []byte
	err = db.QueryRow(`SELECT COALESCE(string_agg(COALESCE(secret, '') || convert_to(target || code_hash, 'UTF8'), ''), '') FROM factors`).Scan(&out)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
