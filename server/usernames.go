package server

import (
	"slices"
	"unicode"

	"github.com/remotesupport/techconsole/server/store"
	"golang.org/x/text/secure/precis"
)

// Usernames are compared in their PRECIS form (RFC 8265 UsernameCaseMapped:
// width mapped, lower-cased, NFC; invisible and control characters
// refused), so "Alice" and fullwidth "ａｌｉｃｅ" are alice: at sign-in, in the
// throttle and in uniqueness. A new name must also not look like another:
// its confusable skeleton (Unicode TR39: "alıce", "a1ice" and Cyrillic
// "аӏісе" all become "alice") is unique too, and it may not mix scripts
// beyond the usual CJK mixes. The store keeps both forms beside the username
// (members.username_key, members.username_skeleton, unique).

// usernameTaken is the 409 answer to a name that another member's is, up to
// case and width, or looks like.
const usernameTaken = "that username is taken, or looks like one that is (same letters in another case or width, or look-alike letters)"

// usernameSubject is what sign-in looks a username up by and counts
// failures against: its key, or the name as typed when PRECIS refuses it
// (only a legacy member may hold such a name).
func usernameSubject(u string) string {
	if k, err := store.UsernameKey(u); err == nil && k != "" {
		return k
	}
	return u
}

// newUsername checks a username that an administrator gives a member and
// returns the form to store: PRECIS UsernameCasePreserved (widths mapped,
// NFC, the case as typed).
func newUsername(u string) (string, error) {
	if err := checkUsername(u); err != nil {
		return "", err
	}
	stored, err := precis.UsernameCasePreserved.String(u)
	if err != nil || stored == "" {
		return "", validation("username may hold letters, digits and symbols only: no spaces, invisible characters (such as zero-width joiners or soft hyphens) or control characters")
	}
	if len(stored) > maxUsername {
		return "", validation("username must be 1 to 64 characters")
	}
	key, err := store.UsernameKey(stored)
	if err != nil {
		return "", validation("username may hold letters, digits and symbols only: no spaces, invisible characters or control characters")
	}
	if !singleScript(key) {
		return "", validation("username mixes letters of different scripts (for example Latin and Cyrillic), which lets it pass for another name: use one script")
	}
	return stored, nil
}

// scriptSets are the mixes of scripts a name may use: one script, or the
// mixes that Japanese, Chinese and Korean writing need (TR39 "highly
// restrictive").
var scriptSets = [][]string{
	{"Latin", "Han", "Hiragana", "Katakana"},
	{"Latin", "Han", "Bopomofo"},
	{"Latin", "Han", "Hangul"},
}

// singleScript reports whether the letters of s come from one script or
// from one of scriptSets (digits, symbols and combining marks count for any).
func singleScript(s string) bool {
	used := map[string]bool{}
	for _, r := range s {
		if unicode.Is(unicode.Common, r) || unicode.Is(unicode.Inherited, r) {
			continue
		}
		for name, table := range unicode.Scripts {
			if unicode.Is(table, r) {
				used[name] = true
				break
			}
		}
	}
	if len(used) <= 1 {
		return true
	}
	for _, set := range scriptSets {
		all := true
		for name := range used {
			all = all && slices.Contains(set, name)
		}
		if all {
			return true
		}
	}
	return false
}
