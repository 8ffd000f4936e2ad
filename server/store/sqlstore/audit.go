package sqlstore

import (
	"fmt"
	"math"

	"github.com/remotesupport/techconsole/api"
)

// Outbox and audit.

func (t *Tx) InsertOutbox(m api.OutboxMessage) error {
	_, err := t.Exec(`INSERT INTO outbox (at, channel, to_addr, body, code) VALUES (?, ?, ?, ?, ?)`, MS(m.At), string(m.Channel), m.To, m.Body, m.Code)
	if err != nil {
		return fmt.Errorf("insert outbox: %w", err)
	}
	return nil
}

func (t *Tx) ListOutbox(to string, limit int) ([]api.OutboxMessage, error) {
	q := `SELECT id, at, channel, to_addr, body, code FROM outbox`
	args := []any{}
	if to != "" {
		q += ` WHERE to_addr = ?`
		args = append(args, to)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := t.Query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	defer rows.Close()
	out := []api.OutboxMessage{}
	for rows.Next() {
		var m api.OutboxMessage
		var at int64
		var ch string
		if err := rows.Scan(&m.ID, &at, &ch, &m.To, &m.Body, &m.Code); err != nil {
			return nil, fmt.Errorf("list outbox: %w", err)
		}
		m.At, m.Channel = FromMS(at), api.Method(ch)
		out = append(out, m)
	}
	return out, rows.Err()
}

func (t *Tx) InsertAudit(e api.AuditEvent) error {
	_, err := t.Exec(`INSERT INTO audit (at, kind, member_id, username, actor_id, client_address, console_version, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		MS(e.At), e.Kind, e.MemberID, e.Username, e.ActorID, e.ClientAddress, e.ConsoleVersion, e.Detail)
	if err != nil {
		return fmt.Errorf("insert audit: %w", err)
	}
	return nil
}

func (t *Tx) ListAudit(limit int) ([]api.AuditEvent, error) { return t.AuditBefore(0, limit) }

func (t *Tx) AuditBefore(beforeID int64, limit int) ([]api.AuditEvent, error) {
	if beforeID <= 0 {
		beforeID = math.MaxInt64
	}
	rows, err := t.Query(`SELECT id, at, kind, member_id, username, actor_id, client_address, console_version, detail
		FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?`, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	out := []api.AuditEvent{}
	for rows.Next() {
		var e api.AuditEvent
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Kind, &e.MemberID, &e.Username, &e.ActorID, &e.ClientAddress, &e.ConsoleVersion, &e.Detail); err != nil {
			return nil, fmt.Errorf("list audit: %w", err)
		}
		e.At = FromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
