-- +goose Up
-- A value sealed with the server key when the database first meets its key.
-- At start the key file must open it: a database restored without its key
-- file (or with another one) is refused with a clear message instead of
-- starting with a new key that cannot open the TOTP secrets.
CREATE TABLE key_check (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    sealed     BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
