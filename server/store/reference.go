package store

// Tx is one transaction's view of the store: the interfaces of every part of
// the server, combined in this one place. A part that needs less takes the
// narrow interface it uses (a Tx is each of them).
type Tx interface {
	GlobalSettings
	Groups
	Members
	Factors
	Devices
	MFATokens
	Challenges
	Sessions
	Tokens
	StepUps
	BackupChecks
	Failures
	Outbox
	Audit
	Sweeper
	Keys
}
