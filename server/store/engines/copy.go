package engines

import (
	"context"
	"errors"
	"fmt"

	"github.com/remotesupport/techconsole/server/store"
	"github.com/remotesupport/techconsole/server/store/postgres"
	"github.com/remotesupport/techconsole/server/store/sqlite"
)

// Copy moves an organisation from the SQLite file from into the empty
// PostgreSQL database to (migrated first): settings, groups, members,
// factors with their sealed secrets, paired phones, the audit log and the
// key's check value (postgres.CopyFrom). The key file moves as it is: start
// the servers on to with the same --key.
func Copy(ctx context.Context, from, to string) (postgres.CopyReport, error) {
	if !IsPostgres(to) {
		return nil, errors.New("copy: --to must be a postgres:// URL")
	}
	if IsPostgres(from) {
		return nil, errors.New("copy: --from must be a SQLite file")
	}
	src, err := sqlite.OpenSource(ctx, from)
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, to)
	if err != nil {
		return nil, fmt.Errorf("copy to %s: %w", store.DisplayName(to), err)
	}
	defer dst.Close()
	if _, err := dst.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("copy to %s: %w", store.DisplayName(to), err)
	}
	return dst.CopyFrom(ctx, src)
}
