package sqlstore

import (
	"fmt"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

func (t *Tx) Settings() (store.Settings, error) {
	var s store.Settings
	var ma, a int
	var tech, pm string
	err := t.QueryRow(`SELECT master_administrators, administrators, technicians, primary_method FROM settings WHERE id = 1`).
		Scan(&ma, &a, &tech, &pm)
	if err != nil {
		return s, NoRows("settings", err)
	}
	s.MasterAdministrators, s.Administrators = ma != 0, a != 0
	s.Technicians, s.PrimaryMethod = api.TechnicianPolicy(tech), api.Method(pm)
	return s, nil
}

func (t *Tx) PutSettings(s store.Settings) error {
	_, err := t.Exec(`INSERT INTO settings (id, master_administrators, administrators, technicians, primary_method) VALUES (1, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET master_administrators = excluded.master_administrators, administrators = excluded.administrators,
		technicians = excluded.technicians, primary_method = excluded.primary_method`,
		B2I(s.MasterAdministrators), B2I(s.Administrators), string(s.Technicians), string(s.PrimaryMethod))
	if err != nil {
		return fmt.Errorf("put settings: %w", err)
	}
	return nil
}
