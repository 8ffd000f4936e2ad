// Package sqlite is the store's SQLite engine: one database file, one
// connection for writes (BEGIN IMMEDIATE, so writers queue in order) and a
// pool for reads, with its migrations embedded. The statements it shares
// with the PostgreSQL engine live in sqlstore; this package keeps what is
// SQLite's own: the connections and PRAGMAs, the prepared-statement cache
// (stmts.go), the trigram member search (members_page.go), incremental
// vacuum (sweep.go), WAL checkpoints and backups.
package sqlite
