// Package sqlite is the store's SQLite engine: one database file, one
// connection for writes (BEGIN IMMEDIATE, so writers queue in order) and a
// pool for reads, with its migrations embedded. Files are named by the part
// of the store they serve (members.go, challenges.go, sessions.go, ...).
package sqlite
