package app

import (
	"slices"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/i18n"
)

// MethodChoice is how this console version handles a member's enrolled methods.
type MethodChoice struct {
	// First is the method asked first; "" when no usable method is left.
	First api.Method
	// Usable are the enrolled methods this version can use, in its order.
	Usable []api.Method
	// Unsupported are enrolled methods this version cannot use (email on legacy).
	Unsupported []api.Method
	// Message explains, when First is "", why and what to do next.
	Message i18n.Text
}

// ChooseMethods decides the first method and the usable ones for a member
// enrolled in enrolled whose administrator chose primary.
func (c Capabilities) ChooseMethods(primary api.Method, enrolled []api.Method) MethodChoice {
	var ch MethodChoice
	for _, m := range c.Order(primary) {
		if slices.Contains(enrolled, m) {
			ch.Usable = append(ch.Usable, m)
		}
	}
	for _, m := range api.Methods {
		if slices.Contains(enrolled, m) && !c.Supports(m) {
			ch.Unsupported = append(ch.Unsupported, m)
		}
	}
	if len(ch.Usable) > 0 {
		ch.First = ch.Usable[0]
		return ch
	}
	ch.Message = c.noMethodMessage(ch.Unsupported)
	return ch
}

// Others are the "Use another method" options while current is on screen:
// on newer consoles every other usable method in order; on legacy consoles the
// next usable method in the fixed order (wrapping round to the first).
func (c Capabilities) Others(current, primary api.Method, enrolled []api.Method) []api.Method {
	usable := c.ChooseMethods(primary, enrolled).Usable
	i := slices.Index(usable, current)
	if c.AnyOtherMethod || i < 0 {
		out := make([]api.Method, 0, len(usable))
		for _, m := range usable {
			if m != current {
				out = append(out, m)
			}
		}
		if !c.AnyOtherMethod && len(out) > 1 {
			out = out[:1]
		}
		return out
	}
	if len(usable) < 2 {
		return nil
	}
	return []api.Method{usable[(i+1)%len(usable)]}
}

func (c Capabilities) noMethodMessage(unsupported []api.Method) i18n.Text {
	if slices.Contains(unsupported, api.MethodEmail) {
		return i18n.T("no_method.email_only_legacy", "Version", c.Version.String(), "Legacy", api.LastLegacyVersion.String())
	}
	return i18n.T("no_method.none")
}

// BackupOptions are the backup methods setup offers on this version (text
// message always, email only after 7.50.3572) and the one pre-selected
// (api.PreselectedBackup).
func (c Capabilities) BackupOptions(primary api.Method) (options []api.Method, preselected api.Method) {
	for _, m := range api.BackupMethods {
		if c.Supports(m) {
			options = append(options, m)
		}
	}
	return options, api.PreselectedBackup(primary, options)
}
