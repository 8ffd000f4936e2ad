package store

import "github.com/remotesupport/techconsole/api"

// GlobalSettings keeps the organisation's settings.
type GlobalSettings interface {
	Settings() (Settings, error)
	PutSettings(Settings) error
}

// Settings is Admin Center > Global Settings > Two-step verification.
type Settings struct {
	MasterAdministrators bool
	Administrators       bool
	Technicians          api.TechnicianPolicy
	PrimaryMethod        api.Method
}
