package server

import (
	"context"
	"crypto/rand"
	"errors"
	"math/big"
	"net/http"
	"strconv"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// App notifications (pushes): the console starts an app_notification
// challenge and shows its two-digit number; the member's phone sees the push
// (never the number), and the member types the number there to approve. The
// console's long-poll returns the moment the phone answers.

// Push numbers (docs/DESIGN.md section 6). Besides "at most 3 open", the pushes
// sent to a member are rate-limited whatever became of them (cancelled,
// denied, expired), counted in the database (ASVS 5.0 6.6.4, push bombing):
// at most 3 per minute, which is what "3 open" already allows when each push
// lives its 60 s, and at most 10 per 15 minutes (the throttle's window).
// A sign-in needs one or two (a denied push, then "send another").
const (
	pushTTL     = 60 * time.Second
	maxOpenPush = 3
)

// pushRates are the limits on pushes sent per member.
var pushRates = []struct {
	window time.Duration
	max    int
}{
	{time.Minute, 3},
	{throttleWindow, 10},
}

// preparePush fills in a new push challenge: its number and its 60-second
// life; a member with 3 open pushes already, or past a rate of pushRates,
// gets 429 too_many_pushes with Retry-After.
func (s *Server) preparePush(tx store.Tx, p principal, ch *store.Challenge) error {
	now := s.now()
	open, err := tx.OpenPushes(p.Member.ID, now)
	if err != nil {
		return err
	}
	if len(open) >= maxOpenPush {
		return refusePush(open[0].ExpiresAt.Sub(now), "three notifications are already waiting on the phone; answer or let them expire")
	}
	if wait, err := pushRateWait(tx, p.Member.ID, now); err != nil {
		return err
	} else if wait > 0 {
		return refusePush(wait, "too many notifications were sent to the phone; try again later or use another method")
	}
	ch.MatchNumber = newMatchNumber()
	if exp := now.Add(pushTTL); exp.Before(ch.ExpiresAt) {
		ch.ExpiresAt = exp
	}
	return nil
}

// pushRateWait is how long until every rate of pushRates allows one more
// push to the member; zero when they all do.
func pushRateWait(tx store.Challenges, memberID string, now time.Time) (time.Duration, error) {
	var wait time.Duration
	for _, r := range pushRates {
		sent, err := tx.RecentPushes(memberID, now.Add(-r.window), r.max)
		if err != nil {
			return 0, err
		}
		if len(sent) < r.max {
			continue
		}
		// The rate allows one more when the max-th newest push leaves the window.
		if d := sent[r.max-1].Add(r.window).Sub(now); d > wait {
			wait = d
		}
	}
	return wait, nil
}

// refusePush answers 429 too_many_pushes. The refusal rolls the challenge's
// transaction back, so the caller audits it afterwards (auditRefusedPush).
func refusePush(wait time.Duration, msg string) error {
	secs := max(int((wait+time.Second-1)/time.Second), 1)
	return perr(http.StatusTooManyRequests, api.CodeTooManyPushes, msg).withRetryAfter(secs)
}

// auditRefusedPush records a push refused by preparePush, in a transaction
// of its own.
func (s *Server) auditRefusedPush(ctx context.Context, p principal, err error) {
	var he *httpError
	if errors.As(err, &he) && he.p.Code == api.CodeTooManyPushes {
		s.auditAlone(ctx, auditEvent{Kind: auditPushRefused, MemberID: p.Member.ID, Username: p.Member.Username, Detail: he.p.Detail})
	}
}

// newMatchNumber is a two-digit number from 10 to 99, from crypto/rand.
func newMatchNumber() string {
	n, err := rand.Int(rand.Reader, big.NewInt(90))
	if err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return strconv.Itoa(int(n.Int64()) + 10)
}

// challengeOutcome is what a passed challenge hands out: a session for a
// sign-in (its mfa_token used up), a step-up token for a password change
// or a factor change.
func (s *Server) challengeOutcome(ctx context.Context, tx store.Tx, p principal, ch store.Challenge) (api.AuthResponse, error) {
	if stepUpPurpose(ch.Purpose) {
		return s.issueStepUp(ctx, tx, p, ch)
	}
	if err := tx.UseMFAToken(p.TokenHash, s.now()); err != nil {
		return api.AuthResponse{}, err
	}
	m, err := tx.Member(p.Member.ID)
	if err != nil {
		return api.AuthResponse{}, err
	}
	return s.startSession(ctx, tx, m, true)
}

// waitParam reads ?wait=N (0..api.MaxWait seconds).
func waitParam(r *http.Request) (time.Duration, error) {
	v := r.URL.Query().Get("wait")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > api.MaxWait {
		return 0, validation("wait must be a whole number of seconds from 0 to " + strconv.Itoa(api.MaxWait))
	}
	return time.Duration(n) * time.Second, nil
}

// handleChallengeStatus: GET /auth/challenges/{id}?wait=N. For a push it
// waits (at most N seconds) until the phone answers, the push expires or
// the challenge is cancelled; an approved challenge hands out its verify
// answer here, once. Code challenges change only through verify and answer
// at once.
func (s *Server) handleChallengeStatus(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.lookupBearer(ctx, r, true, challengeBearers...)
	if err != nil {
		return err
	}
	wait, err := waitParam(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if !validID(id, prefixChallenge) {
		return notFound("challenge")
	}
	deadline := time.Now().Add(wait)
	defer s.metrics.longPoll("challenge")()
	for {
		woken, release := s.hub.subscribe(challengeKey(id))
		st, final, expiresAt, err := s.challengeState(ctx, p, id)
		if err != nil {
			release()
			return err
		}
		left := time.Until(deadline)
		if final || left <= 0 || s.hub.stopping() {
			release()
			writeJSON(w, http.StatusOK, st)
			return nil
		}
		// Wake at the deadline, at the push's expiry, or when the phone answers.
		if untilExpiry := expiresAt.Sub(s.now()); untilExpiry < left {
			left = max(untilExpiry, 0) + 10*time.Millisecond
		}
		s.hub.sleep(ctx, woken, left)
		release()
		if ctx.Err() != nil {
			return nil // the console went away
		}
	}
}

// challengeState reads one challenge for its long-poll. final says the
// answer will not change any more (everything but a pending push); an
// approved push is collected here: moved to passed and its outcome added.
func (s *Server) challengeState(ctx context.Context, p principal, id string) (api.ChallengeStatus, bool, time.Time, error) {
	var st api.ChallengeStatus
	var final bool
	var expiresAt time.Time
	err := s.store.Write(ctx, func(tx store.Tx) error {
		ch, err := s.ownChallenge(tx, p, id)
		if err != nil {
			return err
		}
		if err := s.expireAndAudit(ctx, tx, &ch, p.Member); err != nil {
			return err
		}
		st.Status, expiresAt = wireStatus(ch.Status), ch.ExpiresAt
		final = ch.Status != store.ChallengeStatusPending || ch.Method != api.MethodAppNotification
		if ch.Status != store.ChallengeStatusApproved {
			return nil
		}
		// Approved on the phone: hand the outcome out exactly once.
		if err := s.stillValid(tx, p); err != nil {
			return err
		}
		ch.Status, ch.ClosedAt = store.ChallengeStatusPassed, s.now()
		if err := tx.UpdateChallenge(ch); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, auditEvent{Kind: auditChallengePassed, MemberID: p.Member.ID, Username: p.Member.Username,
			Detail: string(ch.Method) + " " + string(ch.Purpose)}); err != nil {
			return err
		}
		st.AuthResponse, err = s.challengeOutcome(ctx, tx, p, ch)
		return err
	})
	return st, final, expiresAt, err
}

// expireAndAudit is expireIfDue that records a push's expiry in the audit
// log (once: only the transition is recorded).
func (s *Server) expireAndAudit(ctx context.Context, tx store.Tx, ch *store.Challenge, m store.Member) error {
	wasPending := ch.Status == store.ChallengeStatusPending
	if err := s.expireIfDue(tx, ch); err != nil {
		return err
	}
	if wasPending && ch.Status == store.ChallengeStatusExpired && ch.Method == api.MethodAppNotification {
		return s.audit(ctx, tx, auditEvent{Kind: auditPushExpired, MemberID: m.ID, Username: m.Username, Detail: string(ch.Purpose)})
	}
	return nil
}
