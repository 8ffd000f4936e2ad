package postgres

import (
	"errors"
	"fmt"
	"strings"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// Settings, groups and members.

func (t *pgTx) Settings() (store.Settings, error) {
	var s store.Settings
	var ma, a int
	var tech, pm string
	err := t.queryRow(`SELECT master_administrators, administrators, technicians, primary_method FROM settings WHERE id = 1`).
		Scan(&ma, &a, &tech, &pm)
	if err != nil {
		return s, noRows("settings", err)
	}
	s.MasterAdministrators, s.Administrators = ma != 0, a != 0
	s.Technicians, s.PrimaryMethod = api.TechnicianPolicy(tech), api.Method(pm)
	return s, nil
}

func (t *pgTx) PutSettings(s store.Settings) error {
	_, err := t.exec(`INSERT INTO settings (id, master_administrators, administrators, technicians, primary_method) VALUES (1, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET master_administrators = excluded.master_administrators, administrators = excluded.administrators,
		technicians = excluded.technicians, primary_method = excluded.primary_method`,
		b2i(s.MasterAdministrators), b2i(s.Administrators), string(s.Technicians), string(s.PrimaryMethod))
	if err != nil {
		return fmt.Errorf("put settings: %w", err)
	}
	return nil
}

const groupCols = `id, name, enforce_two_step, created_at`

type scanner interface{ Scan(...any) error }

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

func (t *pgTx) ListGroups() ([]store.Group, error) {
	rows, err := t.query(`SELECT ` + groupCols + ` FROM groups ORDER BY name`)
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

func (t *pgTx) Group(id string) (store.Group, error) {
	g, err := scanGroup(t.queryRow(`SELECT `+groupCols+` FROM groups WHERE id = ?`, id))
	if err != nil {
		return g, noRows("group", err)
	}
	return g, nil
}

func (t *pgTx) InsertGroup(g store.Group) error {
	if _, err := t.exec(`INSERT INTO groups (`+groupCols+`) VALUES (?, ?, ?, ?)`, g.ID, g.Name, b2i(g.EnforceTwoStep), ms(g.CreatedAt)); err != nil {
		return fmt.Errorf("insert group: %w", err)
	}
	return nil
}

func (t *pgTx) UpdateGroup(g store.Group) error {
	return t.execOne("update group", `UPDATE groups SET name = ?, enforce_two_step = ? WHERE id = ?`, g.Name, b2i(g.EnforceTwoStep), g.ID)
}

const memberCols = `id, username, display_name, password_hash, roles, COALESCE(group_id, ''), phone, email, last_sign_in_at, last_console_version, created_at, two_step`

func scanMember(r scanner) (store.Member, error) {
	var m store.Member
	var roles string
	var last, created int64
	if err := r.Scan(&m.ID, &m.Username, &m.DisplayName, &m.PasswordHash, &roles, &m.GroupID, &m.Phone, &m.Email, &last, &m.LastConsoleVersion, &created, &m.TwoStep); err != nil {
		return m, err
	}
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			m.Roles = append(m.Roles, api.Role(r))
		}
	}
	m.LastSignInAt, m.CreatedAt = fromMS(last), fromMS(created)
	return m, nil
}

func (t *pgTx) managedGroups(memberID string) ([]string, error) {
	rows, err := t.query(`SELECT group_id FROM managed_groups WHERE member_id = ? ORDER BY group_id`, memberID)
	if err != nil {
		return nil, fmt.Errorf("managed groups: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("managed groups: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func (t *pgTx) CountMembers() (int, error) {
	var n int
	if err := t.queryRow(`SELECT COUNT(*) FROM members`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count members: %w", err)
	}
	return n, nil
}

func (t *pgTx) ListMembers() ([]store.Member, error) {
	rows, err := t.query(`SELECT ` + memberCols + ` FROM members ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	var out []store.Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list members: %w", err)
		}
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	return out, t.fillManagedGroups(out)
}

func (t *pgTx) memberWhere(what, where string, arg any) (store.Member, error) {
	m, err := scanMember(t.queryRow(`SELECT `+memberCols+` FROM members WHERE `+where, arg))
	if err != nil {
		return m, noRows(what, err)
	}
	m.ManagedGroupIDs, err = t.managedGroups(m.ID)
	return m, err
}

func (t *pgTx) Member(id string) (store.Member, error) { return t.memberWhere("member", "id = ?", id) }

// MemberByUsername finds the member whose username equals username under
// PRECIS comparison (usernames.go). A legacy member whose name could not be
// indexed is found by the name exactly as stored, first, so that it signs in
// as it always did.
func (t *pgTx) MemberByUsername(username string) (store.Member, error) {
	m, err := t.memberWhere("member by username", "username = ? AND username_key IS NULL", username)
	if !errors.Is(err, store.ErrNotFound) {
		return m, err
	}
	key, _ := usernameIndex(username)
	if key == nil {
		return m, err
	}
	return t.memberWhere("member by username", "username_key = ?", key)
}

func rolesString(roles []api.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (t *pgTx) InsertMember(m store.Member) error {
	key, skeleton := usernameIndex(m.Username)
	_, err := t.exec(`INSERT INTO members (`+strings.ReplaceAll(memberCols, "COALESCE(group_id, '')", "group_id")+`, username_key, username_skeleton)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.Username, m.DisplayName, m.PasswordHash, rolesString(m.Roles), nullable(m.GroupID), m.Phone, m.Email,
		ms(m.LastSignInAt), m.LastConsoleVersion, ms(m.CreatedAt), string(m.TwoStep), key, skeleton)
	if err != nil {
		return fmt.Errorf("insert member: %w", err)
	}
	return t.putManaged(m)
}

// SetTwoStep records where the member stands with two-step verification.
// UpdateMember leaves it alone: only Activate and the resets change it.
func (t *pgTx) SetTwoStep(memberID string, st store.TwoStepState) error {
	return t.execOne("set two-step state", `UPDATE members SET two_step = ? WHERE id = ?`, string(st), memberID)
}

func (t *pgTx) UpdateMember(m store.Member) error {
	// A rename indexes the new name; otherwise the index stays as it is (a
	// legacy name left unindexed is not indexed by a password change).
	key, skeleton := usernameIndex(m.Username)
	err := t.execOne("update member", `UPDATE members SET
		username_key = CASE WHEN username = ? THEN username_key ELSE ? END,
		username_skeleton = CASE WHEN username = ? THEN username_skeleton ELSE ? END,
		username = ?, display_name = ?, password_hash = ?, roles = ?, group_id = ?,
		phone = ?, email = ?, last_sign_in_at = ?, last_console_version = ? WHERE id = ?`,
		m.Username, key, m.Username, skeleton,
		m.Username, m.DisplayName, m.PasswordHash, rolesString(m.Roles), nullable(m.GroupID), m.Phone, m.Email,
		ms(m.LastSignInAt), m.LastConsoleVersion, m.ID)
	if err != nil {
		return err
	}
	return t.putManaged(m)
}

func (t *pgTx) putManaged(m store.Member) error {
	if _, err := t.exec(`DELETE FROM managed_groups WHERE member_id = ?`, m.ID); err != nil {
		return fmt.Errorf("managed groups: %w", err)
	}
	for _, g := range m.ManagedGroupIDs {
		if _, err := t.exec(`INSERT INTO managed_groups (member_id, group_id) VALUES (?, ?)`, m.ID, g); err != nil {
			return fmt.Errorf("managed groups: %w", err)
		}
	}
	return nil
}
