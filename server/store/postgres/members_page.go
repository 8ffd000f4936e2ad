package postgres

import (
	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/sqlstore"
)

// A page of members, and what the Admin Center shows of each, in a fixed
// number of statements whatever the page's size.

// memberPageSelect is one arm of the page query: members after a username,
// optionally matching a search, in username order.
func memberPageSelect(where string, search bool) string {
	q := `SELECT ` + sqlstore.MemberCols + ` FROM members WHERE ` + where + ` AND username > ?`
	if search {
		q += ` AND (username ILIKE ? ESCAPE '\' OR display_name ILIKE ? ESCAPE '\')`
	}
	return q
}

func (t *pgTx) MembersPage(p store.MemberPage) ([]store.Member, error) {
	search := p.Search != ""
	arm := func(args ...any) []any {
		args = append(args, p.After)
		if search {
			pat := sqlstore.LikePattern(p.Search)
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
	return t.QueryMembers("members page", q, args...)
}
