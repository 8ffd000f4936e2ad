-- +goose Up
-- A setup after a reset that left an active backup (SMS or email) must
-- confirm a code sent to that backup before it may pair a new authenticator,
-- change the backup or activate. The confirmation counts for the sign-in
-- (setup mfa_token) that made it and for no other: one row per such sign-in.
CREATE TABLE setup_backup_checks (
    mfa_token_hash TEXT PRIMARY KEY REFERENCES mfa_tokens(token_hash) ON DELETE CASCADE,
    member_id      TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    factor_id      TEXT NOT NULL,
    verified_at    INTEGER NOT NULL
);
