package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

// The server key seals the TOTP secrets. A database and its key file belong
// together: the database holds a check value sealed with its key (migration
// 0017), and a server starts only with the key that opens it. A key is made
// only for a database that holds nothing sealed.

// ErrKeyMissing: the key file is missing but the database holds secrets
// sealed with a key.
var ErrKeyMissing = errors.New("server key file missing")

// ErrKeyMismatch: the key file is not the database's key.
var ErrKeyMismatch = errors.New("server key does not belong to the database")

// keyCheckAD binds the check value to its purpose: it cannot be taken for a
// factor's secret, nor a secret for it.
const keyCheckAD = "server key check"

var keyCheckPlain = []byte("techconsole server key check v1")

// openKey returns the key the database's secrets are sealed with: the key
// file's, after checking it against the database, or a new one written to
// keyPath when the database holds nothing sealed yet.
func openKey(ctx context.Context, st store.Store, dbPath, keyPath string, now time.Time) ([]byte, *sealer, error) {
	key, err := readKey(keyPath)
	if errors.Is(err, fs.ErrNotExist) {
		if err := noSealedState(ctx, st, dbPath, keyPath); err != nil {
			return nil, nil, err
		}
		if key, err = createKey(keyPath); err != nil {
			return nil, nil, err
		}
	} else if err != nil {
		return nil, nil, err
	}
	seal, err := newSealer(key)
	if err != nil {
		return nil, nil, err
	}
	if err := st.Write(ctx, func(tx store.Tx) error { return adoptKey(tx, seal, dbPath, keyPath, now) }); err != nil {
		return nil, nil, err
	}
	return key, seal, nil
}

// noSealedState refuses to make a new key for a database that holds a key
// check or sealed secrets: a new key could open none of them.
func noSealedState(ctx context.Context, st store.Store, dbPath, keyPath string) error {
	var sealed bool
	err := st.Read(ctx, func(tx store.Tx) error {
		if _, err := tx.KeyCheck(); err == nil {
			sealed = true
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		secrets, err := tx.SealedSecrets()
		sealed = len(secrets) > 0
		return err
	})
	if err != nil {
		return fmt.Errorf("server key: %w", err)
	}
	if sealed {
		return fmt.Errorf("%w: the key file %s is missing, but the database %s holds secrets sealed with its key; "+
			"restore that key file (a backup keeps it beside the copy, as the copy's name + .key) or point --key at it%s. "+
			"No new key is made: it could not open those secrets",
			ErrKeyMissing, keyPath, dbPath, rotationHint(keyPath))
	}
	return nil
}

// adoptKey checks seal against the database: against its check value, or,
// in a database from before key checks, against every sealed secret; then
// records the check value.
func adoptKey(tx store.Keys, seal *sealer, dbPath, keyPath string, now time.Time) error {
	check, err := tx.KeyCheck()
	switch {
	case err == nil:
		if _, err := seal.open(check, keyCheckAD); err != nil {
			return mismatch(dbPath, keyPath)
		}
		return nil
	case !errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("server key: %w", err)
	}
	secrets, err := tx.SealedSecrets()
	if err != nil {
		return fmt.Errorf("server key: %w", err)
	}
	for _, s := range secrets {
		if _, err := seal.open(s.Sealed, s.FactorID); err != nil {
			return mismatch(dbPath, keyPath)
		}
	}
	sealed, err := seal.seal(keyCheckPlain, keyCheckAD)
	if err != nil {
		return fmt.Errorf("server key: %w", err)
	}
	return tx.PutKeyCheck(sealed, now)
}

func mismatch(dbPath, keyPath string) error {
	return fmt.Errorf("%w: the key file %s does not open the secrets of the database %s, which were sealed with another key; "+
		"start with the key file that belongs with this database%s", ErrKeyMismatch, keyPath, dbPath, rotationHint(keyPath))
}

// rotationHint points at an interrupted key rotation when its new key file
// is still there.
func rotationHint(keyPath string) string {
	if _, err := os.Stat(keyPath + newKeySuffix); err == nil {
		return fmt.Sprintf(" (%s%s exists: a key rotation was interrupted; run rotate-key again to finish it)", keyPath, newKeySuffix)
	}
	return ""
}

// keyFits reports whether seal opens the database's check value (the
// readiness check: it fails if the key was rotated under a running server).
func keyFits(tx store.Keys, seal *sealer) error {
	check, err := tx.KeyCheck()
	if err != nil {
		return fmt.Errorf("server key check: %w", err)
	}
	if _, err := seal.open(check, keyCheckAD); err != nil {
		return ErrKeyMismatch
	}
	return nil
}

// readKey reads a key file, tightening its mode to 0600 if others may read it.
func readKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("read server key file: %w", err)
	}
	if len(key) != keySize {
		return nil, fmt.Errorf("server key file %s: want %d bytes, found %d", path, keySize, len(key))
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, fmt.Errorf("server key file %s is readable by others and cannot be fixed: %w", path, err)
		}
	}
	return key, nil
}

// createKey writes a new random key to path (mode 0600; never over an
// existing file).
func createKey(path string) ([]byte, error) {
	key := make([]byte, keySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate server key: %w", err)
	}
	if err := writeKeyFile(path, key); err != nil {
		return nil, err
	}
	return key, nil
}

// writeKeyFile creates path with mode 0600 and key in it, synced to disk.
func writeKeyFile(path string, key []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return fmt.Errorf("write key file %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync key file %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close key file %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes a file's creation or rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}
