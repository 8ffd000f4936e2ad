package server

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/remotesupport/techconsole/api"
)

// Password rules (NIST SP 800-63B): at least 8 characters, long ones
// allowed, common ones refused.
const minPassword = 8

// commonPasswords is a short list of the passwords attackers try first.
var commonPasswords = map[string]bool{
	"password": true, "password1": true, "password123": true, "passw0rd": true, "12345678": true, "123456789": true,
	"1234567890": true, "qwertyuiop": true, "qwerty123": true, "11111111": true, "00000000": true, "iloveyou": true,
	"letmein1": true, "welcome1": true, "welcome123": true, "admin123": true, "administrator": true, "abc12345": true,
	"changeme": true, "sunshine": true, "football": true, "baseball": true, "princess": true, "trustno1": true,
	"remotesupport": true, "technician": true,
}

// checkNewPassword applies the rules to a password being set for username.
func checkNewPassword(pw, username string) error {
	if len(pw) > maxPassword {
		return validation("password must be at most 1024 bytes")
	}
	if !utf8.ValidString(pw) {
		return validation("password must be valid text")
	}
	if utf8.RuneCountInString(pw) < minPassword {
		return perr(http.StatusBadRequest, api.CodeWeakPassword, "the password must have at least 8 characters")
	}
	low := strings.ToLower(pw)
	if commonPasswords[low] || (username != "" && strings.Contains(low, strings.ToLower(username)) && len(low) < len(username)+4) {
		return perr(http.StatusBadRequest, api.CodeWeakPassword, "that password is too common or too close to the username")
	}
	return nil
}
