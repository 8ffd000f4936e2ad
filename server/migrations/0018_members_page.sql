-- The Admin Center lists members a page at a time in username order (the
-- username's UNIQUE index serves a master administrator's list); an
-- administrator's list is the technicians of the groups they manage, in
-- username order within each group.
CREATE INDEX members_group_username ON members(group_id, username);
