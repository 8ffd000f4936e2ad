package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// copyTables are what moves with an organisation, parents first: its
// settings, groups, members (with their username index), the groups they
// manage, their factors (TOTP secrets still sealed with the server key, which
// moves as a file), paired phones, the audit log and the key's check value.
// Sign-ins, sessions, tokens, throttle windows and the dev outbox are
// short-lived and stay behind: members sign in again.
var copyTables = []string{"settings", "groups", "members", "managed_groups", "factors", "devices", "audit", "key_check"}

// CopyReport says how many rows of each table were copied.
type CopyReport map[string]int

// CopyFrom copies an organisation from src, a database with the same tables
// and columns (the SQLite engine's, at its newest migration), into this
// store's database, which must be migrated and hold no member yet. It runs in
// one transaction: on any error nothing is copied.
func (s *Store) CopyFrom(ctx context.Context, src *sql.DB) (CopyReport, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	if err != nil {
		return nil, fmt.Errorf("copy: begin: %w", err)
	}
	defer tx.Rollback()
	var members int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM members`).Scan(&members); err != nil {
		return nil, fmt.Errorf("copy: destination: %w", err)
	}
	if members > 0 {
		return nil, fmt.Errorf("copy: the destination already holds %d members: copy into an empty database", members)
	}
	// The bootstrap of a server started on the destination may have put
	// default settings in; the source's replace them.
	if _, err := tx.ExecContext(ctx, `DELETE FROM settings`); err != nil {
		return nil, fmt.Errorf("copy: clear settings: %w", err)
	}
	report := CopyReport{}
	for _, table := range copyTables {
		n, err := copyTable(ctx, src, tx, table)
		if err != nil {
			return nil, fmt.Errorf("copy %s: %w", table, err)
		}
		report[table] = n
	}
	// Later audit events number on from the copied ones.
	if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('audit', 'id'), COALESCE((SELECT MAX(id) FROM audit), 0) + 1, false)`); err != nil {
		return nil, fmt.Errorf("copy: audit ids: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("copy: commit: %w", err)
	}
	return report, nil
}

// copyTable copies the rows of one table, the destination's columns.
func copyTable(ctx context.Context, src *sql.DB, dst *sql.Tx, table string) (int, error) {
	cols, err := columnsOf(ctx, dst, table)
	if err != nil {
		return 0, err
	}
	list := strings.Join(cols, ", ")
	rows, err := src.QueryContext(ctx, `SELECT `+list+` FROM `+table)
	if err != nil {
		return 0, fmt.Errorf("read: %w", err)
	}
	defer rows.Close()
	marks := make([]string, len(cols))
	for i := range marks {
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	insert := `INSERT INTO ` + table + ` (` + list + `) VALUES (` + strings.Join(marks, ", ") + `)`
	n := 0
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, fmt.Errorf("read: %w", err)
		}
		if _, err := dst.ExecContext(ctx, insert, vals...); err != nil {
			return n, fmt.Errorf("write row %d: %w", n+1, err)
		}
		n++
	}
	return n, rows.Err()
}

func columnsOf(ctx context.Context, tx *sql.Tx, table string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, fmt.Errorf("columns: %w", err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("columns: %w", err)
		}
		cols = append(cols, c)
	}
	if len(cols) == 0 && rows.Err() == nil {
		return nil, fmt.Errorf("no table %s in the destination: migrate it first", table)
	}
	return cols, rows.Err()
}
