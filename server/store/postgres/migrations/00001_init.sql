-- +goose Up
-- The schema of the SQLite migrations up to 0019, as one step. Times are Unix
-- milliseconds (BIGINT) and flags 0/1 (INTEGER), as on SQLite, so that the
-- engines share their record encoding and `authserver copy` moves rows as they
-- are; 0 means "not set". Names sort and compare byte by byte (COLLATE "C"), as
-- on SQLite, whatever the database's locale: pages of members come in the same
-- order on both engines.
CREATE TABLE settings (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    master_administrators INTEGER NOT NULL,
    administrators        INTEGER NOT NULL,
    technicians           TEXT    NOT NULL,
    primary_method        TEXT    NOT NULL
);

CREATE TABLE groups (
    id               TEXT PRIMARY KEY,
    name             TEXT COLLATE "C" NOT NULL UNIQUE,
    enforce_two_step INTEGER NOT NULL,
    created_at       BIGINT NOT NULL
);

-- username_key and username_skeleton: the PRECIS form and the TR39 skeleton
-- of the username, filled in Go (NULL for a legacy name PRECIS refuses).
CREATE TABLE members (
    id                   TEXT PRIMARY KEY,
    username             TEXT COLLATE "C" NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    roles                TEXT NOT NULL,
    group_id             TEXT REFERENCES groups(id),
    phone                TEXT NOT NULL DEFAULT '',
    email                TEXT NOT NULL DEFAULT '',
    last_sign_in_at      BIGINT NOT NULL DEFAULT 0,
    last_console_version TEXT NOT NULL DEFAULT '',
    created_at           BIGINT NOT NULL,
    two_step             TEXT NOT NULL DEFAULT '',
    username_key         TEXT UNIQUE,
    username_skeleton    TEXT UNIQUE
);
CREATE INDEX members_group_username ON members(group_id, username);

CREATE TABLE managed_groups (
    member_id TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    group_id  TEXT NOT NULL REFERENCES groups(id),
    PRIMARY KEY (member_id, group_id)
);

-- secret: the AES-GCM sealed TOTP secret (authenticator_app only).
CREATE TABLE factors (
    id              TEXT PRIMARY KEY,
    member_id       TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    method          TEXT NOT NULL,
    status          TEXT NOT NULL,
    secret          BYTEA,
    target          TEXT NOT NULL DEFAULT '',
    parent_id       TEXT NOT NULL DEFAULT '',
    last_step       BIGINT NOT NULL DEFAULT 0,
    code_hash       TEXT NOT NULL DEFAULT '',
    code_expires_at BIGINT NOT NULL DEFAULT 0,
    code_attempts   INTEGER NOT NULL DEFAULT 0,
    resend_after    BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    confirmed_at    BIGINT NOT NULL DEFAULT 0,
    step_up_session TEXT NOT NULL DEFAULT '',
    step_up_until   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX factors_member ON factors(member_id);

CREATE TABLE devices (
    id         TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    factor_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX devices_member ON devices(member_id);
CREATE INDEX devices_factor ON devices(factor_id);

CREATE TABLE push_tokens (
    token_hash TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    factor_id  TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX push_tokens_expires ON push_tokens(expires_at);
CREATE INDEX push_tokens_factor ON push_tokens(factor_id);
CREATE INDEX push_tokens_member ON push_tokens(member_id);

CREATE TABLE mfa_tokens (
    token_hash      TEXT PRIMARY KEY,
    member_id       TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    expires_at      BIGINT NOT NULL,
    used_at         BIGINT NOT NULL DEFAULT 0,
    console_version TEXT NOT NULL DEFAULT '',
    client_address  TEXT NOT NULL DEFAULT '',
    failures        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX mfa_tokens_expires ON mfa_tokens(expires_at);
CREATE INDEX mfa_tokens_member ON mfa_tokens(member_id);

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
    resend_after    BIGINT NOT NULL DEFAULT 0,
    expires_at      BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    closed_at       BIGINT NOT NULL DEFAULT 0,
    console_version TEXT NOT NULL DEFAULT '',
    client_address  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX challenges_member ON challenges(member_id);
CREATE INDEX challenges_bearer ON challenges(bearer_hash);
CREATE INDEX challenges_factor_status ON challenges(factor_id, status);
CREATE INDEX challenges_expires ON challenges(expires_at);

CREATE TABLE sessions (
    id              TEXT PRIMARY KEY,
    member_id       TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    mfa_at          BIGINT NOT NULL DEFAULT 0,
    revoked_at      BIGINT NOT NULL DEFAULT 0,
    revoke_reason   TEXT NOT NULL DEFAULT '',
    console_version TEXT NOT NULL DEFAULT '',
    client_address  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_member ON sessions(member_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
CREATE INDEX access_tokens_expires ON access_tokens(expires_at);
CREATE INDEX access_tokens_session ON access_tokens(session_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    used_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id);

CREATE TABLE outbox (
    id      BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at      BIGINT NOT NULL,
    channel TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    body    TEXT NOT NULL,
    code    TEXT NOT NULL
);
CREATE INDEX outbox_to ON outbox(to_addr);

-- Security events. Never a secret or a code.
CREATE TABLE audit (
    id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at              BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    member_id       TEXT NOT NULL DEFAULT '',
    username        TEXT NOT NULL DEFAULT '',
    actor_id        TEXT NOT NULL DEFAULT '',
    client_address  TEXT NOT NULL DEFAULT '',
    console_version TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_member ON audit(member_id);

CREATE TABLE step_up_tokens (
    token_hash   TEXT PRIMARY KEY,
    member_id    TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    session_id   TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    challenge_id TEXT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX step_up_member ON step_up_tokens(member_id);
CREATE INDEX step_up_tokens_expires ON step_up_tokens(expires_at);

-- Failed attempts counted by the throttle; provisional: a password check
-- whose hash has not decided yet.
CREATE TABLE failures (
    id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at             BIGINT NOT NULL,
    kind           TEXT NOT NULL,
    subject        TEXT NOT NULL,
    client_address TEXT NOT NULL,
    provisional    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX failures_subject ON failures(subject, kind, at);
CREATE INDEX failures_address ON failures(client_address, at);

CREATE TABLE setup_backup_checks (
    mfa_token_hash TEXT PRIMARY KEY REFERENCES mfa_tokens(token_hash) ON DELETE CASCADE,
    member_id      TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    factor_id      TEXT NOT NULL,
    verified_at    BIGINT NOT NULL
);
CREATE INDEX setup_backup_checks_verified ON setup_backup_checks(verified_at);

CREATE TABLE key_check (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    sealed     BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE key_check, setup_backup_checks, failures, step_up_tokens, audit, outbox, refresh_tokens, access_tokens,
    sessions, challenges, mfa_tokens, push_tokens, devices, factors, managed_groups, members, groups, settings;
