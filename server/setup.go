package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"net/http"
	"net/mail"
	"net/url"
	"strings"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// Setup (Protect Your Account): pair the mobile app, add a backup (SMS or
// email) confirmed by code, then Activate. Reached with the mfa_token of
// mfa_setup_required, or with an access token (voluntary setup, and any
// later factor change), where a change needs a step-up (factor_stepup.go).

var setupBearers = []string{bearerSetup, bearerAccess}

// The pairing QR code is qrSize pixels square, quiet zone included.
const (
	qrSize         = 256
	qrQuietModules = 4
)

// handleTwoStepStatus: GET /me/two-step.
func (s *Server) handleTwoStepStatus(w http.ResponseWriter, r *http.Request) error {
	p, err := s.authenticate(r.Context(), r, setupBearers...)
	if err != nil {
		return err
	}
	var out api.TwoStepStatus
	err = s.store.Read(r.Context(), func(tx store.Tx) error {
		required, st, err := memberRequired(tx, p.Member)
		if err != nil {
			return err
		}
		factors, err := tx.Factors(p.Member.ID)
		if err != nil {
			return err
		}
		m, err := tx.Member(p.Member.ID)
		if err != nil {
			return err
		}
		_, reset := needsSetup(m, summarize(factors))
		out = api.TwoStepStatus{Required: required, PrimaryMethod: st.PrimaryMethod, Reset: reset, Factors: factorViews(factors)}
		gate, err := s.backupToVerify(tx, p)
		if gate != nil {
			out.BackupToVerify = backupVerificationRequired(*gate).p.Backup
		}
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// handleStartAuthenticator: POST /me/two-step/authenticator starts pairing a
// new secret; an earlier pending authenticator is replaced.
func (s *Server) handleStartAuthenticator(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.authenticate(ctx, r, setupBearers...)
	if err != nil {
		return err
	}
	var req api.StepUpRequest
	if err := decodeOptional(w, r, &req); err != nil {
		return err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: p.Member.Username, Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return fmt.Errorf("generate totp secret: %w", err)
	}
	secret := key.Secret()
	pushToken := newToken()
	var out api.AuthenticatorSetup
	err = s.store.Write(ctx, func(tx store.Tx) error {
		f, err := s.newPendingFactor(ctx, tx, p, api.MethodAuthenticatorApp, req.StepUpToken)
		if err != nil {
			return err
		}
		if f.Secret, err = s.seal.seal([]byte(secret), f.ID); err != nil {
			return err
		}
		if err := tx.InsertFactor(f); err != nil {
			return err
		}
		if err := tx.InsertPushToken(store.PushToken{Hash: hashToken(pushToken), MemberID: p.Member.ID, FactorID: f.ID, ExpiresAt: f.CreatedAt.Add(pushTokenTTL)}); err != nil {
			return err
		}
		out = api.AuthenticatorSetup{FactorID: f.ID, Secret: secret}
		return s.audit(ctx, tx, auditEvent{Kind: auditSetupStarted, MemberID: p.Member.ID, Username: p.Member.Username, Detail: string(api.MethodAuthenticatorApp)})
	})
	if err != nil {
		s.auditRefusedStepUp(ctx, p, err, string(api.MethodAuthenticatorApp))
		return err
	}
	q := url.Values{}
	q.Set("push_url", s.pushBase()+api.PathDeviceRegister)
	q.Set("push_token", pushToken)
	out.OTPAuthURI = otpauthURI(p.Member.Username, secret) + "&" + q.Encode()
	if out.QRPNG, err = qrPNG(out.OTPAuthURI); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// qrPNG is the base64 PNG of a QR code that encodes exactly uri.
func qrPNG(uri string) (string, error) {
	code, err := qr.Encode(uri, qr.M, qr.Auto)
	if err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	modules := code.Bounds().Dx()
	// Whole pixels per module, and the four-module quiet zone readers need
	// around the code (ISO/IEC 18004): a code scaled to fill a fixed size left
	// as little as three modules, and some codes were then not found.
	scale := max(1, qrSize/(modules+2*qrQuietModules))
	scaled, err := barcode.Scale(code, modules*scale, modules*scale)
	if err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	// Centred on a white square of qrSize: the margin is at least the quiet zone.
	margin := (qrSize - modules*scale) / 2
	img := image.NewGray(image.Rect(0, 0, qrSize, qrSize))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(margin, margin, margin+modules*scale, margin+modules*scale), scaled, image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// handleStartSMS: POST /me/two-step/sms {phone}.
func (s *Server) handleStartSMS(w http.ResponseWriter, r *http.Request) error {
	var req api.SMSSetupRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	phone, err := checkPhone(req.Phone)
	if err != nil {
		return err
	}
	return s.startCodeFactor(w, r, api.MethodSMS, phone, req.StepUpToken)
}

// handleStartEmail: POST /me/two-step/email {email}.
func (s *Server) handleStartEmail(w http.ResponseWriter, r *http.Request) error {
	var req api.EmailSetupRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	email, err := checkEmail(req.Email)
	if err != nil {
		return err
	}
	return s.startCodeFactor(w, r, api.MethodEmail, email, req.StepUpToken)
}

// startCodeFactor creates a pending SMS/email factor (replacing a pending one
// of the same method) and sends its confirmation code.
func (s *Server) startCodeFactor(w http.ResponseWriter, r *http.Request, method api.Method, target, stepUp string) error {
	ctx := r.Context()
	p, err := s.authenticate(ctx, r, setupBearers...)
	if err != nil {
		return err
	}
	var out api.CodeSent
	err = s.store.Write(ctx, func(tx store.Tx) error {
		f, err := s.newPendingFactor(ctx, tx, p, method, stepUp)
		if err != nil {
			return err
		}
		f.Target = target
		if err := s.newFactorCode(ctx, tx, &f, f.ID); err != nil {
			return err
		}
		if err := tx.InsertFactor(f); err != nil {
			return err
		}
		out = api.CodeSent{FactorID: f.ID, SentTo: sentTo(f), ResendAfter: &f.ResendAt}
		return s.audit(ctx, tx, auditEvent{Kind: auditSetupStarted, MemberID: p.Member.ID, Username: p.Member.Username, Detail: string(method)})
	})
	if err != nil {
		s.auditRefusedStepUp(ctx, p, err, string(method))
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// newPendingFactor is a new pending factor of the method for p, not yet
// stored, once p may start one: the sign-in is still open, no backup is left
// to verify, a step-up covers the change. It replaces an earlier pending
// factor of the method, unless that one sent a code less than resendWait
// ago.
func (s *Server) newPendingFactor(ctx context.Context, tx store.Tx, p principal, method api.Method, stepUp string) (store.Factor, error) {
	if err := s.stillValid(tx, p); err != nil {
		return store.Factor{}, err
	}
	if err := s.requireBackupVerified(tx, p); err != nil {
		return store.Factor{}, err
	}
	grant, err := s.authorizeFactorChange(ctx, tx, p, stepUp, nil, string(method))
	if err != nil {
		return store.Factor{}, err
	}
	factors, err := tx.Factors(p.Member.ID)
	if err != nil {
		return store.Factor{}, err
	}
	now := s.now()
	for _, f := range factors {
		if f.Method == method && f.Status == api.FactorPending {
			if err := s.resendAllowed(f.ResendAt); err != nil {
				return store.Factor{}, err
			}
			if err := s.deleteFactor(tx, f); err != nil {
				return store.Factor{}, err
			}
		}
	}
	f := store.Factor{ID: newID(prefixFactor), MemberID: p.Member.ID, Method: method, Status: api.FactorPending, CreatedAt: now}
	grant.bind(&f)
	return f, nil
}

// ownFactor loads one of the principal's factors.
func ownFactor(tx store.Factors, p principal, id string) (store.Factor, error) {
	if !validID(id, prefixFactor) {
		return store.Factor{}, notFound("factor")
	}
	f, err := tx.Factor(id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && f.MemberID != p.Member.ID) {
		return store.Factor{}, notFound("factor")
	}
	return f, err
}

// handleFactorSend: POST /me/two-step/factors/{id}/send sends the code of a
// pending SMS/email factor again, or a first code to a reset one (its kept
// phone or email), or to the active backup a setup after a reset must
// verify (setup_backup.go).
func (s *Server) handleFactorSend(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.authenticate(ctx, r, setupBearers...)
	if err != nil {
		return err
	}
	var req api.StepUpRequest
	if err := decodeOptional(w, r, &req); err != nil {
		return err
	}
	var out api.CodeSent
	err = s.store.Write(ctx, func(tx store.Tx) error {
		if err := s.stillValid(tx, p); err != nil {
			return err
		}
		f, err := ownFactor(tx, p, r.PathValue("id"))
		if err != nil {
			return err
		}
		grant, err := s.authorizeFactorChange(ctx, tx, p, req.StepUpToken, []store.Factor{f}, "send "+string(f.Method))
		if err != nil {
			return err
		}
		grant.bind(&f)
		if !sendsCodes(f.Method) {
			return validation("only text message and email factors are confirmed by a sent code")
		}
		reverify, err := s.backupGate(tx, p, f)
		if err != nil {
			return err
		}
		if err := alreadyConfirmed(f, reverify); err != nil {
			return err
		}
		if err := s.resendAllowed(f.ResendAt); err != nil {
			return err
		}
		if err := s.newFactorCode(ctx, tx, &f, setupCodeBinding(f, p)); err != nil {
			return err
		}
		if err := tx.UpdateFactor(f); err != nil {
			return err
		}
		out = api.CodeSent{FactorID: f.ID, SentTo: sentTo(f), ResendAfter: &f.ResendAt}
		return s.audit(ctx, tx, auditEvent{Kind: auditSetupCodeSent, MemberID: p.Member.ID, Username: p.Member.Username, Detail: string(f.Method)})
	})
	if err != nil {
		s.auditRefusedStepUp(ctx, p, err, "send code")
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// handleFactorConfirm: POST /me/two-step/factors/{id}/confirm {code}. A
// pending authenticator is confirmed with a TOTP code; an SMS/email factor
// (pending or reset) with the code sent to it. The confirmed factor replaces
// the member's other factors of the same method. The active backup a setup
// after a reset must verify is confirmed the same way and stays as it is.
func (s *Server) handleFactorConfirm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.authenticate(ctx, r, setupBearers...)
	if err != nil {
		return err
	}
	var req api.FactorConfirmRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	code, err := cleanCode(req.Code)
	if err != nil {
		return err
	}
	var out api.FactorResponse
	err = s.store.Write(ctx, func(tx store.Tx) error {
		f, reverify, err := s.factorToConfirm(ctx, tx, p, r.PathValue("id"), req.StepUpToken)
		if err != nil {
			return err
		}
		v, err := s.verifierFor(f.Method)
		if err != nil {
			return err
		}
		if err := v.confirm(ctx, tx, p, &f, code, setupEvent(auditSetupFailed, p, f)); err != nil {
			return err
		}
		out.Factor, err = s.confirmFactor(ctx, tx, p, f, reverify)
		return err
	})
	if err != nil {
		s.auditRefusedStepUp(ctx, p, err, "confirm")
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func setupEvent(kind string, p principal, f store.Factor) auditEvent {
	return auditEvent{Kind: kind, MemberID: p.Member.ID, Username: p.Member.Username, Detail: string(f.Method)}
}

// factorToConfirm loads the factor a confirm call names, once the checks
// every kind shares are passed: the sign-in is still open, a backup left to
// verify is the one confirmed (reverify), the member and address are not
// throttled, a step-up covers the change, and the factor is not already
// confirmed.
func (s *Server) factorToConfirm(ctx context.Context, tx store.Tx, p principal, id, stepUp string) (f store.Factor, reverify bool, err error) {
	if err := s.stillValid(tx, p); err != nil {
		return f, false, err
	}
	if f, err = ownFactor(tx, p, id); err != nil {
		return f, false, err
	}
	if reverify, err = s.backupGate(tx, p, f); err != nil {
		return f, false, err
	}
	if err := s.codeThrottle(ctx, tx, p, setupEvent(auditSetupFailed, p, f)); err != nil {
		return f, false, err
	}
	grant, err := s.authorizeFactorChange(ctx, tx, p, stepUp, []store.Factor{f}, "confirm "+string(f.Method))
	if err != nil {
		return f, false, err
	}
	if grant.fresh {
		// Bound before the code is checked: a wrong code does not cost
		// the step-up (the retry is covered).
		grant.bind(&f)
		if err := tx.UpdateFactor(f); err != nil {
			return f, false, err
		}
	}
	return f, reverify, alreadyConfirmed(f, reverify)
}

// confirmFactor records that f's code was confirmed: f becomes active and
// replaces the member's other factors of its method, or, a backup
// re-verified, stays as it is.
func (s *Server) confirmFactor(ctx context.Context, tx store.Tx, p principal, f store.Factor, reverify bool) (api.Factor, error) {
	ev := setupEvent(auditSetupConfirmed, p, f)
	if reverify {
		f.CodeHash, f.Attempts = "", 0
		if err := tx.UpdateFactor(f); err != nil {
			return api.Factor{}, err
		}
		ev.Kind = auditSetupBackupVerified
	} else if err := s.activateFactor(tx, f); err != nil {
		return api.Factor{}, err
	}
	if err := s.recordBackupCheck(tx, p, f); err != nil {
		return api.Factor{}, err
	}
	f.Status = api.FactorActive
	return factorView(f), s.audit(ctx, tx, ev)
}

// activateFactor makes f active and removes the member's other factors of
// the same method (with an old authenticator go its push devices).
func (s *Server) activateFactor(tx store.Tx, f store.Factor) error {
	factors, err := tx.Factors(f.MemberID)
	if err != nil {
		return err
	}
	for _, o := range factors {
		if o.ID != f.ID && o.Method == f.Method {
			if err := s.deleteFactor(tx, o); err != nil {
				return err
			}
		}
	}
	f.Status, f.Confirmed, f.CodeHash, f.Attempts = api.FactorActive, s.now(), "", 0
	if err := tx.UpdateFactor(f); err != nil {
		return err
	}
	return s.activatePushFactors(tx, f, factors)
}

// deleteFactor removes a factor; an authenticator takes its app
// notification factors and their devices along.
func (s *Server) deleteFactor(tx store.Tx, f store.Factor) error {
	if f.Method == api.MethodAuthenticatorApp {
		factors, err := tx.Factors(f.MemberID)
		if err != nil {
			return err
		}
		for _, o := range factors {
			if o.Method == api.MethodAppNotification && o.ParentID == f.ID {
				if err := s.deleteFactor(tx, o); err != nil {
					return err
				}
			}
		}
	}
	if err := tx.RevokeFactorDevices(f.ID, s.now()); err != nil {
		return err
	}
	return tx.DeleteFactor(f.ID)
}

// handleActivate: POST /me/two-step/activate ends setup: one active
// authenticator and one active backup (SMS or email) are needed. Leftover
// reset factors are removed. With the setup token the member is signed in
// (a new session); with an access token the same session is upgraded (it
// records that two-step verification was passed) and no new one is opened,
// once: an activated member gets 409 already_activated.
func (s *Server) handleActivate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.authenticate(ctx, r, setupBearers...)
	if err != nil {
		return err
	}
	var req api.StepUpRequest
	if err := decodeOptional(w, r, &req); err != nil {
		return err
	}
	var resp api.AuthResponse
	err = s.store.Write(ctx, func(tx store.Tx) error {
		factors, err := s.readyToActivate(ctx, tx, p, req.StepUpToken)
		if err != nil {
			return err
		}
		resp, err = s.activate(ctx, tx, p, factors)
		return err
	})
	if err != nil {
		s.auditRefusedStepUp(ctx, p, err, "activate")
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// readyToActivate returns the member's factors once p may activate: the
// sign-in is still open, no backup is left to verify, the member is not
// activated yet (an access token), the setup is complete and a step-up
// covers it.
func (s *Server) readyToActivate(ctx context.Context, tx store.Tx, p principal, stepUp string) ([]store.Factor, error) {
	if err := s.stillValid(tx, p); err != nil {
		return nil, err
	}
	if err := s.requireBackupVerified(tx, p); err != nil {
		return nil, err
	}
	if p.Kind == bearerAccess {
		m, err := tx.Member(p.Member.ID)
		if err != nil {
			return nil, err
		}
		if m.TwoStep == store.TwoStepActivated {
			return nil, perr(http.StatusConflict, api.CodeAlreadyActivated, "two-step verification is already on")
		}
	}
	factors, err := tx.Factors(p.Member.ID)
	if err != nil {
		return nil, err
	}
	if missing := missingFactors(factors); len(missing) > 0 {
		e := perr(http.StatusConflict, api.CodeSetupIncomplete, "still to set up: "+strings.Join(missing, ", "))
		e.p.Missing = missing
		return nil, e
	}
	// With an access token, the session itself must have passed a second
	// factor for this setup: the step-up behind its last factor change,
	// or one given now. Otherwise a thief of a password-only session
	// could finish someone's abandoned setup and earn a session that
	// passed two-step verification.
	if _, err := s.authorizeFactorChange(ctx, tx, p, stepUp, summarize(factors).active, "activate"); err != nil {
		return nil, err
	}
	return factors, nil
}

// missingFactors names what a setup still lacks: one active authenticator
// and one active backup are needed.
func missingFactors(factors []store.Factor) []string {
	var auth, backup bool
	for _, f := range factors {
		if f.Status == api.FactorActive {
			auth = auth || f.Method == api.MethodAuthenticatorApp
			backup = backup || sendsCodes(f.Method)
		}
	}
	var missing []string
	if !auth {
		missing = append(missing, api.MissingAuthenticatorApp)
	}
	if !backup {
		missing = append(missing, api.MissingBackup)
	}
	return missing
}

// activate ends the setup: leftover reset factors go, the member is
// activated, and p's session is upgraded (an access token) or a new one
// starts (the setup token, used up).
func (s *Server) activate(ctx context.Context, tx store.Tx, p principal, factors []store.Factor) (api.AuthResponse, error) {
	for _, f := range factors {
		if f.Status == api.FactorReset {
			if err := s.deleteFactor(tx, f); err != nil {
				return api.AuthResponse{}, err
			}
		}
	}
	if err := tx.SetTwoStep(p.Member.ID, store.TwoStepActivated); err != nil {
		return api.AuthResponse{}, err
	}
	ev := memberEvent(auditSetupActivated, p.Member)
	if p.Kind == bearerAccess {
		ev.Detail = "this session upgraded"
	}
	if err := s.audit(ctx, tx, ev); err != nil {
		return api.AuthResponse{}, err
	}
	m, err := tx.Member(p.Member.ID)
	if err != nil {
		return api.AuthResponse{}, err
	}
	if p.Kind == bearerAccess {
		return s.upgradeSession(tx, p, m)
	}
	if err := tx.UseMFAToken(p.TokenHash, s.now()); err != nil {
		return api.AuthResponse{}, err
	}
	return s.startSession(ctx, tx, m, true)
}

// checkPhone accepts a phone number of 7 to 15 digits with the usual
// separators and an optional leading +.
func checkPhone(p string) (string, error) {
	p = strings.TrimSpace(p)
	if p == "" || len(p) > 32 {
		return "", validation("phone must be a phone number of 7 to 15 digits")
	}
	for i, r := range p {
		switch {
		case r >= '0' && r <= '9', r == ' ', r == '-', r == '(', r == ')', r == '.':
		case r == '+' && i == 0:
		default:
			return "", validation("phone may hold digits, spaces, dashes, dots, brackets and a leading +")
		}
	}
	if n := len(phoneDigits(p)); n < 7 || n > 15 {
		return "", validation("phone must be a phone number of 7 to 15 digits")
	}
	return p, nil
}

// checkEmail accepts one plain address (no display name), at most 254 bytes.
func checkEmail(e string) (string, error) {
	e = strings.TrimSpace(e)
	if e == "" || len(e) > 254 {
		return "", validation("email must be an address of at most 254 characters")
	}
	a, err := mail.ParseAddress(e)
	at := strings.LastIndex(e, "@")
	if err != nil || a.Address != e || a.Name != "" || at < 1 || !strings.Contains(e[at:], ".") {
		return "", validation("email must be a plain address like name@example.com")
	}
	return e, nil
}
