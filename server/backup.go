package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/remotesupport/techconsole/server/store"
)

// Backup writes a consistent copy of the database at dbPath to to, and its
// key to to + ".key" (mode 0600), while a server may keep running on it. The
// copy is checked before Backup returns: it opens, and the key opens its
// secrets. Restore by putting both files where --db and --key point (the key
// beside the database as DB + ".key" is the default).
func Backup(ctx context.Context, eng store.Engine, dbPath, keyPath, to string) (err error) {
	if keyPath == "" {
		keyPath = dbPath + ".key"
	}
	for _, p := range []string{to, to + ".key"} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("backup: %s already exists; choose a new name", p)
		}
	}
	key, err := readKey(keyPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("backup: the key file %s is missing: a copy without its key cannot open its secrets", keyPath)
		}
		return fmt.Errorf("backup: %w", err)
	}
	seal, err := newSealer(key)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := eng.Copy(ctx, dbPath, to); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer func() {
		if err != nil {
			os.Remove(to)
			os.Remove(to + ".key")
		}
	}()
	if err := checkCopy(ctx, eng, to, seal, dbPath, keyPath); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := writeKeyFile(to+".key", key); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// checkCopy opens the copy (migrating it, as a restore would) and checks that
// the key fits it.
func checkCopy(ctx context.Context, eng store.Engine, path string, seal *sealer, dbPath, keyPath string) error {
	st, err := eng.Open(ctx, path, store.OpenOptions{})
	if err != nil {
		return fmt.Errorf("the copy does not open: %w", err)
	}
	defer st.Close()
	return st.Write(ctx, func(tx store.Tx) error { return adoptKey(tx, seal, dbPath, keyPath, time.Now()) })
}
