package sqlite

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/remotesupport/techconsole/server/store"
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
	q := `SELECT ` + memberCols + ` FROM ` + from + ` WHERE ` + where + ` AND username > ?`
	if f.pattern != "" {
		q += ` AND (username LIKE ? ESCAPE '\' OR display_name LIKE ? ESCAPE '\')`
		args = append(args, f.pattern, f.pattern)
	}
	return q, args
}

// likePattern turns a search into a LIKE pattern matching it anywhere
// (case-insensitively for ASCII, as SQLite's LIKE does).
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// searchFilter chooses how to apply a search: through the trigram index
// when it is long enough and matches few members, else by pattern.
func (t *sqliteTx) searchFilter(search string) (memberFilter, error) {
	if search == "" {
		return memberFilter{}, nil
	}
	if utf8.RuneCountInString(search) < searchIndexMinRunes {
		return memberFilter{pattern: likePattern(search)}, nil
	}
	// One FTS5 phrase: the index matches it as a substring of either name.
	phrase := `"` + strings.ReplaceAll(search, `"`, `""`) + `"`
	rows, err := t.tx.QueryContext(t.ctx, `SELECT ids.member_id FROM members_search
		JOIN members_search_ids AS ids ON ids.rowid = members_search.rowid
		WHERE members_search MATCH ? LIMIT ?`, phrase, searchIndexLimit+1)
	if err != nil {
		return memberFilter{}, fmt.Errorf("search members: %w", err)
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return memberFilter{}, fmt.Errorf("search members: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return memberFilter{}, fmt.Errorf("search members: %w", err)
	}
	if len(ids) > searchIndexLimit {
		return memberFilter{pattern: likePattern(search)}, nil
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
	rows, err := t.tx.QueryContext(t.ctx, q, args...)
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

// idsJSON passes a list of ids as one parameter (json_each), so that the
// query text, and its prepared statement, is the same for every list.
func idsJSON(ids []string) (string, error) {
	b, err := json.Marshal(ids)
	return string(b), err
}

// fillManagedGroups loads the managed groups of all of ms in one query.
func (t *sqliteTx) fillManagedGroups(ms []store.Member) error {
	if len(ms) == 0 {
		return nil
	}
	ids, err := idsJSON(store.MemberIDs(ms))
	if err != nil {
		return err
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT member_id, group_id FROM managed_groups
		WHERE member_id IN (SELECT value FROM json_each(?)) ORDER BY member_id, group_id`, ids)
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

func (t *sqliteTx) FactorsOf(memberIDs []string) (map[string][]store.Factor, error) {
	out := map[string][]store.Factor{}
	if len(memberIDs) == 0 {
		return out, nil
	}
	ids, err := idsJSON(memberIDs)
	if err != nil {
		return nil, err
	}
	rows, err := t.tx.QueryContext(t.ctx, `SELECT `+factorCols+` FROM factors
		WHERE member_id IN (SELECT value FROM json_each(?)) ORDER BY member_id, created_at, id`, ids)
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
