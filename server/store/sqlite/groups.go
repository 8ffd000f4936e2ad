package sqlite

import (
	"fmt"

	"github.com/remotesupport/techconsole/server/store"
)

const groupCols = `id, name, enforce_two_step, created_at`

func scanGroup(r scanner) (store.Group, error) {
	var g store.Group
	var enf int
	var created int64
	if err := r.Scan(&g.ID, &g.Name, &enf, &created); err != nil {
		return g, err
	}
	g.EnforceTwoStep, g.CreatedAt = enf != 0, fromMS(created)
	return g, nil
}

func (t *sqliteTx) ListGroups() ([]store.Group, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT `+groupCols+` FROM groups ORDER BY name`)
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

func (t *sqliteTx) Group(id string) (store.Group, error) {
	g, err := scanGroup(t.tx.QueryRowContext(t.ctx, `SELECT `+groupCols+` FROM groups WHERE id = ?`, id))
	if err != nil {
		return g, noRows("group", err)
	}
	return g, nil
}

func (t *sqliteTx) InsertGroup(g store.Group) error {
	if _, err := t.exec(`INSERT INTO groups (`+groupCols+`) VALUES (?, ?, ?, ?)`, g.ID, g.Name, b2i(g.EnforceTwoStep), ms(g.CreatedAt)); err != nil {
		return fmt.Errorf("insert group: %w", err)
	}
	return nil
}

func (t *sqliteTx) UpdateGroup(g store.Group) error {
	return t.execOne("update group", `UPDATE groups SET name = ?, enforce_two_step = ? WHERE id = ?`, g.Name, b2i(g.EnforceTwoStep), g.ID)
}
