package app

import (
	"context"

	"github.com/remotesupport/techconsole/api"
)

// VersionPreset is a shortcut in the tester panel's version switcher; any
// other major.minor.build works too (ParseCapabilities).
type VersionPreset struct {
	Label   string
	Version api.ConsoleVersion
}

// VersionPresets are the switcher's shortcuts around the legacy boundary.
var VersionPresets = []VersionPreset{
	{api.LastLegacyVersion.String() + " (last legacy release)", api.LastLegacyVersion},
	{"7.50.3573 (first with email and primary method)", api.ConsoleVersion{Major: 7, Minor: 50, Build: 3573}},
	{api.CurrentVersion.String() + " (current)", api.CurrentVersion},
}

// Outbox returns the SMS and email messages the server "sent" (newest first;
// to "" for all). It blocks: call it off the UI goroutine. A server without
// --dev answers with an error whose message says so.
func (c *Controller) Outbox(ctx context.Context, to string) ([]api.OutboxMessage, error) {
	cl, _, _, err := c.newClient()
	if err != nil {
		return nil, err
	}
	msgs, err := cl.Outbox(ctx, to)
	if err != nil {
		return nil, alertFor(err, c.now())
	}
	return msgs, nil
}
