-- +goose Up
-- Challenges are looked up by the token that started them.
CREATE INDEX challenges_bearer ON challenges(bearer_hash);
