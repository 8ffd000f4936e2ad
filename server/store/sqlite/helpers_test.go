package sqlite

import "crypto/rand"

const (
	prefixMember = "mbr"
	prefixGroup  = "grp"
	prefixFactor = "fac"
)

// newID makes an id shaped like the server's.
func newID(prefix string) string { return prefix + "_" + rand.Text() }
