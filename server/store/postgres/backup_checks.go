package postgres

import (
	"fmt"

	"github.com/remotesupport/techconsole/server/store"
)

// Backup verifications of setups after a reset (setup_backup_checks).

func (t *pgTx) InsertBackupCheck(c store.BackupCheck) error {
	_, err := t.exec(`INSERT INTO setup_backup_checks (mfa_token_hash, member_id, factor_id, verified_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (mfa_token_hash) DO UPDATE SET factor_id = excluded.factor_id, verified_at = excluded.verified_at`,
		c.MFATokenHash, c.MemberID, c.FactorID, ms(c.VerifiedAt))
	if err != nil {
		return fmt.Errorf("insert backup check: %w", err)
	}
	return nil
}

func (t *pgTx) BackupCheck(mfaTokenHash string) (store.BackupCheck, error) {
	var c store.BackupCheck
	var at int64
	err := t.queryRow(`SELECT mfa_token_hash, member_id, factor_id, verified_at FROM setup_backup_checks WHERE mfa_token_hash = ?`, mfaTokenHash).
		Scan(&c.MFATokenHash, &c.MemberID, &c.FactorID, &at)
	if err != nil {
		return c, noRows("backup check", err)
	}
	c.VerifiedAt = fromMS(at)
	return c, nil
}
