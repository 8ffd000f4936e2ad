package store

import "time"

// Keys keeps the server key's check value and the secrets sealed with it.
type Keys interface {
	// KeyCheck is the value sealed with the database's key (ErrNotFound
	// before the database met its key).
	KeyCheck() ([]byte, error)
	PutKeyCheck(sealed []byte, at time.Time) error
	// SealedSecrets lists every sealed secret.
	SealedSecrets() ([]SealedSecret, error)
	PutSealedSecret(SealedSecret) error
}

// SealedSecret is one secret sealed with the server key, with the factor id
// it is bound to.
type SealedSecret struct {
	FactorID string
	Sealed   []byte
}
