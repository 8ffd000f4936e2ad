package app

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/i18n"
)

// The rules of docs/DESIGN.md section 3, written out again independently of choice.go.

var (
	legacyVersion  = api.ConsoleVersion{Major: 7, Minor: 50, Build: 3572}
	currentVersion = api.ConsoleVersion{Major: 7, Minor: 51, Build: 0}
	allMethods     = []api.Method{api.MethodAuthenticatorApp, api.MethodAppNotification, api.MethodSMS, api.MethodEmail}
)

// expectedFirst: legacy tries app_notification, authenticator_app, sms in that
// order and never email; current asks the primary when enrolled, then
// app_notification, authenticator_app, sms, email.
func expectedFirst(legacy bool, primary api.Method, enrolled map[api.Method]bool) api.Method {
	if !legacy && enrolled[primary] {
		return primary
	}
	for _, m := range []api.Method{"app_notification", "authenticator_app", "sms"} {
		if enrolled[m] {
			return m
		}
	}
	if !legacy && enrolled["email"] {
		return "email"
	}
	return ""
}

// expectedUsable is every enrolled method the version knows, primary first on current.
func expectedUsable(legacy bool, primary api.Method, enrolled map[api.Method]bool) []api.Method {
	var out []api.Method
	if !legacy && enrolled[primary] {
		out = append(out, primary)
	}
	for _, m := range []api.Method{"app_notification", "authenticator_app", "sms", "email"} {
		if !enrolled[m] || (legacy && m == "email") || (!legacy && m == primary) {
			continue
		}
		out = append(out, m)
	}
	return out
}

func subsets() [][]api.Method {
	var out [][]api.Method
	for mask := 0; mask < 16; mask++ {
		var s []api.Method
		for i, m := range allMethods {
			if mask&(1<<i) != 0 {
				s = append(s, m)
			}
		}
		out = append(out, s)
	}
	return out
}

func TestMethodChoiceMatrix(t *testing.T) {
	cases := 0
	for _, legacy := range []bool{true, false} {
		v := currentVersion
		if legacy {
			v = legacyVersion
		}
		caps := CapabilitiesOf(v)
		for _, primary := range allMethods {
			for _, enrolledList := range subsets() {
				cases++
				enrolled := map[api.Method]bool{}
				for _, m := range enrolledList {
					enrolled[m] = true
				}
				name := fmt.Sprintf("legacy=%v/primary=%s/enrolled=%v", legacy, primary, enrolledList)
				t.Run(name, func(t *testing.T) {
					ch := caps.ChooseMethods(primary, enrolledList)
					want := expectedFirst(legacy, primary, enrolled)
					if ch.First != want {
						t.Fatalf("first = %q, want %q", ch.First, want)
					}
					usable := expectedUsable(legacy, primary, enrolled)
					if !slices.Equal(ch.Usable, usable) {
						t.Fatalf("usable = %v, want %v", ch.Usable, usable)
					}
					if legacy && enrolled["email"] != slices.Contains(ch.Unsupported, api.MethodEmail) {
						t.Fatalf("unsupported = %v with email enrolled=%v", ch.Unsupported, enrolled["email"])
					}
					if !legacy && len(ch.Unsupported) != 0 {
						t.Fatalf("current console reports unsupported %v", ch.Unsupported)
					}
					switch {
					case want != "" && !ch.Message.IsZero():
						t.Fatalf("message %q although %s is usable", i18n.English(ch.Message), want)
					case want == "" && enrolled["email"]:
						// Only possible on legacy: the email-only member.
						for _, part := range []string{"Console 7.50.3572", "cannot use email", "administrator", "newer console"} {
							if !strings.Contains(i18n.English(ch.Message), part) {
								t.Fatalf("message %q lacks %q", i18n.English(ch.Message), part)
							}
						}
					case want == "" && len(enrolledList) == 0:
						if !strings.Contains(i18n.English(ch.Message), "administrator") {
							t.Fatalf("message %q does not say what to do", i18n.English(ch.Message))
						}
					}
					// "Use another method" from each usable method.
					for i, cur := range usable {
						others := caps.Others(cur, primary, enrolledList)
						var wantOthers []api.Method
						if legacy {
							if len(usable) > 1 {
								wantOthers = []api.Method{usable[(i+1)%len(usable)]}
							}
						} else {
							for _, m := range usable {
								if m != cur {
									wantOthers = append(wantOthers, m)
								}
							}
						}
						if !slices.Equal(others, wantOthers) {
							t.Fatalf("others from %s = %v, want %v", cur, others, wantOthers)
						}
						if slices.Contains(others, api.MethodEmail) && legacy {
							t.Fatalf("legacy offers email")
						}
					}
				})
			}
		}
	}
	if cases != 2*4*16 {
		t.Fatalf("matrix has %d cases, want 128", cases)
	}
}

func TestCapabilitiesBoundary(t *testing.T) {
	for _, tc := range []struct {
		in     string
		legacy bool
	}{
		{"7.50.3572", true}, {"7.50.3573", false}, {"7.51.0", false}, {"7.49.9999", true},
		{"6.99.99999", true}, {"8.0.0", false}, {"0.0.0", true},
	} {
		c, err := ParseCapabilities(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if c.Legacy != tc.legacy || c.EmailSupported == tc.legacy || c.PrimaryHonoured == tc.legacy || c.AnyOtherMethod == tc.legacy {
			t.Errorf("%s: %+v, want legacy=%v", tc.in, c, tc.legacy)
		}
		if c.Supports(api.MethodEmail) == tc.legacy {
			t.Errorf("%s: email supported = %v", tc.in, !tc.legacy)
		}
	}
	for _, bad := range []string{"", "7.50", "v7.50.3572", "7.50.3572.1", "7.5O.1", " 7.50.1", "-1.0.0"} {
		if _, err := ParseCapabilities(bad); err == nil || !strings.Contains(err.Error(), "major.minor.build") {
			t.Errorf("%q: err = %v, want a message naming major.minor.build", bad, err)
		}
	}
}

func TestBackupOptions(t *testing.T) {
	for _, legacy := range []bool{true, false} {
		v := currentVersion
		if legacy {
			v = legacyVersion
		}
		caps := CapabilitiesOf(v)
		for _, primary := range allMethods {
			opts, pre := caps.BackupOptions(primary)
			wantOpts := []api.Method{api.MethodSMS}
			if !legacy {
				wantOpts = append(wantOpts, api.MethodEmail)
			}
			wantPre := api.MethodSMS
			if primary == api.MethodEmail && !legacy {
				wantPre = api.MethodEmail
			}
			if !slices.Equal(opts, wantOpts) || pre != wantPre {
				t.Errorf("legacy=%v primary=%s: %v/%s, want %v/%s", legacy, primary, opts, pre, wantOpts, wantPre)
			}
		}
	}
}
