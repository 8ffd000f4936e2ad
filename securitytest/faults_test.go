package securitytest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server"
)

// Faults (docs/DESIGN.md section 7: "nothing committed is lost on kill -9"): a real
// authserver process is killed with SIGKILL in the middle of sign-ins,
// setups, a primary-method reset and password changes, then started again
// on the same database. Every answer the clients received still holds, and
// no change is visible half done.

const procAdminPassword = "Proc-Admin-Pass-2026"

// procRig is a killable server and what the test needs to drive it.
type procRig struct {
	t    *testing.T
	db   string
	proc *Proc
	*Peer
}

func startProcRig(t *testing.T) *procRig {
	t.Helper()
	db := filepath.Join(t.TempDir(), "auth.db")
	pr := &procRig{t: t, db: db}
	pr.restart()
	return pr
}

// restart kills the process if it runs and starts it on the same database.
func (pr *procRig) restart() {
	pr.t.Helper()
	if pr.proc != nil {
		pr.proc.Kill()
	}
	pr.proc = StartProc(pr.t, pr.db, procAdminPassword)
	pr.Peer = pr.proc.Peer()
}

func (pr *procRig) admin() string {
	pr.t.Helper()
	var a api.AuthResponse
	pr.OK(pr.t, "POST", api.PathLogin, "", api.LoginRequest{Username: "admin", Password: procAdminPassword}, http.StatusOK, &a)
	return a.Tokens.AccessToken
}

// newMembers creates n members in the named group with the password.
func (pr *procRig) newMembers(prefix, group, password string, n int) []string {
	pr.t.Helper()
	admin := pr.admin()
	var groups []api.Group
	pr.OK(pr.t, "GET", api.PathAdminGroups, admin, nil, http.StatusOK, &groups)
	gid := ""
	for _, g := range groups {
		if g.Name == group {
			gid = g.ID
		}
	}
	var names []string
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s%02d", prefix, i)
		pr.OK(pr.t, "POST", api.PathAdminMembers, admin, api.MemberRequest{Username: &name, Password: &password, GroupID: &gid}, http.StatusCreated, nil)
		names = append(names, name)
	}
	return names
}

func (pr *procRig) loginAs(ctx context.Context, user, password string) (api.AuthResponse, Resp, error) {
	res, err := pr.Send(ctx, "POST", api.PathLogin, "", api.LoginRequest{Username: user, Password: password})
	var a api.AuthResponse
	if err == nil && res.Status == http.StatusOK {
		err = jsonUnmarshal(res.Body, &a)
	}
	return a, res, err
}

// killAfter kills the process after d, in the middle of whatever runs.
func (pr *procRig) killAfter(d time.Duration) {
	time.Sleep(d)
	pr.proc.Kill()
}

// outboxCode reads the newest code sent to a phone or email.
func (pr *procRig) outboxCode(ctx context.Context, to string) (string, error) {
	res, err := pr.Send(ctx, "GET", api.PathDevOutbox+"?to="+to, "", nil)
	if err != nil {
		return "", err
	}
	var msgs []api.OutboxMessage
	if err := jsonUnmarshal(res.Body, &msgs); err != nil || len(msgs) == 0 {
		return "", fmt.Errorf("no code for %s: %v", to, err)
	}
	return msgs[0].Code, nil
}

func TestKillDuringSignIns(t *testing.T) {
	pr := startProcRig(t)
	ctx := context.Background()
	// One worker per member (a member's newest code is then its own).
	type member struct{ user, method, to string }
	members := []member{{"grace", "", ""}, {"bob", "sms", "555-0102"}, {"henry", "sms", "555-0108"}, {"carol", "email", "carol@example.com"}, {"alice", "sms", "555-0101"}}
	var mu sync.Mutex
	var got []api.Tokens // every session a client was handed
	// The kill lands while sign-ins are in flight, once enough have been
	// handed out to make the check mean something, however slow the machine.
	const enough = 8
	handedOut := make(chan struct{})
	var wg sync.WaitGroup
	for _, m := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				a, res, err := pr.loginAs(ctx, m.user, server.DemoPassword)
				if err != nil || res.Status != http.StatusOK {
					return // the server died
				}
				if a.State == api.StateMFARequired {
					cres, err := pr.Send(ctx, "POST", api.PathChallenges, a.MFAToken, api.ChallengeRequest{Method: api.Method(m.method)})
					if err != nil || cres.Status != http.StatusCreated {
						return
					}
					var ch api.Challenge
					jsonUnmarshal(cres.Body, &ch)
					code, err := pr.outboxCode(ctx, m.to)
					if err != nil {
						return
					}
					vres, err := pr.Send(ctx, "POST", api.PathChallengeVerify(ch.ChallengeID), a.MFAToken, api.VerifyRequest{Code: code})
					if err != nil || vres.Status != http.StatusOK {
						return
					}
					a = api.AuthResponse{}
					jsonUnmarshal(vres.Body, &a)
				}
				if a.Tokens != nil {
					mu.Lock()
					got = append(got, *a.Tokens)
					if len(got) == enough {
						close(handedOut)
					}
					mu.Unlock()
				}
			}
		}()
	}
	select {
	case <-handedOut:
	case <-time.After(2 * time.Minute):
		pr.proc.Kill()
		wg.Wait()
		t.Fatalf("only %d sign-ins finished in 2 minutes", len(got))
	}
	pr.killAfter(200 * time.Millisecond)
	wg.Wait()
	pr.restart()
	for i, tok := range got {
		if res := pr.Do(t, "GET", api.PathMe, tok.AccessToken, nil); res.Status != http.StatusOK {
			t.Errorf("session %d of %d lost after kill -9: %s", i, len(got), res)
		}
	}
	t.Logf("%d sessions handed out before kill -9, all alive after restart", len(got))
}

func TestKillDuringSetups(t *testing.T) {
	pr := startProcRig(t)
	ctx := context.Background()
	const n = 6
	names := pr.newMembers("setup", "Support Desk", "Setup-Pass-2026", n)
	var mu sync.Mutex
	activated := map[string]bool{}
	confirmed := map[string][]string{} // member → factor ids whose confirmation was answered 200
	firstDone := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			phone := fmt.Sprintf("555-02%02d", i)
			a, res, err := pr.loginAs(ctx, name, "Setup-Pass-2026")
			if err != nil || res.Status != http.StatusOK || a.State != api.StateMFASetupRequired {
				return
			}
			tok := a.MFAToken
			pres, err := pr.Send(ctx, "POST", api.PathTwoStepAuth, tok, nil)
			if err != nil || pres.Status != http.StatusCreated {
				return
			}
			var pair api.AuthenticatorSetup
			jsonUnmarshal(pres.Body, &pair)
			code := Code(t, pair.Secret, time.Now())
			if res, err := pr.Send(ctx, "POST", api.PathFactorConfirm(pair.FactorID), tok, api.VerifyRequest{Code: code}); err != nil || res.Status != http.StatusOK {
				return
			}
			mu.Lock()
			confirmed[name] = append(confirmed[name], pair.FactorID)
			mu.Unlock()
			sres, err := pr.Send(ctx, "POST", api.PathTwoStepSMS, tok, api.SMSSetupRequest{Phone: phone})
			if err != nil || sres.Status != http.StatusCreated {
				return
			}
			var sent api.CodeSent
			jsonUnmarshal(sres.Body, &sent)
			c, err := pr.outboxCode(ctx, phone)
			if err != nil {
				return
			}
			if res, err := pr.Send(ctx, "POST", api.PathFactorConfirm(sent.FactorID), tok, api.VerifyRequest{Code: c}); err != nil || res.Status != http.StatusOK {
				return
			}
			mu.Lock()
			confirmed[name] = append(confirmed[name], sent.FactorID)
			mu.Unlock()
			if res, err := pr.Send(ctx, "POST", api.PathTwoStepActivate, tok, nil); err == nil && res.Status == http.StatusOK {
				mu.Lock()
				activated[name] = true
				mu.Unlock()
				firstDone <- struct{}{}
			}
		}()
	}
	// Kill the moment the first setup is activated: the others are mid-way.
	select {
	case <-firstDone:
	case <-time.After(15 * time.Second):
		t.Fatal("no setup finished")
	}
	pr.proc.Kill()
	wg.Wait()
	pr.restart()
	admin := pr.admin()
	var members []api.Member
	pr.OK(t, "GET", api.PathAdminMembers, admin, nil, http.StatusOK, &members)
	done := 0
	for _, m := range members {
		if len(m.Username) < 5 || m.Username[:5] != "setup" {
			continue
		}
		status := map[string]api.FactorStatus{}
		pendingAuth := 0
		for _, f := range m.Factors {
			status[f.ID] = f.Status
			if f.Method == api.MethodAuthenticatorApp && f.Status == api.FactorPending {
				pendingAuth++
			}
		}
		for _, id := range confirmed[m.Username] {
			if status[id] != api.FactorActive {
				t.Errorf("%s: factor confirmed before the kill is %q after restart", m.Username, status[id])
			}
		}
		if pendingAuth > 1 {
			t.Errorf("%s: %d pending authenticators", m.Username, pendingAuth)
		}
		a, res, err := pr.loginAs(ctx, m.Username, "Setup-Pass-2026")
		if err != nil || res.Status != http.StatusOK {
			t.Fatalf("%s after restart: %v %s", m.Username, err, res)
		}
		if activated[m.Username] {
			done++
			if a.State != api.StateMFARequired {
				t.Errorf("%s activated before the kill, now %q", m.Username, a.State)
			}
		}
		if a.State == api.StateMFARequired && activated[m.Username] && len(a.Methods) < 2 {
			t.Errorf("%s: activated with %d methods after restart", m.Username, len(a.Methods))
		}
	}
	t.Logf("%d of %d setups activated before kill -9; every confirmed factor and activation kept", done, n)
}

// factorStatuses maps member → its factors' statuses, for the members that have any.
func factorStatuses(members []api.Member) map[string][]api.FactorStatus {
	out := map[string][]api.FactorStatus{}
	for _, m := range members {
		for _, f := range m.Factors {
			out[m.Username] = append(out[m.Username], f.Status)
		}
	}
	return out
}

func TestKillDuringPrimaryMethodReset(t *testing.T) {
	ctx := context.Background()
	outcomes := map[string]int{}
	for round := 0; round < 6; round++ {
		pr := startProcRig(t)
		admin := pr.admin()
		var members []api.Member
		pr.OK(t, "GET", api.PathAdminMembers, admin, nil, http.StatusOK, &members)
		before := factorStatuses(members)
		answered := make(chan int, 1)
		go func() {
			res, err := pr.Send(ctx, "PUT", api.PathAdminSettings, admin, api.TwoStepSettings{
				Administrators: true, Technicians: api.TechniciansSelectedGroups, PrimaryMethod: api.MethodAuthenticatorApp})
			if err != nil {
				answered <- 0
				return
			}
			answered <- res.Status
		}()
		pr.killAfter(time.Duration(round*2) * time.Millisecond)
		status := <-answered
		pr.restart()
		admin = pr.admin()
		var st api.TwoStepSettings
		pr.OK(t, "GET", api.PathAdminSettings, admin, nil, http.StatusOK, &st)
		pr.OK(t, "GET", api.PathAdminMembers, admin, nil, http.StatusOK, &members)
		after := factorStatuses(members)
		switch st.PrimaryMethod {
		case api.MethodAppNotification: // the reset never happened: nothing changed
			if status == http.StatusOK {
				t.Fatalf("round %d: the PUT was answered 200 but the primary method is back", round)
			}
			if fmt.Sprint(before) != fmt.Sprint(after) {
				t.Fatalf("round %d: primary unchanged but factors changed:\n%v\n%v", round, before, after)
			}
			outcomes["not applied"]++
		case api.MethodAuthenticatorApp: // the reset happened: everyone, completely
			for user, fs := range after {
				for _, s := range fs {
					if s == api.FactorActive || s == api.FactorPending {
						t.Fatalf("round %d: primary changed but %s still has a %s factor", round, user, s)
					}
				}
			}
			outcomes["applied"]++
		default:
			t.Fatalf("round %d: primary method %q", round, st.PrimaryMethod)
		}
		pr.proc.Kill()
	}
	t.Logf("primary-method reset killed mid-flight: %v; never half done", outcomes)
}

func TestKillDuringPasswordChanges(t *testing.T) {
	pr := startProcRig(t)
	ctx := context.Background()
	const n = 10
	oldPw, newPw := "Old-Member-Pass-2026", "New-Member-Pass-2026"
	names := pr.newMembers("pw", "Back Office", oldPw, n)
	type sessions struct{ changer, other api.Tokens }
	sess := map[string]sessions{}
	for _, name := range names {
		a, _, err := pr.loginAs(ctx, name, oldPw)
		b, _, err2 := pr.loginAs(ctx, name, oldPw)
		if err != nil || err2 != nil || a.Tokens == nil || b.Tokens == nil {
			t.Fatalf("%s: sign-in %v %v", name, err, err2)
		}
		sess[name] = sessions{*a.Tokens, *b.Tokens}
	}
	var mu sync.Mutex
	changed := map[string]bool{}
	answers := make(chan struct{}, n)
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := pr.Send(ctx, "POST", api.PathPassword, sess[name].changer.AccessToken, api.PasswordChangeRequest{CurrentPassword: oldPw, NewPassword: newPw})
			if err == nil && res.Status == http.StatusNoContent {
				mu.Lock()
				changed[name] = true
				mu.Unlock()
				answers <- struct{}{}
			}
		}()
	}
	// Kill the moment a few changes have been answered: the rest are in flight.
	for range 1 + rand.IntN(n/2) {
		select {
		case <-answers:
		case <-time.After(15 * time.Second):
			t.Fatal("password changes were not answered")
		}
	}
	pr.proc.Kill()
	wg.Wait()
	pr.restart()
	applied := 0
	for _, name := range names {
		_, resNew, _ := pr.loginAs(ctx, name, newPw)
		_, resOld, _ := pr.loginAs(ctx, name, oldPw)
		newWorks, oldWorks := resNew.Status == http.StatusOK, resOld.Status == http.StatusOK
		if newWorks == oldWorks {
			t.Fatalf("%s after kill -9: new password %v, old password %v", name, newWorks, oldWorks)
		}
		if changed[name] && !newWorks {
			t.Errorf("%s: the change was answered 204 but is lost", name)
		}
		other := pr.Do(t, "GET", api.PathMe, sess[name].other.AccessToken, nil).Status
		switch {
		case newWorks && other != http.StatusUnauthorized:
			t.Errorf("%s: password changed but the other session still works (half done)", name)
		case oldWorks && other != http.StatusOK:
			t.Errorf("%s: password unchanged but the other session ended (half done)", name)
		}
		if newWorks {
			applied++
		}
	}
	t.Logf("%d of %d password changes applied at kill -9 (%d answered); each either whole or absent", applied, n, len(changed))
}
