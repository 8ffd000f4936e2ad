-- +goose Up
-- The Admin Center lists members a page at a time in username order (the
-- username's UNIQUE index serves a master administrator's list); an
-- administrator's list is the technicians of the groups they manage, in
-- username order within each group.
CREATE INDEX members_group_username ON members(group_id, username);
-- A search (?q) matches usernames and display names anywhere in them, which
-- no index can seek; this one holds both in username order, so the search
-- walks the index alone and reads only the matching members' rows.
CREATE INDEX members_username_display ON members(username, display_name);
