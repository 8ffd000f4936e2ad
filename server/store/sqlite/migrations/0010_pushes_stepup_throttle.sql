-- +goose Up
-- Step-up tokens, throttling failures, open pushes.

-- Single-use tokens handed out when a password_change challenge is passed:
-- bound to the member, the session and the purpose; short-lived.
CREATE TABLE step_up_tokens (
    token_hash   TEXT PRIMARY KEY,
    member_id    TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    session_id   TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    challenge_id TEXT NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX step_up_member ON step_up_tokens(member_id);

-- Failed attempts counted by the throttle (DESIGN section 6): subject is
-- the username typed (passwords, known or not) or the member id (codes);
-- client_address counts every failure from one address.
CREATE TABLE failures (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at             INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    subject        TEXT NOT NULL,
    client_address TEXT NOT NULL
);
CREATE INDEX failures_subject ON failures(subject, kind, at);
CREATE INDEX failures_address ON failures(client_address, at);

-- Open pushes per member and per device factor.
CREATE INDEX challenges_factor_status ON challenges(factor_id, status);

