-- +goose Up
-- The Admin Center's search (?q) matches usernames and display names
-- anywhere in them. A trigram full-text index finds the few members a rare
-- search matches without walking every member (members_page.go decides
-- when it pays). The index keeps its own copy of both names, under a rowid
-- of its own: members' rowids are implicit and a VACUUM may renumber them,
-- so members_search_ids, whose INTEGER PRIMARY KEY no VACUUM changes, links
-- each index row to its member. Triggers keep the copy in step with every
-- write to members, whatever statement makes it.
CREATE TABLE members_search_ids (
  rowid     INTEGER PRIMARY KEY,
  member_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE members_search USING fts5(username, display_name, tokenize = 'trigram case_sensitive 0');
INSERT INTO members_search_ids(member_id) SELECT id FROM members;
INSERT INTO members_search(rowid, username, display_name)
  SELECT s.rowid, m.username, m.display_name FROM members m JOIN members_search_ids s ON s.member_id = m.id;

-- +goose StatementBegin
CREATE TRIGGER members_search_insert AFTER INSERT ON members BEGIN
  INSERT INTO members_search_ids(member_id) VALUES (new.id);
  INSERT INTO members_search(rowid, username, display_name) VALUES (last_insert_rowid(), new.username, new.display_name);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER members_search_update AFTER UPDATE OF username, display_name ON members BEGIN
  UPDATE members_search SET username = new.username, display_name = new.display_name
    WHERE rowid = (SELECT rowid FROM members_search_ids WHERE member_id = old.id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER members_search_delete AFTER DELETE ON members BEGIN
  DELETE FROM members_search WHERE rowid = (SELECT rowid FROM members_search_ids WHERE member_id = old.id);
  DELETE FROM members_search_ids WHERE member_id = old.id;
END;
-- +goose StatementEnd
