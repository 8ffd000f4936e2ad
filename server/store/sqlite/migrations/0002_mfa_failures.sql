-- +goose Up
-- Wrong codes are counted per sign-in as well as per challenge, so that
-- starting new challenges does not buy more guesses.
ALTER TABLE mfa_tokens ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
