package app

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// RootCAs is the system's certificate authorities plus those of caFile (PEM),
// for a server whose certificate a private CA signed.
func RootCAs(caFile string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("read the CA file: %w", err)
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("the CA file holds no PEM certificate")
	}
	return pool, nil
}
