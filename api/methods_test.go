package api

import "testing"

func TestPreselectedBackup(t *testing.T) {
	legacy := []Method{MethodSMS}
	tests := []struct {
		name    string
		primary Method
		options []Method
		want    Method
	}{
		{"primary email", MethodEmail, BackupMethods, MethodEmail},
		{"primary sms", MethodSMS, BackupMethods, MethodSMS},
		{"primary authenticator: text message", MethodAuthenticatorApp, BackupMethods, MethodSMS},
		{"no primary: text message", "", BackupMethods, MethodSMS},
		{"primary email on a legacy console: text message", MethodEmail, legacy, MethodSMS},
		{"no options", MethodEmail, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PreselectedBackup(tt.primary, tt.options); got != tt.want {
				t.Errorf("PreselectedBackup(%q, %v) = %q, want %q", tt.primary, tt.options, got, tt.want)
			}
		})
	}
}

func TestEveryMethodHasWords(t *testing.T) {
	for _, m := range Methods {
		if m.Label() == string(m) || m.Phrase() == m.Label() {
			t.Errorf("%s: label %q, phrase %q: a method without its own words", m, m.Label(), m.Phrase())
		}
	}
}
