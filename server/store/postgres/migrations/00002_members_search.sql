-- +goose Up
-- The Admin Center's search (?q) matches usernames and display names
-- anywhere in them (ILIKE '%…%'), which a B-tree cannot seek; trigram GIN
-- indexes can, and the planner weighs them against walking the names in
-- username order (a common search fills a page sooner that way). pg_trgm
-- ships with PostgreSQL and is a trusted extension: a role with CREATE on
-- the database may add it, or an administrator adds it beforehand.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX members_username_trgm ON members USING gin (username gin_trgm_ops);
CREATE INDEX members_display_name_trgm ON members USING gin (display_name gin_trgm_ops);
