package sqlite

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/sqlstore"
)

// A page of members, and what the Admin Center shows of each, in a fixed
// number of statements whatever the page's size.

// searchIndexLimit is how many members a search may match and still be
// looked up in the trigram index (members_search) and sorted; a search
// matching more is dense enough that walking the members in username order
// fills a page soon.
const searchIndexLimit = 1000

// searchIndexMinRunes: a trigram index finds only searches of three
// characters or more.
const searchIndexMinRunes = 3

// memberFilter is how a page's search is applied: not at all, by matching
// each member walked in username order (pattern), or by a list of the
// matching members' ids found in the search index (ids, a JSON array).
type memberFilter struct {
	pattern string
	ids     string
}

// memberPageSelect is one arm of the page query: members after a username,
// optionally matching a search, in username order, and its arguments around
// whereArgs.
func memberPageSelect(where string, f memberFilter, after string, whereArgs ...any) (string, []any) {
	from := `members`
	var args []any
	switch {
	case f.ids != "":
		// Start from the few matching members; CROSS JOIN keeps that order.
		from = `(SELECT value AS found_id FROM json_each(?)) AS found CROSS JOIN members ON members.id = found.found_id`
		args = append(args, f.ids)
	case f.pattern != "" && where == "1":
		// Walk the index holding both names: only matching rows are read.
		from = `members INDEXED BY members_username_display`
	}
	args = append(append(args, whereArgs...), after)
	q := `SELECT ` + sqlstore.MemberCols + ` FROM ` + from + ` WHERE ` + where + ` AND username > ?`
	if f.pattern != "" {
		q += ` AND (username LIKE ? ESCAPE '\' OR display_name LIKE ? ESCAPE '\')`
		args = append(args, f.pattern, f.pattern)
	}
	return q, args
}

// searchFilter chooses how to apply a search: through the trigram index
// when it is long enough and matches few members, else by pattern.
func (t *sqliteTx) searchFilter(search string) (memberFilter, error) {
	if search == "" {
		return memberFilter{}, nil
	}
	if utf8.RuneCountInString(search) < searchIndexMinRunes {
		return memberFilter{pattern: sqlstore.LikePattern(search)}, nil
	}
	// One FTS5 phrase: the index matches it as a substring of either name.
	phrase := `"` + strings.ReplaceAll(search, `"`, `""`) + `"`
	ids, err := t.QueryStrings("search members", `SELECT ids.member_id FROM members_search
		JOIN members_search_ids AS ids ON ids.rowid = members_search.rowid
		WHERE members_search MATCH ? LIMIT ?`, phrase, searchIndexLimit+1)
	if err != nil {
		return memberFilter{}, err
	}
	if len(ids) > searchIndexLimit {
		return memberFilter{pattern: sqlstore.LikePattern(search)}, nil
	}
	list, err := idsJSON(ids)
	return memberFilter{ids: list}, err
}

func (t *sqliteTx) MembersPage(p store.MemberPage) ([]store.Member, error) {
	f, err := t.searchFilter(p.Search)
	if err != nil {
		return nil, err
	}
	var q string
	var args []any
	if p.ManagerID == "" {
		q, args = memberPageSelect("1", f, p.After)
		q += ` ORDER BY username LIMIT ?`
	} else {
		// The manager, and the members of the groups they manage who hold
		// no administrator role; each arm is served by an index.
		self, selfArgs := memberPageSelect("id = ?", f, p.After, p.ManagerID)
		managed, managedArgs := memberPageSelect(`group_id IN (SELECT group_id FROM managed_groups WHERE member_id = ?) AND id <> ? AND roles NOT LIKE '%administrator%'`,
			f, p.After, p.ManagerID, p.ManagerID)
		q = self + ` UNION ALL ` + managed + ` ORDER BY username LIMIT ?`
		args = append(selfArgs, managedArgs...)
	}
	args = append(args, p.Limit)
	return t.QueryMembers("members page", q, args...)
}

// idsJSON passes a list of ids as one parameter (json_each), so that the
// query text, and its prepared statement, is the same for every list.
func idsJSON(ids []string) (string, error) {
	b, err := json.Marshal(ids)
	return string(b), err
}
