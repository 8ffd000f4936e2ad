package sqlite

import (
	"errors"
	"fmt"
	"strings"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

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

func (t *sqliteTx) managedGroups(memberID string) ([]string, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT group_id FROM managed_groups WHERE member_id = ? ORDER BY group_id`, memberID)
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

func (t *sqliteTx) CountMembers() (int, error) {
	var n int
	if err := t.tx.QueryRowContext(t.ctx, `SELECT COUNT(*) FROM members`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count members: %w", err)
	}
	return n, nil
}

func (t *sqliteTx) ListMembers() ([]store.Member, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT `+memberCols+` FROM members ORDER BY username`)
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

func (t *sqliteTx) memberWhere(what, where string, arg any) (store.Member, error) {
	m, err := scanMember(t.tx.QueryRowContext(t.ctx, `SELECT `+memberCols+` FROM members WHERE `+where, arg))
	if err != nil {
		return m, noRows(what, err)
	}
	m.ManagedGroupIDs, err = t.managedGroups(m.ID)
	return m, err
}

func (t *sqliteTx) Member(id string) (store.Member, error) {
	return t.memberWhere("member", "id = ?", id)
}

// MemberByUsername finds the member whose username equals username under
// PRECIS comparison (store.UsernameKey). A legacy member whose name could not be
// indexed is found by the name exactly as stored, first, so that it signs in
// as it always did.
func (t *sqliteTx) MemberByUsername(username string) (store.Member, error) {
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

func (t *sqliteTx) InsertMember(m store.Member) error {
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
func (t *sqliteTx) SetTwoStep(memberID string, st store.TwoStepState) error {
	return t.execOne("set two-step state", `UPDATE members SET two_step = ? WHERE id = ?`, string(st), memberID)
}

func (t *sqliteTx) UpdateMember(m store.Member) error {
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

func (t *sqliteTx) putManaged(m store.Member) error {
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
