package store

import "github.com/remotesupport/techconsole/api"

// Audit keeps the audit log.
type Audit interface {
	InsertAudit(api.AuditEvent) error
	ListAudit(limit int) ([]api.AuditEvent, error)
	// AuditBefore lists at most limit events older than the event beforeID
	// (0: from the newest), newest first.
	AuditBefore(beforeID int64, limit int) ([]api.AuditEvent, error)
}

// Outbox keeps the messages (SMS, email) the server sent.
type Outbox interface {
	InsertOutbox(api.OutboxMessage) error
	ListOutbox(to string, limit int) ([]api.OutboxMessage, error)
}
