package app

import (
	"fmt"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/i18n"
)

// Capabilities is what an emulated console version can do (docs/DESIGN.md section 3),
// derived from the version number by comparison, never from a list of releases.
type Capabilities struct {
	Version api.ConsoleVersion
	// Legacy is true for 7.50.3572 and earlier.
	Legacy bool
	// EmailSupported: email codes can be used and set up.
	EmailSupported bool
	// PrimaryHonoured: the administrator's primary method is asked first.
	PrimaryHonoured bool
	// AnyOtherMethod: "Use another method" offers every other enrolled method
	// (newer consoles); otherwise only the next one in the fixed order.
	AnyOtherMethod bool
}

// CapabilitiesOf derives the capabilities of a console version.
func CapabilitiesOf(v api.ConsoleVersion) Capabilities {
	legacy := v.IsLegacy()
	return Capabilities{
		Version:         v,
		Legacy:          legacy,
		EmailSupported:  !legacy,
		PrimaryHonoured: !legacy,
		AnyOtherMethod:  !legacy,
	}
}

// ParseCapabilities parses a version typed by a tester and derives its
// capabilities; the error says what a valid version looks like.
func ParseCapabilities(s string) (Capabilities, error) {
	v, err := api.ParseConsoleVersion(s)
	if err != nil {
		return Capabilities{}, fmt.Errorf("emulated console version: %w", err)
	}
	return CapabilitiesOf(v), nil
}

// Supports reports whether this version can use m at all.
func (c Capabilities) Supports(m api.Method) bool {
	switch m {
	case api.MethodAppNotification, api.MethodAuthenticatorApp, api.MethodSMS:
		return true
	case api.MethodEmail:
		return c.EmailSupported
	}
	return false
}

// Order is the order in which this version tries methods for a member whose
// administrator chose primary: legacy consoles use the fixed order
// (app notification, authenticator app, SMS) and never email; newer ones put
// the primary method first, then the same order, then email.
func (c Capabilities) Order(primary api.Method) []api.Method {
	out := make([]api.Method, 0, len(api.Methods))
	if c.Legacy {
		// api.Methods is the fixed order; legacy consoles only drop email.
		for _, m := range api.Methods {
			if c.Supports(m) {
				out = append(out, m)
			}
		}
		return out
	}
	if primary.Valid() {
		out = append(out, primary)
	}
	for _, m := range api.Methods {
		if m != primary {
			out = append(out, m)
		}
	}
	return out
}

// Describe is a one-line summary for the tester panel.
func (c Capabilities) Describe() i18n.Text {
	if c.Legacy {
		return i18n.T("caps.legacy", "Version", c.Version.String(), "Legacy", api.LastLegacyVersion.String())
	}
	return i18n.T("caps.current", "Version", c.Version.String(), "Legacy", api.LastLegacyVersion.String())
}
