package sqlstore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/remotesupport/techconsole/api"
	"github.com/remotesupport/techconsole/server/store"
)

// MemberCols are the columns ScanMember reads.
const MemberCols = `id, username, display_name, password_hash, roles, COALESCE(group_id, ''), phone, email, last_sign_in_at, last_console_version, created_at, two_step`

// ScanMember reads a row of MemberCols.
func ScanMember(r Scanner) (store.Member, error) {
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
	m.LastSignInAt, m.CreatedAt = FromMS(last), FromMS(created)
	return m, nil
}

func (t *Tx) managedGroups(memberID string) ([]string, error) {
	return t.QueryStrings("managed groups", `SELECT group_id FROM managed_groups WHERE member_id = ? ORDER BY group_id`, memberID)
}

func (t *Tx) CountMembers() (int, error) {
	var n int
	if err := t.QueryRow(`SELECT COUNT(*) FROM members`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count members: %w", err)
	}
	return n, nil
}

func (t *Tx) ListMembers() ([]store.Member, error) {
	return t.QueryMembers("list members", `SELECT `+MemberCols+` FROM members ORDER BY username`)
}

func (t *Tx) memberWhere(what, where string, arg any) (store.Member, error) {
	m, err := ScanMember(t.QueryRow(`SELECT `+MemberCols+` FROM members WHERE `+where, arg))
	if err != nil {
		return m, NoRows(what, err)
	}
	m.ManagedGroupIDs, err = t.managedGroups(m.ID)
	return m, err
}

func (t *Tx) Member(id string) (store.Member, error) {
	return t.memberWhere("member", "id = ?", id)
}

// MemberByUsername finds the member whose username equals username under
// PRECIS comparison (store.UsernameKey). A legacy member whose name could not be
// indexed is found by the name exactly as stored, first, so that it signs in
// as it always did.
func (t *Tx) MemberByUsername(username string) (store.Member, error) {
	m, err := t.memberWhere("member by username", "username = ? AND username_key IS NULL", username)
	if !errors.Is(err, store.ErrNotFound) {
		return m, err
	}
	key, _ := UsernameIndex(username)
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

func (t *Tx) InsertMember(m store.Member) error {
	key, skeleton := UsernameIndex(m.Username)
	_, err := t.Exec(`INSERT INTO members (`+strings.ReplaceAll(MemberCols, "COALESCE(group_id, '')", "group_id")+`, username_key, username_skeleton)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.Username, m.DisplayName, m.PasswordHash, rolesString(m.Roles), nullable(m.GroupID), m.Phone, m.Email,
		MS(m.LastSignInAt), m.LastConsoleVersion, MS(m.CreatedAt), string(m.TwoStep), key, skeleton)
	if err != nil {
		return fmt.Errorf("insert member: %w", err)
	}
	return t.putManaged(m)
}

// SetTwoStep records where the member stands with two-step verification.
// UpdateMember leaves it alone: only Activate and the resets change it.
func (t *Tx) SetTwoStep(memberID string, st store.TwoStepState) error {
	return t.ExecOne("set two-step state", `UPDATE members SET two_step = ? WHERE id = ?`, string(st), memberID)
}

func (t *Tx) UpdateMember(m store.Member) error {
	// A rename indexes the new name; otherwise the index stays as it is (a
	// legacy name left unindexed is not indexed by a password change).
	key, skeleton := UsernameIndex(m.Username)
	err := t.ExecOne("update member", `UPDATE members SET
		username_key = CASE WHEN username = ? THEN username_key ELSE ? END,
		username_skeleton = CASE WHEN username = ? THEN username_skeleton ELSE ? END,
		username = ?, display_name = ?, password_hash = ?, roles = ?, group_id = ?,
		phone = ?, email = ?, last_sign_in_at = ?, last_console_version = ? WHERE id = ?`,
		m.Username, key, m.Username, skeleton,
		m.Username, m.DisplayName, m.PasswordHash, rolesString(m.Roles), nullable(m.GroupID), m.Phone, m.Email,
		MS(m.LastSignInAt), m.LastConsoleVersion, m.ID)
	if err != nil {
		return err
	}
	return t.putManaged(m)
}

func (t *Tx) putManaged(m store.Member) error {
	if _, err := t.Exec(`DELETE FROM managed_groups WHERE member_id = ?`, m.ID); err != nil {
		return fmt.Errorf("managed groups: %w", err)
	}
	for _, g := range m.ManagedGroupIDs {
		if _, err := t.Exec(`INSERT INTO managed_groups (member_id, group_id) VALUES (?, ?)`, m.ID, g); err != nil {
			return fmt.Errorf("managed groups: %w", err)
		}
	}
	return nil
}

// UsernameIndex is what the store keeps beside a username to compare it
// (store.UsernameKey, store.UsernameSkeleton): its PRECIS key and its
// skeleton, or NULLs when PRECIS refuses the name (a legacy member's).
func UsernameIndex(username string) (key, skeleton any) {
	k, err := store.UsernameKey(username)
	if err != nil || k == "" {
		return nil, nil
	}
	return k, store.UsernameSkeleton(k)
}

// LikePattern is s as a LIKE pattern matching it anywhere, with \ escaping
// LIKE's wildcards.
func LikePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// FillManagedGroups loads the managed groups of all of ms in one query.
func (t *Tx) FillManagedGroups(ms []store.Member) error {
	if len(ms) == 0 {
		return nil
	}
	in, ids, err := t.d.InList(store.MemberIDs(ms))
	if err != nil {
		return err
	}
	rows, err := t.Query(`SELECT member_id, group_id FROM managed_groups
		WHERE member_id `+in+` ORDER BY member_id, group_id`, ids)
	if err != nil {
		return fmt.Errorf("managed groups: %w", err)
	}
	defer rows.Close()
	byMember := map[string][]string{}
	for rows.Next() {
		var m, g string
		if err := rows.Scan(&m, &g); err != nil {
			return fmt.Errorf("managed groups: %w", err)
		}
		byMember[m] = append(byMember[m], g)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("managed groups: %w", err)
	}
	for i := range ms {
		ms[i].ManagedGroupIDs = byMember[ms[i].ID]
		if ms[i].ManagedGroupIDs == nil {
			ms[i].ManagedGroupIDs = []string{}
		}
	}
	return nil
}

// FactorsOf lists the factors of each of memberIDs, in one query.
func (t *Tx) FactorsOf(memberIDs []string) (map[string][]store.Factor, error) {
	out := map[string][]store.Factor{}
	if len(memberIDs) == 0 {
		return out, nil
	}
	in, ids, err := t.d.InList(memberIDs)
	if err != nil {
		return nil, err
	}
	rows, err := t.Query(`SELECT `+FactorCols+` FROM factors
		WHERE member_id `+in+` ORDER BY member_id, created_at, id`, ids)
	if err != nil {
		return nil, fmt.Errorf("list factors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		f, err := ScanFactor(rows)
		if err != nil {
			return nil, fmt.Errorf("list factors: %w", err)
		}
		out[f.MemberID] = append(out[f.MemberID], f)
	}
	return out, rows.Err()
}

// QueryMembers runs q, a query of MemberCols, and returns its members with
// their managed groups; what names the list in errors.
func (t *Tx) QueryMembers(what, q string, args ...any) ([]store.Member, error) {
	rows, err := t.Query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var out []store.Member
	for rows.Next() {
		m, err := ScanMember(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, t.FillManagedGroups(out)
}
