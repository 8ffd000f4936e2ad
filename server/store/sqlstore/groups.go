package sqlstore

import (
	"fmt"

	"github.com/remotesupport/techconsole/server/store"
)

const groupCols = `id, name, enforce_two_step, created_at`

func scanGroup(r Scanner) (store.Group, error) {
	var g store.Group
	var enf int
	var created int64
	if err := r.Scan(&g.ID, &g.Name, &enf, &created); err != nil {
		return g, err
	}
	g.EnforceTwoStep, g.CreatedAt = enf != 0, FromMS(created)
	return g, nil
}

func (t *Tx) ListGroups() ([]store.Group, error) {
	rows, err := t.Query(`SELECT ` + groupCols + ` FROM groups ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list groups: %w", err)
	}
	defer rows.Close()
	var out []store.Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, fmt.Errorf("list groups: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func (t *Tx) Group(id string) (store.Group, error) {
	g, err := scanGroup(t.QueryRow(`SELECT `+groupCols+` FROM groups WHERE id = ?`, id))
	if err != nil {
		return g, NoRows("group", err)
	}
	return g, nil
}

func (t *Tx) InsertGroup(g store.Group) error {
	if _, err := t.Exec(`INSERT INTO groups (`+groupCols+`) VALUES (?, ?, ?, ?)`, g.ID, g.Name, B2I(g.EnforceTwoStep), MS(g.CreatedAt)); err != nil {
		return fmt.Errorf("insert group: %w", err)
	}
	return nil
}

func (t *Tx) UpdateGroup(g store.Group) error {
	return t.ExecOne("update group", `UPDATE groups SET name = ?, enforce_two_step = ? WHERE id = ?`, g.Name, B2I(g.EnforceTwoStep), g.ID)
}
