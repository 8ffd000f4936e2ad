package postgres

import (
	"fmt"
	"strings"

	"github.com/remotesupport/techconsole/server/store"
)

// A page of members, and what the Admin Center shows of each, in a fixed
// number of statements whatever the page's size.

// memberPageSelect is one arm of the page query: members after a username,
// optionally matching a search, in username order.
func memberPageSelect(where string, search bool) string {
	q := `SELECT ` + memberCols + ` FROM members WHERE ` + where + ` AND username > ?`
	if search {
		q += ` AND (username ILIKE ? ESCAPE '\' OR display_name ILIKE ? ESCAPE '\')`
	}
	return q
}

// likePattern turns a search into an ILIKE pattern matching it anywhere,
// case-insensitively (as SQLite's LIKE does for ASCII).
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

func (t *pgTx) MembersPage(p store.MemberPage) ([]store.Member, error) {
	search := p.Search != ""
	arm := func(args ...any) []any {
		args = append(args, p.After)
		if search {
			pat := likePattern(p.Search)
			args = append(args, pat, pat)
		}
		return args
	}
	var q string
	var args []any
	if p.ManagerID == "" {
		q = memberPageSelect("TRUE", search) + ` ORDER BY username LIMIT ?`
		args = arm()
	} else {
		// The manager, and the members of the groups they manage who hold
		// no administrator role; each arm is served by an index.
		q = memberPageSelect("id = ?", search) + ` UNION ALL ` +
			memberPageSelect(`group_id IN (SELECT group_id FROM managed_groups WHERE member_id = ?) AND id <> ? AND roles NOT LIKE '%administrator%'`, search) +
			` ORDER BY username LIMIT ?`
		args = append(arm(p.ManagerID), arm(p.ManagerID, p.ManagerID)...)
	}
	args = append(args, p.Limit)
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("members page: %w", err)
	}
	var out []store.Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("members page: %w", err)
		}
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("members page: %w", err)
	}
	return out, t.fillManagedGroups(out)
}

func memberIDs(ms []store.Member) []string {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return ids
}

// fillManagedGroups loads the managed groups of all of ms in one query.
func (t *pgTx) fillManagedGroups(ms []store.Member) error {
	if len(ms) == 0 {
		return nil
	}
	// One array parameter: the query text, and its prepared statement, is
	// the same for every list.
	rows, err := t.query(`SELECT member_id, group_id FROM managed_groups
		WHERE member_id = ANY(?::text[]) ORDER BY member_id, group_id`, memberIDs(ms))
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

func (t *pgTx) FactorsOf(memberIDs []string) (map[string][]store.Factor, error) {
	out := map[string][]store.Factor{}
	if len(memberIDs) == 0 {
		return out, nil
	}
	rows, err := t.query(`SELECT `+factorCols+` FROM factors
		WHERE member_id = ANY(?::text[]) ORDER BY member_id, created_at, id`, memberIDs)
	if err != nil {
		return nil, fmt.Errorf("list factors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanFactor(rows)
		if err != nil {
			return nil, fmt.Errorf("list factors: %w", err)
		}
		out[f.MemberID] = append(out[f.MemberID], f)
	}
	return out, rows.Err()
}
