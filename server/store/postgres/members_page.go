package postgres

import (
	"fmt"

	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/sqlstore"
)

// A page of members, and what the Admin Center shows of each, in a fixed
// number of statements whatever the page's size.

// searchIndexLimit is how many members a search may match and still be
// paged from their ids; a search matching more is dense enough that
// walking the members in username order fills a page soon. Asked with an
// ORDER BY username, the planner walks the names even for a rare search
// (it cannot tell how rare), so the matches are first looked up alone,
// where the trigram indexes (migration 00002) serve them.
const searchIndexLimit = 1000

// memberFilter is how a page's search is applied: not at all, by matching
// each member walked in username order (pattern), or by the matching
// members' ids (ids).
type memberFilter struct {
	pattern string
	ids     []string
}

// memberPageSelect is one arm of the page query: members after a username,
// optionally matching a search, in username order, and its arguments around
// whereArgs.
func memberPageSelect(where string, f memberFilter, after string, whereArgs ...any) (string, []any) {
	args := append(append([]any{}, whereArgs...), after)
	q := `SELECT ` + sqlstore.MemberCols + ` FROM members WHERE ` + where + ` AND username > ?`
	switch {
	case f.ids != nil:
		q += ` AND id = ANY(?::text[])`
		args = append(args, f.ids)
	case f.pattern != "":
		q += ` AND (username ILIKE ? ESCAPE '\' OR display_name ILIKE ? ESCAPE '\')`
		args = append(args, f.pattern, f.pattern)
	}
	return q, args
}

// searchFilter chooses how to apply a search: by the ids of its matches when
// there are few, else by pattern.
func (t *pgTx) searchFilter(search string) (memberFilter, error) {
	if search == "" {
		return memberFilter{}, nil
	}
	pattern := sqlstore.LikePattern(search)
	// A prepared statement's generic plan cannot use a trigram index (it
	// does not know the pattern), and pgx prepares and caches statements.
	if _, err := t.Exec(`SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
		return memberFilter{}, fmt.Errorf("search members: %w", err)
	}
	ids, err := t.QueryStrings("search members", `SELECT id FROM members WHERE username ILIKE ? ESCAPE '\' OR display_name ILIKE ? ESCAPE '\' LIMIT ?`,
		pattern, pattern, searchIndexLimit+1)
	if err != nil {
		return memberFilter{}, err
	}
	if len(ids) > searchIndexLimit {
		return memberFilter{pattern: pattern}, nil
	}
	return memberFilter{ids: ids}, nil
}

func (t *pgTx) MembersPage(p store.MemberPage) ([]store.Member, error) {
	f, err := t.searchFilter(p.Search)
	if err != nil {
		return nil, err
	}
	var q string
	var args []any
	if p.ManagerID == "" {
		q, args = memberPageSelect("TRUE", f, p.After)
		q += ` ORDER BY username LIMIT ?`
	} else {
		// The manager, and the members of the groups they manage who hold
		// no administrator role. Each group is read on its own through
		// members(group_id, username), a page at most: asked for all the
		// groups at once, PostgreSQL sorts every member of them.
		self, selfArgs := memberPageSelect("id = ?", f, p.After, p.ManagerID)
		inGroup, inGroupArgs := memberPageSelect(`group_id = managed.group_id AND id <> ? AND roles NOT LIKE '%administrator%'`,
			f, p.After, p.ManagerID)
		q = self + ` UNION ALL SELECT ` + sqlstore.MemberCols + ` FROM (SELECT group_id FROM managed_groups WHERE member_id = ?) AS managed
			CROSS JOIN LATERAL (` + inGroup + ` ORDER BY username LIMIT ?) AS members ORDER BY username LIMIT ?`
		args = append(append(append(selfArgs, p.ManagerID), inGroupArgs...), p.Limit)
	}
	args = append(args, p.Limit)
	return t.QueryMembers("members page", q, args...)
}
