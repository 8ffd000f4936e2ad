-- +goose Up
-- A factor change started with an access token under a step-up (purpose
-- manage_two_step) is bound to that session until the step-up's expiry:
-- confirming it, sending its code again and Activate then need no second
-- step-up. Empty / 0 when not bound (setup token, first factor, seeds).
ALTER TABLE factors ADD COLUMN step_up_session TEXT NOT NULL DEFAULT '';
ALTER TABLE factors ADD COLUMN step_up_until INTEGER NOT NULL DEFAULT 0;
