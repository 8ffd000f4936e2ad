package server

import (
	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// twoStepRequired applies Global Settings > Two-step verification to one
// member: each role is judged on its own flag, and any one that requires it
// is enough. group is the member's technician group (nil if none).
func twoStepRequired(m store.Member, st store.Settings, group *store.Group) bool {
	if m.HasRole(api.RoleMasterAdministrator) && st.MasterAdministrators {
		return true
	}
	if m.HasRole(api.RoleAdministrator) && st.Administrators {
		return true
	}
	if m.HasRole(api.RoleTechnician) {
		switch st.Technicians {
		case api.TechniciansAll:
			return true
		case api.TechniciansSelectedGroups:
			return group != nil && group.EnforceTwoStep
		}
	}
	return false
}

// policyReader is what the two-step policy reads: the settings and groups.
type policyReader interface {
	store.GlobalSettings
	store.Groups
}

// memberRequired loads what twoStepRequired needs.
func memberRequired(tx policyReader, m store.Member) (bool, store.Settings, error) {
	st, err := tx.Settings()
	if err != nil {
		return false, st, err
	}
	var group *store.Group
	if m.GroupID != "" {
		g, err := tx.Group(m.GroupID)
		if err != nil {
			return false, st, err
		}
		group = &g
	}
	return twoStepRequired(m, st, group), st, nil
}

// twoStepView is the state as the Admin Center shows it.
func twoStepView(st store.TwoStepState) api.TwoStepState {
	switch st {
	case store.TwoStepActivated:
		return api.TwoStepActivated
	case store.TwoStepReset:
		return api.TwoStepReset
	}
	return api.TwoStepNotSetUp
}

// needsSetup reports whether a member who must use two-step verification
// has to go through setup at sign-in, and whether as "previously set up"
// (after a reset).
func needsSetup(m store.Member, e enrollment) (setup, reset bool) {
	reset = e.reset || m.TwoStep == store.TwoStepReset
	return reset || m.TwoStep != store.TwoStepActivated || len(e.active) == 0, reset
}

// enrollment summarises a member's factors for sign-in.
type enrollment struct {
	active []store.Factor // usable for a challenge, in the legacy order
	reset  bool           // some factor was reset: the member must set up again
}

func summarize(factors []store.Factor) enrollment {
	var e enrollment
	for _, method := range api.Methods {
		for _, f := range factors {
			if f.Method == method && f.Status == api.FactorActive {
				e.active = append(e.active, f)
			}
		}
	}
	for _, f := range factors {
		if f.Status == api.FactorReset {
			e.reset = true
		}
	}
	return e
}
