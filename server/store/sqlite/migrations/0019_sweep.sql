-- +goose Up
-- The background sweep (sweep.go) deletes what has expired a batch at a
-- time, oldest first; these indexes find a batch without scanning a table.
-- audit, outbox and failures are swept in id order (their rows are
-- appended in time order) and need none.
CREATE INDEX challenges_expires ON challenges(expires_at);
CREATE INDEX mfa_tokens_expires ON mfa_tokens(expires_at);
CREATE INDEX step_up_tokens_expires ON step_up_tokens(expires_at);
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE INDEX access_tokens_expires ON access_tokens(expires_at);
CREATE INDEX push_tokens_expires ON push_tokens(expires_at);
CREATE INDEX access_tokens_session ON access_tokens(session_id);
CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id);
CREATE INDEX setup_backup_checks_verified ON setup_backup_checks(verified_at);
