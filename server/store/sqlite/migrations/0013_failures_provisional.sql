-- +goose Up
-- A password check records its failure before the hash, so that parallel
-- guesses cannot pass the limit. Until the hash has decided, that failure is
-- provisional: it holds a place but is not yet counted as a failure. A wrong
-- password confirms it; a right one deletes it.
ALTER TABLE failures ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;
