package server

import (
	"fmt"
	"net/url"
	"time"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// DemoPassword is every demo technician's password.
const DemoPassword = "Demo-Pass-2026"

// demoPasswordHash is argon2id(DemoPassword) at the server's parameters,
// stored as is so that seeding costs no hashing.
const demoPasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$5vLE1exbsMxVrlbaenrnFQ$Ys8o6jSkn4H3a7mSR6YTquzrcutbibXVFH7rnSRLj2Q"

// totpIssuer names the organisation in authenticator apps.
const totpIssuer = "Remote Support"

// DemoAccount is one account of the demo organisation, with what tests and
// the embedded console's virtual phone need to act as its owner.
type DemoAccount struct {
	Username    string
	Password    string
	DisplayName string
	TOTPSecret  string // base32; "" if none
	OTPAuthURI  string // "" if none
	// DeviceToken is alice's demo push device: made at random when the
	// demo organisation is seeded and stored hashed, so it is filled only in
	// Server.SeededDemo; "" elsewhere.
	DeviceToken string
	Phone       string
	Email       string
	Note        string
}

var demoSettings = store.Settings{
	MasterAdministrators: false,
	Administrators:       true,
	Technicians:          api.TechniciansSelectedGroups,
	PrimaryMethod:        api.MethodAppNotification,
}

const (
	demoSupportDesk    = "Support Desk"
	demoFieldServices  = "Field Services"
	demoBackOffice     = "Back Office"
	demoFrankOldSecret = "ZHBLJ7OZ7JKMPEVFTGP5W72IMPCQFUN6"
)

// demoFactor is how a demo member is enrolled.
type demoFactor struct {
	method api.Method
	status api.FactorStatus
}

type demoMember struct {
	DemoAccount
	roles   []api.Role
	group   string
	manages []string
	factors []demoFactor
}

var (
	active = api.FactorActive
	authOn = demoFactor{api.MethodAuthenticatorApp, active}
	pushOn = demoFactor{api.MethodAppNotification, active}
	smsOn  = demoFactor{api.MethodSMS, active}
	mailOn = demoFactor{api.MethodEmail, active}
	tech   = []api.Role{api.RoleTechnician}
)

var demoMembers = []demoMember{
	{DemoAccount: DemoAccount{Username: "alice", DisplayName: "Alice Anderson", TOTPSecret: "N7AJPFDMD6SEUAAFVGVK7KCAFKCBGJQS",
		Phone: "555-0101", Email: "alice@example.com",
		Note: "authenticator app + app notification (demo push device) + SMS"},
		roles: tech, group: demoSupportDesk, factors: []demoFactor{authOn, pushOn, smsOn}},
	{DemoAccount: DemoAccount{Username: "bob", DisplayName: "Bob Brown", TOTPSecret: "UPMOVE2R3DMUSPX7N3P4LIBU5LJL5HFV",
		Phone: "555-0102", Email: "bob@example.com", Note: "authenticator app + SMS"},
		roles: tech, group: demoSupportDesk, factors: []demoFactor{authOn, smsOn}},
	{DemoAccount: DemoAccount{Username: "carol", DisplayName: "Carol Clark", TOTPSecret: "SYTDROO2C5MJS2WL2NJWIPM7EGZZOBLG",
		Phone: "555-0103", Email: "carol@example.com", Note: "authenticator app + email"},
		roles: tech, group: demoFieldServices, factors: []demoFactor{authOn, mailOn}},
	{DemoAccount: DemoAccount{Username: "dave", DisplayName: "Dave Davis", Phone: "555-0104", Email: "dave@example.com",
		Note: "email only (the legacy-console case)"},
		roles: tech, group: demoFieldServices, factors: []demoFactor{mailOn}},
	{DemoAccount: DemoAccount{Username: "erin", DisplayName: "Erin Evans", Phone: "555-0105", Email: "erin@example.com",
		Note: "nothing enrolled: first-time setup"},
		roles: tech, group: demoSupportDesk},
	{DemoAccount: DemoAccount{Username: "frank", DisplayName: "Frank Foster", Phone: "555-0106", Email: "frank@example.com",
		Note: "after a lost-phone reset: authenticator reset, SMS still active"},
		roles: tech, group: demoSupportDesk, factors: []demoFactor{{api.MethodAuthenticatorApp, api.FactorReset}, smsOn}},
	{DemoAccount: DemoAccount{Username: "grace", DisplayName: "Grace Green", Phone: "555-0107", Email: "grace@example.com",
		Note: "nothing enrolled; Back Office does not enforce two-step: password alone"},
		roles: tech, group: demoBackOffice},
	{DemoAccount: DemoAccount{Username: "henry", DisplayName: "Henry Hughes", TOTPSecret: "ZEJLGXKCCTKOQARPGXMDAXWUBH7LS3A5",
		Phone: "555-0108", Email: "henry@example.com", Note: "administrator (manages Support Desk) + technician; authenticator app + SMS"},
		roles: []api.Role{api.RoleAdministrator, api.RoleTechnician}, group: demoSupportDesk, manages: []string{demoSupportDesk},
		factors: []demoFactor{authOn, smsOn}},
}

// twoStep is where the demo member stands, by the migration's rule for
// existing members: a reset factor means a reset since Activate (frank,
// whose authenticator was reset, sets up again "previously set up"); an
// active SMS or email backup means activated (alice to dave, henry; dave is
// the legacy email-only enrolment); nothing set up means first time.
func (d demoMember) twoStep() store.TwoStepState {
	st := store.TwoStepNone
	for _, f := range d.factors {
		switch {
		case f.status == api.FactorReset:
			return store.TwoStepReset
		case f.status == api.FactorActive && (f.method == api.MethodSMS || f.method == api.MethodEmail):
			st = store.TwoStepActivated
		}
	}
	return st
}

// DemoAccounts lists the demo organisation's technicians and administrator
// (the master administrator "admin" is not listed: its password is
// configured). Device tokens are not in it: see Server.SeededDemo.
func DemoAccounts() []DemoAccount {
	out := make([]DemoAccount, 0, len(demoMembers))
	for _, d := range demoMembers {
		a := d.DemoAccount
		a.Password = DemoPassword
		if a.TOTPSecret != "" {
			a.OTPAuthURI = otpauthURI(a.Username, a.TOTPSecret)
		}
		out = append(out, a)
	}
	return out
}

// otpauthURI is the standard key URI (SHA1, 6 digits, 30 s).
func otpauthURI(account, secret string) string {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", totpIssuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", "30")
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + totpIssuer + ":" + account, RawQuery: v.Encode()}
	return u.String()
}

// seedDemo writes the demo organisation (DEMO.md) into tx and returns the
// device tokens of the demo push devices it registered (username → token):
// each made here at random and stored only as a hash, like any device's.
func (s *Server) seedDemo(tx store.Tx, now time.Time) (map[string]string, error) {
	devices := map[string]string{}
	groups := map[string]string{}
	for _, g := range []struct {
		name    string
		enforce bool
	}{{demoSupportDesk, true}, {demoFieldServices, true}, {demoBackOffice, false}} {
		id := newID(prefixGroup)
		if err := tx.InsertGroup(store.Group{ID: id, Name: g.name, EnforceTwoStep: g.enforce, CreatedAt: now}); err != nil {
			return nil, fmt.Errorf("demo group %s: %w", g.name, err)
		}
		groups[g.name] = id
	}
	for _, d := range demoMembers {
		m := store.Member{
			ID: newID(prefixMember), Username: d.Username, DisplayName: d.DisplayName, PasswordHash: demoPasswordHash,
			Roles: d.roles, GroupID: groups[d.group], ManagedGroupIDs: []string{}, Phone: d.Phone, Email: d.Email, CreatedAt: now,
		}
		for _, g := range d.manages {
			m.ManagedGroupIDs = append(m.ManagedGroupIDs, groups[g])
		}
		m.TwoStep = d.twoStep()
		if err := tx.InsertMember(m); err != nil {
			return nil, fmt.Errorf("demo member %s: %w", d.Username, err)
		}
		token, err := s.seedDemoFactors(tx, m, d, now)
		if err != nil {
			return nil, err
		}
		if token != "" {
			devices[d.Username] = token
		}
	}
	return devices, nil
}

// seedDemoFactors gives demo member m (described by d) its factors; a
// paired phone's device token comes back, "" for none.
func (s *Server) seedDemoFactors(tx store.Tx, m store.Member, d demoMember, now time.Time) (deviceToken string, err error) {
	var authID string
	for _, df := range d.factors {
		f := store.Factor{ID: newID(prefixFactor), MemberID: m.ID, Method: df.method, Status: df.status, CreatedAt: now, Confirmed: now}
		switch df.method {
		case api.MethodAuthenticatorApp:
			secret := d.TOTPSecret
			if secret == "" {
				secret = demoFrankOldSecret
			}
			if f.Secret, err = s.seal.seal([]byte(secret), f.ID); err != nil {
				return "", err
			}
			authID = f.ID
		case api.MethodAppNotification:
			f.ParentID = authID
		case api.MethodSMS:
			f.Target = d.Phone
		case api.MethodEmail:
			f.Target = d.Email
		}
		if err := tx.InsertFactor(f); err != nil {
			return "", fmt.Errorf("demo factor %s/%s: %w", d.Username, df.method, err)
		}
		if df.method == api.MethodAppNotification {
			deviceToken = newToken()
			dev := store.Device{ID: newID(prefixDevice), MemberID: m.ID, FactorID: f.ID, Name: "Demo phone",
				TokenHash: hashToken(deviceToken), CreatedAt: now}
			if err := tx.InsertDevice(dev); err != nil {
				return "", fmt.Errorf("demo device %s: %w", d.Username, err)
			}
		}
	}
	return deviceToken, nil
}

// SeededDemo is DemoAccounts with the device tokens that seeding made, when
// this Open seeded the demo organisation into an empty database; nil
// otherwise (the tokens exist only as hashes in the database then).
func (s *Server) SeededDemo() []DemoAccount {
	if s.demoDevices == nil {
		return nil
	}
	out := DemoAccounts()
	for i := range out {
		out[i].DeviceToken = s.demoDevices[out[i].Username]
	}
	return out
}
