package store

import "time"

// Devices keeps the phones registered for pushes and the single-use tokens
// that register them.
type Devices interface {
	InsertDevice(Device) error
	DeviceByToken(hash string) (Device, error)
	RevokeDevices(memberID string, at time.Time) error
	RevokeFactorDevices(factorID string, at time.Time) error
	InsertPushToken(PushToken) error
	PushToken(hash string) (PushToken, error)
	UsePushToken(hash string, at time.Time) error
	DeletePushTokens(factorID string) error
}

// Device is a phone registered for pushes.
type Device struct {
	ID        string
	MemberID  string
	FactorID  string
	Name      string
	TokenHash string
	CreatedAt time.Time
	RevokedAt time.Time
}

// PushToken is the single-use registration token of a pairing URI.
type PushToken struct {
	Hash      string
	MemberID  string
	FactorID  string
	ExpiresAt time.Time
	UsedAt    time.Time
}
