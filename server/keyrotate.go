package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

// newKeySuffix names the new key while a rotation runs; it takes the key
// file's place once the database is sealed with it.
const newKeySuffix = ".new"

// RotateResult says what a key rotation did.
type RotateResult struct {
	Secrets    int    // secrets sealed again under the new key (0 when an interrupted rotation was only finished)
	OldKeyPath string // where the previous key was kept ("" when there was none left to keep)
}

// RotateKey seals every secret of the database at dbPath again under a new
// key, in one transaction, and puts the new key in keyPath (default dbPath +
// ".key"), keeping the old one as keyPath + ".old-TIMESTAMP". Run it with the
// server stopped: a running server keeps sealing with the key it loaded.
//
// The new key is written (as keyPath + ".new") before the transaction and
// moved into place after it, so an interruption never loses a key: running
// RotateKey again finishes the job.
func RotateKey(ctx context.Context, eng store.Engine, dbPath, keyPath string, now time.Time) (RotateResult, error) {
	if keyPath == "" {
		keyPath = dbPath + ".key"
	}
	st, err := eng.Open(ctx, dbPath, store.OpenOptions{})
	if err != nil {
		return RotateResult{}, err
	}
	defer st.Close()
	if done, old, err := finishRotation(ctx, st, keyPath, now); err != nil || done {
		return RotateResult{OldKeyPath: old}, err
	}
	oldKey, err := readKey(keyPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return RotateResult{}, fmt.Errorf("%w: %s; rotate-key needs the current key", ErrKeyMissing, keyPath)
		}
		return RotateResult{}, err
	}
	oldSeal, err := newSealer(oldKey)
	if err != nil {
		return RotateResult{}, err
	}
	if err := st.Write(ctx, func(tx store.Tx) error { return adoptKey(tx, oldSeal, dbPath, keyPath, now) }); err != nil {
		return RotateResult{}, err
	}
	newKey, err := createKey(keyPath + newKeySuffix)
	if err != nil {
		return RotateResult{}, err
	}
	newSeal, err := newSealer(newKey)
	if err != nil {
		return RotateResult{}, err
	}
	var n int
	err = st.Write(ctx, func(tx store.Tx) error {
		var err error
		n, err = reseal(tx, oldSeal, newSeal, now)
		return err
	})
	if err != nil {
		os.Remove(keyPath + newKeySuffix) // the database still has the old key
		return RotateResult{}, fmt.Errorf("rotate key: %w", err)
	}
	old, err := swapKeyFiles(keyPath, now)
	if err != nil {
		return RotateResult{}, err
	}
	return RotateResult{Secrets: n, OldKeyPath: old}, nil
}

// reseal opens every secret with from and seals it with to, and replaces the
// check value.
func reseal(tx store.Keys, from, to *sealer, now time.Time) (int, error) {
	secrets, err := tx.SealedSecrets()
	if err != nil {
		return 0, err
	}
	for _, s := range secrets {
		plain, err := from.open(s.Sealed, s.FactorID)
		if err != nil {
			return 0, fmt.Errorf("factor %s: %w", s.FactorID, err)
		}
		if s.Sealed, err = to.seal(plain, s.FactorID); err != nil {
			return 0, err
		}
		if err := tx.PutSealedSecret(s); err != nil {
			return 0, err
		}
	}
	check, err := to.seal(keyCheckPlain, keyCheckAD)
	if err != nil {
		return 0, err
	}
	return len(secrets), tx.PutKeyCheck(check, now)
}

// finishRotation completes a rotation interrupted after its transaction:
// when keyPath + ".new" is the database's key, it moves it into place. A
// ".new" file that is not (the transaction never committed) is removed.
func finishRotation(ctx context.Context, st store.Store, keyPath string, now time.Time) (done bool, old string, err error) {
	newPath := keyPath + newKeySuffix
	key, err := readKey(newPath)
	if errors.Is(err, fs.ErrNotExist) {
		return false, "", nil
	}
	if err != nil {
		return false, "", err
	}
	seal, err := newSealer(key)
	if err != nil {
		return false, "", err
	}
	if err := st.Read(ctx, func(tx store.Tx) error { return keyFits(tx, seal) }); err != nil {
		if !errors.Is(err, ErrKeyMismatch) && !errors.Is(err, store.ErrNotFound) {
			return false, "", err
		}
		if err := os.Remove(newPath); err != nil {
			return false, "", fmt.Errorf("remove the unused %s: %w", newPath, err)
		}
		return false, "", nil
	}
	old, err = swapKeyFiles(keyPath, now)
	return err == nil, old, err
}

// swapKeyFiles keeps the current key file (if any) as keyPath +
// ".old-TIMESTAMP" and moves keyPath + ".new" into its place.
func swapKeyFiles(keyPath string, now time.Time) (string, error) {
	old := ""
	if _, err := os.Stat(keyPath); err == nil {
		old = keyPath + ".old-" + now.UTC().Format("20060102T150405Z")
		if err := os.Rename(keyPath, old); err != nil {
			return "", fmt.Errorf("keep the old key: %w", err)
		}
	}
	if err := os.Rename(keyPath+newKeySuffix, keyPath); err != nil {
		return "", fmt.Errorf("put the new key in place: %w", err)
	}
	return old, syncDir(filepath.Dir(keyPath))
}
