package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// TestMigrationSetsTwoStepState: a database from before migration 0011
// gets each member's state from their factors: a reset factor means reset,
// an active SMS or email backup means activated (what Activate always
// needed, and the legacy backup-only enrolments), anything else (nothing,
// or the authenticator alone: a setup stopped before Activate) not.
func TestMigrationSetsTwoStepState(t *testing.T) {
	type f struct {
		m  api.Method
		st api.FactorStatus
	}
	auth, push, sms, mail := api.MethodAuthenticatorApp, api.MethodAppNotification, api.MethodSMS, api.MethodEmail
	on, reset, pending := api.FactorActive, api.FactorReset, api.FactorPending
	cases := []struct {
		name    string
		factors []f
		want    store.TwoStepState
	}{
		{"authenticator and SMS", []f{{auth, on}, {sms, on}}, store.TwoStepActivated},
		{"authenticator, push and email", []f{{auth, on}, {push, on}, {mail, on}}, store.TwoStepActivated},
		{"legacy email only", []f{{mail, on}}, store.TwoStepActivated},
		{"legacy SMS only", []f{{sms, on}}, store.TwoStepActivated},
		{"setup stopped after the authenticator", []f{{auth, on}}, store.TwoStepNone},
		{"setup stopped after the authenticator and its push", []f{{auth, on}, {push, on}}, store.TwoStepNone},
		{"setup stopped with a pending SMS", []f{{auth, on}, {sms, pending}}, store.TwoStepNone},
		{"pending authenticator only", []f{{auth, pending}}, store.TwoStepNone},
		{"nothing", nil, store.TwoStepNone},
		{"lost-phone reset", []f{{auth, reset}, {sms, on}}, store.TwoStepReset},
		{"primary method reset", []f{{auth, reset}, {push, reset}, {mail, reset}}, store.TwoStepReset},
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ids := map[string]string{}
	err = st.Write(ctx, func(tx store.Tx) error {
		for i, c := range cases {
			m := store.Member{ID: newID(prefixMember), Username: "m" + string(rune('a'+i)), DisplayName: c.name, CreatedAt: now}
			if err := tx.InsertMember(m); err != nil {
				return err
			}
			ids[c.name] = m.ID
			for _, x := range c.factors {
				if err := tx.InsertFactor(store.Factor{ID: newID(prefixFactor), MemberID: m.ID, Method: x.m, Status: x.st, CreatedAt: now}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	// Back to the schema before 0011.
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `ALTER TABLE members DROP COLUMN two_step`); err != nil {
		t.Fatal(err)
	}
	// The migration, as the runner runs it (its annotations are comments).
	body, err := migrationFiles.ReadFile("migrations/0011_two_step_state.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, string(body)); err != nil {
		t.Fatalf("migration 0011: %v", err)
	}
	raw.Close()

	st, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("migrating: %v", err)
	}
	defer st.Close()
	err = st.Read(ctx, func(tx store.Tx) error {
		for _, c := range cases {
			m, err := tx.Member(ids[c.name])
			if err != nil {
				return err
			}
			if m.TwoStep != c.want {
				t.Errorf("%s: state %q, want %q", c.name, m.TwoStep, c.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
