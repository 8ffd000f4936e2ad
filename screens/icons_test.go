package screens

import (
	"testing"

	"fyne.io/fyne/v2/theme"

	"github.com/remotesupport/techconsole/api"
)

// TestMethodIcons pins what each two-step method shows: the icon must mean
// the method (a text message is not an envelope, an email not a paperclip).
func TestMethodIcons(t *testing.T) {
	want := map[api.Method]string{
		api.MethodAppNotification:  "foreground_method-notification.svg",  // a bell
		api.MethodAuthenticatorApp: "foreground_method-authenticator.svg", // a phone with a padlock
		api.MethodSMS:              "foreground_method-sms.svg",           // a speech bubble
		api.MethodEmail:            theme.MailComposeIcon().Name(),        // an envelope
	}
	seen := map[string]api.Method{}
	for _, m := range api.Methods {
		got := methodIcon(m).Name()
		if got != want[m] {
			t.Errorf("%s icon = %q, want %q", m, got, want[m])
		}
		if other, dup := seen[got]; dup {
			t.Errorf("%s and %s share the icon %q", m, other, got)
		}
		seen[got] = m
	}
	if got := theme.MailComposeIcon().Name(); got != "foreground_mail-compose.svg" {
		t.Errorf("email icon is %q, want Fyne's plain envelope (mail-compose.svg)", got)
	}
}
