-- +goose Up
-- Initial schema. Times are Unix milliseconds; 0 means "not set".
CREATE TABLE settings (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    master_administrators INTEGER NOT NULL,
    administrators        INTEGER NOT NULL,
    technicians           TEXT    NOT NULL,
    primary_method        TEXT    NOT NULL
);

CREATE TABLE groups (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    enforce_two_step INTEGER NOT NULL,
    created_at       INTEGER NOT NULL
);

CREATE TABLE members (
    id                   TEXT PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    roles                TEXT NOT NULL,
    group_id             TEXT REFERENCES groups(id),
    phone                TEXT NOT NULL DEFAULT '',
    email                TEXT NOT NULL DEFAULT '',
    last_sign_in_at      INTEGER NOT NULL DEFAULT 0,
    last_console_version TEXT NOT NULL DEFAULT '',
    created_at           INTEGER NOT NULL
);

CREATE TABLE managed_groups (
    member_id TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    group_id  TEXT NOT NULL REFERENCES groups(id),
    PRIMARY KEY (member_id, group_id)
);

-- A factor is one way of passing two-step verification. secret is the
-- AES-GCM sealed TOTP secret (authenticator_app only); target the phone or
-- email; code_* the pending confirmation code of an SMS/email factor (hashed).
CREATE TABLE factors (
    id              TEXT PRIMARY KEY,
    member_id       TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    method          TEXT NOT NULL,
    status          TEXT NOT NULL,
    secret          BLOB,
    target          TEXT NOT NULL DEFAULT '',
    parent_id       TEXT NOT NULL DEFAULT '',
    last_step       INTEGER NOT NULL DEFAULT 0,
    code_hash       TEXT NOT NULL DEFAULT '',
    code_expires_at INTEGER NOT NULL DEFAULT 0,
    code_attempts   INTEGER NOT NULL DEFAULT 0,
    resend_after    INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    confirmed_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX factors_member ON factors(member_id);

-- Phones registered for pushes (the app_notification factor's device).
CREATE TABLE devices (
    id         TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    factor_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX devices_member ON devices(member_id);

-- Single-use registration tokens from the pairing URI (push_token).
CREATE TABLE push_tokens (
    token_hash TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    factor_id  TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER NOT NULL DEFAULT 0
);

-- Half-authenticated tokens of one sign-in: kind "challenge" or "setup".
CREATE TABLE mfa_tokens (
    token_hash      TEXT PRIMARY KEY,
    member_id       TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER NOT NULL DEFAULT 0,
    console_version TEXT NOT NULL DEFAULT '',
    client_address  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE challenges (
    id              TEXT PRIMARY KEY,
    member_id       TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    factor_id       TEXT NOT NULL,
    method          TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    bearer_hash     TEXT NOT NULL,
    status          TEXT NOT NULL,
    code_hash       TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    match_number    TEXT NOT NULL DEFAULT '',
    resend_after    INTEGER NOT NULL DEFAULT 0,
    expires_at      INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    closed_at       INTEGER NOT NULL DEFAULT 0,
    console_version TEXT NOT NULL DEFAULT '',
    client_address  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX challenges_member ON challenges(member_id);

-- A session is one refresh-token family.
CREATE TABLE sessions (
    id              TEXT PRIMARY KEY,
    member_id       TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    mfa_at          INTEGER NOT NULL DEFAULT 0,
    revoked_at      INTEGER NOT NULL DEFAULT 0,
    revoke_reason   TEXT NOT NULL DEFAULT '',
    console_version TEXT NOT NULL DEFAULT '',
    client_address  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_member ON sessions(member_id);

CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    used_at    INTEGER NOT NULL DEFAULT 0
);

-- Every SMS and email the server "sent" (dev mode only).
CREATE TABLE outbox (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    channel TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    body    TEXT NOT NULL,
    code    TEXT NOT NULL
);
CREATE INDEX outbox_to ON outbox(to_addr);

-- Security events. Never a secret or a code.
CREATE TABLE audit (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    member_id       TEXT NOT NULL DEFAULT '',
    username        TEXT NOT NULL DEFAULT '',
    actor_id        TEXT NOT NULL DEFAULT '',
    client_address  TEXT NOT NULL DEFAULT '',
    console_version TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_member ON audit(member_id);
