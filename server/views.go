package server

import (
	"strings"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// Wire views of stored things.

func factorView(f store.Factor) api.Factor {
	return api.Factor{ID: f.ID, Method: f.Method, Status: f.Status, Label: factorLabel(f)}
}

func factorViews(fs []store.Factor) []api.Factor {
	out := make([]api.Factor, 0, len(fs))
	for _, f := range fs {
		out = append(out, factorView(f))
	}
	return out
}

func factorLabel(f store.Factor) string {
	switch f.Method {
	case api.MethodSMS:
		if f.Target != "" {
			return "Text message to " + maskPhone(f.Target)
		}
	case api.MethodEmail:
		if f.Target != "" {
			return "Email to " + maskEmail(f.Target)
		}
	}
	return f.Method.Label()
}

func methodOptions(active []store.Factor) []api.MethodOption {
	out := make([]api.MethodOption, 0, len(active))
	for _, f := range active {
		out = append(out, api.MethodOption{ID: f.ID, Method: f.Method, Label: factorLabel(f)})
	}
	return out
}

func activeMethods(active []store.Factor) []api.Method {
	out := []api.Method{}
	seen := map[api.Method]bool{}
	for _, f := range active {
		if !seen[f.Method] {
			seen[f.Method] = true
			out = append(out, f.Method)
		}
	}
	return out
}

// userView is the signed-in member as the console shows them.
func userView(tx store.Tx, m store.Member) (api.User, error) {
	required, st, err := memberRequired(tx, m)
	if err != nil {
		return api.User{}, err
	}
	factors, err := tx.Factors(m.ID)
	if err != nil {
		return api.User{}, err
	}
	u := api.User{
		ID: m.ID, Username: m.Username, DisplayName: m.DisplayName, Roles: m.Roles,
		TwoStep: api.UserTwoStep{Required: required, PrimaryMethod: st.PrimaryMethod, Methods: activeMethods(summarize(factors).active)},
	}
	if u.Roles == nil {
		u.Roles = []api.Role{}
	}
	if m.GroupID != "" {
		g, err := tx.Group(m.GroupID)
		if err != nil {
			return api.User{}, err
		}
		u.Group = &api.GroupRef{ID: g.ID, Name: g.Name}
	}
	return u, nil
}

// maskPhone keeps the last four digits: "******0101".
func maskPhone(p string) string {
	d := phoneDigits(p)
	if len(d) <= 4 {
		return strings.Repeat("*", len(d))
	}
	return strings.Repeat("*", len(d)-4) + d[len(d)-4:]
}

// maskEmail keeps the first letter and the domain: "c***@example.com".
func maskEmail(e string) string {
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" {
		return "***"
	}
	return local[:1] + "***@" + domain
}

func phoneDigits(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// normalizeTarget is how a phone or email is keyed in the outbox.
func normalizeTarget(to string) string {
	to = strings.TrimSpace(to)
	if strings.Contains(to, "@") {
		return strings.ToLower(to)
	}
	if strings.HasPrefix(to, "+") {
		return "+" + phoneDigits(to)
	}
	return phoneDigits(to)
}
