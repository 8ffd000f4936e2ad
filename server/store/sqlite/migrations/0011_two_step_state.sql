-- +goose Up
-- Where a member stands with two-step verification, set by Activate and by
-- the resets rather than guessed from their factors: '' (never activated),
-- 'activated' (Activate passed since the last reset), 'reset' (a primary
-- method change or a forced reset since; setup again, "previously set up").
-- Confirming a factor during setup no longer makes a member enrolled.
ALTER TABLE members ADD COLUMN two_step TEXT NOT NULL DEFAULT '';

-- Existing members: a member with a reset factor is in the middle of a
-- reset.
UPDATE members SET two_step = 'reset'
    WHERE EXISTS (SELECT 1 FROM factors f WHERE f.member_id = members.id AND f.status = 'reset');

-- Activate has always needed an active SMS or email backup (beside the
-- authenticator), and the legacy enrolments (email or SMS alone) have one
-- too; a member whose only active factors are the authenticator (and its
-- app notification) stopped a setup before Activate: that is the case this
-- marker closes, so they set up again.
UPDATE members SET two_step = 'activated'
    WHERE two_step = ''
      AND EXISTS (SELECT 1 FROM factors f WHERE f.member_id = members.id AND f.status = 'active' AND f.method IN ('sms', 'email'));
