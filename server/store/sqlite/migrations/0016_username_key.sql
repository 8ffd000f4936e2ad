-- +goose Up
-- Usernames are compared in their PRECIS form (RFC 8265 UsernameCaseMapped)
-- and may not look like one another (Unicode TR39 skeleton). SQL cannot
-- compute either, so the server fills these columns in Go: on every insert
-- and rename, and at start for rows that have none yet (the existing
-- members). A row whose name PRECIS refuses, or whose key or skeleton
-- another member already holds, keeps NULL here, is left as it is and is
-- logged at every start: it still signs in with its name exactly as stored.
ALTER TABLE members ADD COLUMN username_key TEXT;
ALTER TABLE members ADD COLUMN username_skeleton TEXT;
CREATE UNIQUE INDEX members_username_key ON members(username_key);
CREATE UNIQUE INDEX members_username_skeleton ON members(username_skeleton);
